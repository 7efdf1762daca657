import { JS_DIALECT } from '../backends/cpu/renderJs.ts';
import { renderScalarFunction } from '../backends/renderScalar.ts';
import { SCALAR, type IRFunction, type IRNode } from '../ir/types.ts';

/** Where a value lives: `rows` rows (1 = shared, or the batch) of `size` floats from `offset`. */
export interface BufferRef {
  offset: number;
  rows: number;
  size: number;
}

/** A compiled loop over the float32 memory. */
export type MemoryStep = (f: Float32Array) => void;

/**
 * A fused elementwise region as data: `fn` computes every stored value of one element from one
 * element of each input (params `in0`, `in1`, … bound to `inputs`; outputs in `stores` order), over
 * `rows` × `size` elements. Input k of element (row, j) is at
 * inputs[k].offset + (rows > 1 ? row · size : 0) + (size > 1 ? j : 0) (a shared vector, a per-row
 * scalar or one float broadcast); output k goes to stores[k] + row · size + j.
 */
export interface RegionDescription {
  /** Scalar IR of one element: params are the inputs, outputs the stored values. */
  fn: IRFunction;
  inputs: readonly BufferRef[];
  /** Offsets of the stored [rows, size] buffers, in output order. */
  stores: readonly number[];
  rows: number;
  size: number;
}

/**
 * Describes a run of elementwise nodes (`members`, in order) of one shape as one region over
 * `rows` × `size` elements: inputs are loaded once per element, intermediates stay in locals, and
 * only `stores` (node → offset) are written back.
 */
export function describeRegion(
  fn: IRFunction, members: readonly number[], rows: number, size: number,
  input: (node: number) => BufferRef, stores: ReadonlyMap<number, number>,
): RegionDescription {
  const local = new Map<number, number>();
  const nodes: IRNode[] = [];
  const inputs: BufferRef[] = [];
  const constants = new Map<number, number>();
  const argOf = (a: number): number => {
    const mapped = local.get(a);
    if (mapped !== undefined) return mapped;
    const node = fn.nodes[a];
    if (node.op === 'const') {
      const c = constants.get(a);
      if (c !== undefined) return c;
      nodes.push({ op: 'const', args: [], type: SCALAR, value: node.value });
      constants.set(a, nodes.length - 1);
      return nodes.length - 1;
    }
    nodes.push({ op: 'param', args: [], type: { ...node.type, shape: [] }, index: inputs.length });
    const r = input(a);
    inputs.push({ offset: r.offset, rows: r.rows, size: r.size });
    local.set(a, nodes.length - 1);
    return nodes.length - 1;
  };
  for (const m of members) {
    const node = fn.nodes[m];
    const args = node.args.map(argOf);
    nodes.push({ ...node, args, type: { ...node.type, shape: [] } });
    local.set(m, nodes.length - 1);
  }
  const outputs = [...stores.keys()].map((m) => local.get(m) ?? -1);
  const region: IRFunction = { name: 'region', params: inputs.map((_, k) => ({ name: `in${k}`, type: SCALAR })), nodes, outputs };
  return { fn: region, inputs, stores: [...stores.values()], rows, size };
}

/**
 * Compiles a region into one JavaScript loop over the float32 memory. The loop body is rendered
 * from the IR by the CPU backend's scalar renderer (so semantics match the kernels exactly); the
 * rest of the source is numbers and fixed names.
 */
export function regionStep(d: RegionDescription): MemoryStep {
  const { inputs, rows, size, stores } = d;
  const rendered = renderScalarFunction(d.fn, { params: inputs.map((_, k) => [`in${k}`]) }, 'v', JS_DIALECT);
  // One flat loop unless an input is a shared vector or a per-row scalar (then rows × columns).
  const flat = rows === 1 || size === 1 || inputs.every((r) => (r.rows === rows && r.size === size) || (r.rows === 1 && r.size === 1));
  const at = (r: BufferRef) => {
    if (flat) return r.size === 1 && r.rows === 1 ? `${r.offset}` : `${r.offset} + i`;
    return `${r.offset}${r.rows > 1 ? ` + row * ${r.size}` : ''}${r.size > 1 ? ' + j' : ''}`;
  };
  const body = [
    ...inputs.map((r, k) => `const in${k} = f[${at(r)}];`),
    ...rendered.lines,
    ...stores.map((offset, k) => `f[${flat ? `${offset} + i` : `${offset} + row * ${size} + j`}] = ${rendered.outputs[k][0]};`),
  ].map((l) => `    ${l}`);
  const source = flat
    ? [`for (let i = 0; i < ${rows * size}; i++) {`, ...body, '}']
    : [`for (let row = 0; row < ${rows}; row++) {`, `  for (let j = 0; j < ${size}; j++) {`, ...body, '  }', '}'];
  return new Function('f', source.join('\n')) as MemoryStep;
}

/** {@link describeRegion} compiled by {@link regionStep}. */
export function compileRegion(
  fn: IRFunction, members: readonly number[], rows: number, size: number,
  input: (node: number) => BufferRef, stores: ReadonlyMap<number, number>,
): MemoryStep {
  return regionStep(describeRegion(fn, members, rows, size, input, stores));
}
