/**
 * WGSL for the steps whose shape is baked in: fused elementwise regions (rendered from the region
 * IR by the WebGPU backend's scalar renderer, the same renderer the CPU loop uses with the
 * JavaScript dialect) and data moves. Offsets are literals relative to the mirror's origin; the
 * source is built only from IR ops, numbers and fixed names.
 */
import { renderFunctionWgsl } from '../../backends/webgpu/renderWgsl.ts';
import { WGSL_PRELUDE } from '../../backends/webgpu/preludeWgsl.ts';
import type { MoveDescription } from '../moveStep.ts';
import type { BufferRef, RegionDescription } from '../regionCode.ts';
import { MEMORY_BINDING, WORKGROUP } from './kernelsWgsl.ts';

/**
 * The helper functions of the integration kernels' prelude (accurate sin/cos, tanhSafe, spow, NaN
 * and infinity bits) without its bindings, which belong to the integration kernels.
 */
export const HELPERS_WGSL = WGSL_PRELUDE.split('\n')
  .filter((line) => !line.startsWith('@group') && !line.startsWith('struct Chunk'))
  .join('\n');

const u32 = (n: number) => {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`WebGPU training step: ${n} is not a u32 offset (the program's memory is too large)`);
  return `${n}u`;
};

/** Float index of element (row, j) of a region input, as the region's doc defines it. */
function regionIndex(r: BufferRef, origin: number): string {
  return [u32(r.offset - origin), ...(r.rows > 1 ? [`row * ${u32(r.size)}`] : []), ...(r.size > 1 ? ['j'] : [])].join(' + ');
}

function entry(count: number, body: string[]): string {
  return [
    `@compute @workgroup_size(${WORKGROUP})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    `  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;`,
    `  if (i >= ${u32(count)}) { return; }`,
    ...body.map((l) => `  ${l}`),
    '}',
  ].join('\n');
}

/** One thread per element of a region; `origin` is the CPU offset of the mirror's float 0. */
export function regionWgsl(d: RegionDescription, origin: number): string {
  const rendered = renderFunctionWgsl(d.fn, { params: d.inputs.map((_, k) => [`in${k}`]) }, 'v');
  const body = [
    `let row = i / ${u32(d.size)};`,
    `let j = i % ${u32(d.size)};`,
    ...d.inputs.map((r, k) => `let in${k} = mem[${regionIndex(r, origin)}];`),
    ...rendered.lines,
    ...d.stores.map((offset, k) => `mem[${u32(offset - origin)} + i] = ${rendered.outputs[k][0]};`),
  ];
  return `${MEMORY_BINDING}\n${HELPERS_WGSL}\n${entry(d.rows * d.size, body)}\n`;
}

/** Threads a region or move runs (one per element written, one per row for `sum` and `index`). */
export function stepThreads(op: { kind: 'region'; region: RegionDescription } | { kind: 'move'; move: MoveDescription }): number {
  if (op.kind === 'region') return op.region.rows * op.region.size;
  const m = op.move;
  return m.op === 'sum' || m.op === 'index' ? m.out.rows : m.out.rows * m.out.size;
}

/** One thread per element written (per row for `sum` and `index`). */
export function moveWgsl(d: MoveDescription, origin: number): string {
  const { out, args } = d;
  const row = (r: BufferRef, b = 'b') => (r.rows === 1 ? u32(r.offset - origin) : `${u32(r.offset - origin)} + ${b} * ${u32(r.size)}`);
  const n = out.size;
  let body: string[];
  switch (d.op) {
    case 'index': body = [`let b = i;`, `mem[${row(out)}] = mem[${row(args[0])} + ${u32(d.index)}];`]; break;
    case 'sum': body = [
      'let b = i;',
      'var s = 0.0;',
      `for (var k = 0u; k < ${u32(args[0].size)}; k++) { s = s + mem[${row(args[0])} + k]; }`,
      `mem[${row(out)}] = s;`,
    ]; break;
    case 'broadcast': body = [`let b = i / ${u32(n)};`, `let j = i % ${u32(n)};`, `mem[${row(out)} + j] = mem[${row(args[0])}];`]; break;
    case 'slice': body = [`let b = i / ${u32(n)};`, `let j = i % ${u32(n)};`, `mem[${row(out)} + j] = mem[${row(args[0])} + ${u32(d.index)} + j];`]; break;
    case 'stack': case 'concat': {
      // Element j of the output row comes from the argument whose columns cover j.
      let start = 0;
      const branches = args.map((a, k) => {
        const from = `mem[${row(a)} + j - ${u32(start)}]`;
        start += a.size;
        return k === args.length - 1 ? `{ v = ${from}; }` : `if (j < ${u32(start)}) { v = ${from}; }`;
      });
      body = [`let b = i / ${u32(n)};`, `let j = i % ${u32(n)};`, 'var v = 0.0;', branches.join(' else '), `mem[${row(out)} + j] = v;`];
      break;
    }
  }
  return `${MEMORY_BINDING}\n${entry(stepThreads({ kind: 'move', move: d }), body)}\n`;
}
