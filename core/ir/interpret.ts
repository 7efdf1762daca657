import { foldBinary, foldUnary, tableRowIndex } from './fold.ts';
import { isBinaryOp, isUnaryOp, sizeOf, type IRFunction } from './types.ts';

/** Where the interpreter's random ops read: draw k of a kind is element k of its array. */
export interface RandomDraws {
  normal?: ArrayLike<number>;
  uniform?: ArrayLike<number>;
}

/** A param's value: a number for a scalar, or the elements row-major. */
export type InterpreterInput = number | ArrayLike<number>;

/**
 * Float64 reference semantics of an IR function, node by node: the ground truth the derivative
 * passes, the kernel generators and the training executor are tested against. Returns each output
 * as its elements, row-major.
 *
 * @example interpretIR(fn, [[1, 2], 0.5])[0] // f(x = [1, 2], t = 0.5)
 */
export function interpretIR(fn: IRFunction, inputs: readonly InterpreterInput[], random: RandomDraws = {}): Float64Array[] {
  const values: Float64Array[] = [];
  for (const [i, node] of fn.nodes.entries()) {
    const n = sizeOf(node.type);
    const a = node.args.map((v) => values[v]);
    const out = new Float64Array(n);
    const at = (v: Float64Array, k: number) => (v.length === 1 ? v[0] : v[k]);
    switch (node.op) {
      case 'const': out[0] = node.value ?? 0; break;
      case 'param': {
        const input = inputs[node.index ?? -1];
        if (input === undefined) throw new Error(`interpretIR(${fn.name}): param ${node.index} is not given`);
        const elements = typeof input === 'number' ? [input] : input;
        if (elements.length !== n) throw new Error(`interpretIR(${fn.name}): param ${fn.params[node.index ?? 0]?.name} has ${elements.length} elements, expected ${n}`);
        for (let k = 0; k < n; k++) out[k] = elements[k];
        break;
      }
      case 'index': out[0] = a[0][node.index ?? 0]; break;
      case 'stack': a.forEach((v, k) => { out[k] = v[0]; }); break;
      case 'concat': {
        let offset = 0;
        for (const v of a) { out.set(v, offset); offset += v.length; }
        break;
      }
      case 'slice': out.set(a[0].subarray(node.index ?? 0, (node.index ?? 0) + n)); break;
      case 'broadcast': out.fill(a[0][0]); break;
      case 'select': for (let k = 0; k < n; k++) out[k] = at(a[0], k) ? at(a[1], k) : at(a[2], k); break;
      case 'matmul': case 'matmul_t': {
        const [m, cols] = fn.nodes[node.args[0]].type.shape;
        const [mat, vec] = a;
        for (let r = 0; r < m; r++) {
          for (let c = 0; c < cols; c++) {
            if (node.op === 'matmul') out[r] += mat[r * cols + c] * vec[c];
            else out[c] += mat[r * cols + c] * vec[r];
          }
        }
        break;
      }
      case 'outer': {
        const k = a[1].length;
        for (let r = 0; r < a[0].length; r++) for (let c = 0; c < k; c++) out[r * k + c] = a[0][r] * a[1][c];
        break;
      }
      case 'sum': out[0] = a[0].reduce((s, x) => s + x, 0); break;
      case 'random_normal': case 'random_uniform': {
        const source = node.op === 'random_normal' ? random.normal : random.uniform;
        const draw = source?.[node.index ?? 0];
        if (draw === undefined) throw new Error(`interpretIR(${fn.name}): %${i} reads ${node.op} draw ${node.index}, which was not provided`);
        out[0] = draw;
        break;
      }
      case 'table_row': {
        const table = fn.tables?.[node.index ?? -1];
        if (!table) throw new Error(`interpretIR(${fn.name}): %${i} reads table ${node.index}, which the function does not have`);
        const r = tableRowIndex(a[0][0], table.rows);
        out.set(table.data.subarray(r * table.cols, (r + 1) * table.cols));
        break;
      }
      default:
        if (isUnaryOp(node.op)) for (let k = 0; k < n; k++) out[k] = foldUnary(node.op, a[0][k]);
        else if (isBinaryOp(node.op)) for (let k = 0; k < n; k++) out[k] = foldBinary(node.op, at(a[0], k), at(a[1], k));
        else throw new Error(`interpretIR(${fn.name}): unknown op '${String(node.op)}' at %${i}`);
    }
    values.push(out);
  }
  return fn.outputs.map((o) => values[o]);
}
