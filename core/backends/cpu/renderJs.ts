import { isBinaryOp, isUnaryOp, sizeOf, type BinaryOp, type IRFunction, type UnaryOp } from '../../ir/types.ts';

/** Scalarised value: one JavaScript expression (a local name or a literal) per tensor element. */
export type JsValue = readonly string[];

/** How to bind a function's inputs and random draws when it is inlined into a kernel. */
export interface JsBindings {
  /** One scalarised value per param of the function. */
  params: readonly JsValue[];
  /** JavaScript expression for draw `draw` of the given kind; required when the function draws. */
  random?: (kind: 'normal' | 'uniform', draw: number) => string;
}

const UNARY: Record<UnaryOp, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tan: (a) => `Math.tan(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sigmoid: (a) => `(1 / (1 + Math.exp(-${a})))`,
  abs: (a) => `Math.abs(${a})`,
};

const BINARY: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => (b === '2' ? `(${a} * ${a})` : `Math.pow(${a}, ${b})`),
  min: (a, b) => `Math.min(${a}, ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  lt: (a, b) => `(${a} < ${b})`,
};

/** A numeric literal as JavaScript source; only numbers ever reach generated code this way. */
export function jsNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  const s = String(v);
  return v < 0 ? `(${s})` : s;
}

/**
 * Renders `fn` as straight-line JavaScript statements (`const p_7 = (p_3 * x1);`), returning the
 * statements and the scalarised outputs. `prefix` keeps the locals of several inlined copies apart;
 * it must be an identifier chosen by the kernel generator, never user text.
 */
export function renderFunctionJs(fn: IRFunction, bindings: JsBindings, prefix: string): { lines: string[]; outputs: JsValue[] } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(prefix)) throw new Error(`renderFunctionJs: bad prefix '${prefix}'`);
  const lines: string[] = [];
  const values: JsValue[] = [];
  const local = (i: number, k: number, expr: string): string => {
    const name = sizeOf(fn.nodes[i].type) === 1 ? `${prefix}${i}` : `${prefix}${i}_${k}`;
    lines.push(`const ${name} = ${expr};`);
    return name;
  };
  fn.nodes.forEach((node, i) => {
    const args = node.args.map((a) => values[a]);
    const at = (v: JsValue, k: number) => (v.length === 1 ? v[0] : v[k]);
    const n = sizeOf(node.type);
    switch (node.op) {
      case 'const': values.push([jsNumber(node.value ?? 0)]); return;
      case 'param': values.push(bindings.params[node.index ?? -1] ?? missing(fn, node.index)); return;
      case 'index': values.push([args[0][node.index ?? 0]]); return;
      case 'stack': values.push(args.map((a) => a[0])); return;
      case 'random_normal': case 'random_uniform': {
        if (!bindings.random) throw new Error(`renderFunctionJs: ${fn.name} draws random numbers but no stream is bound`);
        values.push([local(i, 0, bindings.random(node.op === 'random_normal' ? 'normal' : 'uniform', node.index ?? 0))]);
        return;
      }
      case 'select':
        values.push(Array.from({ length: n }, (_, k) => local(i, k, `(${at(args[0], k)} ? ${at(args[1], k)} : ${at(args[2], k)})`)));
        return;
      case 'sum': values.push([local(i, 0, `(${args[0].join(' + ')})`)]); return;
      case 'matmul': {
        const cols = fn.nodes[node.args[0]].type.shape[1] ?? 0;
        values.push(Array.from({ length: n }, (_, r) =>
          local(i, r, `(${Array.from({ length: cols }, (_, c) => `${args[0][r * cols + c]} * ${args[1][c]}`).join(' + ')})`)));
        return;
      }
      default:
        if (isUnaryOp(node.op)) {
          const f = UNARY[node.op];
          values.push(args[0].map((a, k) => local(i, k, f(a))));
          return;
        }
        if (isBinaryOp(node.op)) {
          const f = BINARY[node.op];
          values.push(Array.from({ length: n }, (_, k) => local(i, k, f(at(args[0], k), at(args[1], k)))));
          return;
        }
        throw new Error(`renderFunctionJs: op '${String(node.op)}' has no JavaScript rendering`);
    }
  });
  return { lines, outputs: fn.outputs.map((o) => values[o]) };
}

function missing(fn: IRFunction, index: number | undefined): never {
  throw new Error(`renderFunctionJs: param ${index} of ${fn.name} is not bound`);
}
