/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { IRBuilder } from '../ir/builder.ts';
import { gradient } from '../ir/gradient.ts';
import { interpretIR, type RandomDraws } from '../ir/interpret.ts';
import { OP_CASES, testRng, type OpCase } from '../ir/opCases.ts';
import { ALL_OPS, SCALAR, sizeOf, vectorType, type IRFunction } from '../ir/types.ts';
import { emitMlp, initMlp, mlpParams, type MlpSpec } from '../nn/mlp.ts';
import { JS_DIALECT } from './cpu/renderJs.ts';
import { needsLoops, renderLoopFunction, type LoopBindings } from './renderLoops.ts';
import { tableOffsets } from './tables.ts';
import { requestNodeDevice, SWIFTSHADER_ICD } from './webgpu/nodeDevice.ts';
import { WGSL_PRELUDE } from './webgpu/preludeWgsl.ts';
import { WGSL_DIALECT } from './webgpu/renderWgsl.ts';

/**
 * The loop renderer against the float64 interpreter (core/ir/interpret.ts), for every op and for
 * the reverse-mode gradient of each op's case (so matmul_t, outer, broadcast and the activation
 * derivatives appear as the gradient pass emits them), plus a small MLP loss and its gradient:
 * JavaScript exactly (float64, same summation order: 1e-12), WGSL on a GPU adapter (SwiftShader in
 * CI) to float32 rounding. Each case runs with vectors written out up to 4 elements (the default)
 * and with every vector in the scratch array (unroll 0), params bound as scalars or read from a
 * flat weights array.
 */

type Mode = { unroll: number; arrays: boolean };
const MODES: Mode[] = [{ unroll: 4, arrays: true }, { unroll: 0, arrays: true }, { unroll: 0, arrays: false }, { unroll: 4, arrays: false }];

/** A function, its inputs (row-major per param) and draws. */
interface Case { name: string; fn: IRFunction; inputs: readonly (readonly number[])[]; random?: RandomDraws }

/**
 * Lays a case's inputs, draws and tables out in one flat array `data`, and the bindings that read
 * them from the array named `array` (params of more than one element from it when `mode.arrays`,
 * the others as scalar expressions `array[k]`).
 */
function layout(c: Case, mode: Mode, array: string, index: (n: number) => string, base = 0): { data: number[]; bindings: LoopBindings } {
  const data: number[] = [];
  const at = (values: ArrayLike<number>) => {
    const offset = base + data.length;
    data.push(...Array.from(values));
    return offset;
  };
  const paramOffsets = c.inputs.map((v) => at(v));
  const normals = at(c.random?.normal ?? []);
  const uniforms = at(c.random?.uniform ?? []);
  const tableStart = at((c.fn.tables ?? []).flatMap((t) => Array.from(t.data)));
  const offsets = tableOffsets(c.fn.tables);
  return {
    data,
    bindings: {
      params: c.inputs.map((v, k) => Array.from({ length: v.length }, (_, e) => `${array}[${index(paramOffsets[k] + e)}]`)),
      arrays: (k) => (mode.arrays && c.inputs[k].length > 1 ? { array, offset: paramOffsets[k] } : undefined),
      random: (kind, draw) => `${array}[${index((kind === 'normal' ? normals : uniforms) + draw)}]`,
      tables: (k) => ({ array, offset: tableStart + offsets[k] }),
      scratch: 'S',
    },
  };
}

function runJs(c: Case, mode: Mode): number[][] {
  const { data, bindings } = layout(c, mode, 'D', String);
  const r = renderLoopFunction(c.fn, bindings, 'v', JS_DIALECT, { unroll: mode.unroll });
  const body = `${r.lines.join('\n')}\nreturn [${r.outputs.map((o) => `[${o.join(', ')}]`).join(', ')}];`;
  const f = new Function('D', 'S', body) as (d: Float64Array, s: Float64Array) => number[][];
  return f(Float64Array.from(data), new Float64Array(r.scratch));
}

/** |a − b| ≤ tol (1 + |b|) elementwise; returns the worst ratio. */
function worst(got: readonly (readonly number[])[], expected: readonly Float64Array[], tol: number): number {
  expect(got.length).toBe(expected.length);
  let w = 0;
  got.forEach((g, j) => {
    expect(g.length).toBe(expected[j].length);
    g.forEach((v, k) => { w = Math.max(w, Math.abs(v - expected[j][k]) / (tol * (1 + Math.abs(expected[j][k])))); });
  });
  return w;
}

/** The op's case and its gradient with respect to every differentiated param. */
function opCases(op: (typeof ALL_OPS)[number], seed: number): Case[] {
  const c: OpCase = OP_CASES[op](testRng(seed * 7919 + op.length));
  return [
    { name: op, fn: c.fn, inputs: c.inputs, random: c.random },
    { name: `∇${op}`, fn: gradient(c.fn, c.wrt), inputs: c.inputs, random: c.random },
  ];
}

/** loss = Σ r ⊙ mlp(x, t) of a small sinusoidal-time SiLU MLP, and its gradient in every weight and x. */
function mlpLoss(): { loss: Case; grad: Case } {
  const spec: MlpSpec = { inputDim: 3, time: { kind: 'sinusoidal', size: 4 }, width: 7, depth: 2, activation: 'silu', outputDim: 3 };
  const params = [...mlpParams(spec), { name: 'x', type: vectorType(3) }, { name: 't', type: SCALAR }, { name: 'r', type: vectorType(3) }];
  const b = new IRBuilder('mlp_loss', params);
  const p = params.map((_, i) => b.param(i));
  const y = emitMlp(b, spec, p.slice(0, -3), p[params.length - 3], p[params.length - 2]);
  const fn = b.build([b.sum(b.mul(y, p[params.length - 1]))]);
  const inputs = [...initMlp(spec, 3).map((w) => Array.from(w)), [0.3, -1.1, 0.8], [0.4], [1, -2, 0.5]];
  const wrt = params.map((_, i) => i).slice(0, -2);
  return { loss: { name: 'mlp loss', fn, inputs }, grad: { name: '∇ mlp loss', fn: gradient(fn, wrt), inputs } };
}

describe('loop renderer: JavaScript against the interpreter', () => {
  for (const op of ALL_OPS) {
    test.each([1, 2, 3])(`${op} and its gradient (shapes from seed %i)`, (seed) => {
      for (const c of opCases(op, seed)) {
        const expected = interpretIR(c.fn, c.inputs, c.random);
        for (const mode of MODES) expect(worst(runJs(c, mode), expected, 1e-12), `${c.name} ${JSON.stringify(mode)}`).toBeLessThanOrEqual(1);
      }
    });
  }

  test('an MLP loss and its gradient (matmul_t, outer, silu_grad as reverse mode emits them)', () => {
    const { loss, grad } = mlpLoss();
    expect(grad.fn.nodes.some((n) => n.op === 'outer') && grad.fn.nodes.some((n) => n.op === 'matmul_t')).toBe(true);
    expect(needsLoops(grad.fn)).toBe(true);
    for (const c of [loss, grad]) {
      const expected = interpretIR(c.fn, c.inputs);
      for (const mode of MODES) expect(worst(runJs(c, mode), expected, 1e-12), `${c.name} ${JSON.stringify(mode)}`).toBeLessThanOrEqual(1);
    }
  });

  test('scratch is reused once values are dead: a deep stack of 64-wide layers needs a few vectors, not one per layer', () => {
    const spec: MlpSpec = { inputDim: 2, time: { kind: 'none' }, width: 64, depth: 6, activation: 'silu', outputDim: 2 };
    const params = [...mlpParams(spec), { name: 'x', type: vectorType(2) }, { name: 't', type: SCALAR }];
    const b = new IRBuilder('mlp', params);
    const p = params.map((_, i) => b.param(i));
    const fn = b.build([emitMlp(b, spec, p.slice(0, -2), p[params.length - 2], p[params.length - 1])]);
    const c: Case = { name: 'deep', fn, inputs: [...initMlp(spec, 1).map((w) => Array.from(w)), [0.5, -0.5], [0.2]] };
    const { bindings } = layout(c, { unroll: 4, arrays: true }, 'D', String);
    const r = renderLoopFunction(fn, bindings, 'v', JS_DIALECT);
    expect(r.scratch).toBeLessThanOrEqual(3 * 64);
    expect(worst(runJs(c, { unroll: 4, arrays: true }), interpretIR(fn, c.inputs), 1e-12)).toBeLessThanOrEqual(1);
    // Loops, not a scalar per multiply-add.
    expect(r.lines.length).toBeLessThan(200);
  });
});

// WGSL: every case becomes one function of one shader (one compile on SwiftShader), writing its
// outputs to a storage buffer; inputs come from another, read as `D[k]`.
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const gpu = await requestNodeDevice();
const device = 'device' in gpu ? gpu.device : undefined;
const skipReason = 'error' in gpu ? gpu.error : '';
if (!device) console.warn(`WGSL loop-renderer tests skipped: ${skipReason}`);
afterAll(() => device?.destroy());

/** Runs each case in WGSL with `mode` and returns its outputs. */
async function runWgsl(dev: GPUDevice, cases: readonly Case[], mode: Mode): Promise<number[][][]> {
  const data: number[] = [];
  const functions: string[] = [];
  const outs: { offset: number; sizes: number[] }[] = [];
  let outAt = 0;
  cases.forEach((c, q) => {
    const { data: d, bindings } = layout(c, mode, 'D', (n) => `${n}u`, data.length);
    data.push(...d);
    const r = renderLoopFunction(c.fn, bindings, 'v', WGSL_DIALECT, { unroll: mode.unroll });
    const sizes = c.fn.outputs.map((o) => sizeOf(c.fn.nodes[o].type));
    const stores = r.outputs.flat().map((e, k) => `  OUT[${outAt + k}u] = ${e};`);
    outs.push({ offset: outAt, sizes });
    outAt += sizes.reduce((a, s) => a + s, 0);
    functions.push(`fn case${q}() {`, `  var S: array<f32, ${Math.max(1, r.scratch)}>;`, ...r.lines.map((l) => `  ${l}`), ...stores, '}');
  });
  const source = [
    WGSL_PRELUDE,
    '@group(0) @binding(6) var<storage, read> D: array<f32>;',
    '@group(0) @binding(7) var<storage, read_write> OUT: array<f32>;',
    ...functions,
    '@compute @workgroup_size(1)',
    `fn main() { ${cases.map((_, q) => `case${q}();`).join(' ')} }`,
  ].join('\n');
  const module = dev.createShaderModule({ code: source });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const lines = source.split('\n');
    throw new Error(errors.map((m) => `${m.lineNum}: ${m.message}\n  ${lines[m.lineNum - 1]}`).join('\n'));
  }
  const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const input = dev.createBuffer({ size: Math.max(4, 4 * data.length), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  dev.queue.writeBuffer(input, 0, Float32Array.from(data));
  const output = dev.createBuffer({ size: 4 * outAt, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const staging = dev.createBuffer({ size: 4 * outAt, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = dev.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 6, resource: { buffer: input } }, { binding: 7, resource: { buffer: output } }] }));
  pass.dispatchWorkgroups(1);
  pass.end();
  encoder.copyBufferToBuffer(output, 0, staging, 0, 4 * outAt);
  dev.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const all = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
  staging.unmap();
  for (const b of [input, output, staging]) b.destroy();
  return outs.map(({ offset, sizes }) => {
    let at = offset;
    return sizes.map((s) => all.slice(at, (at += s)));
  });
}

/** Inputs rounded to float32 (what the GPU reads), so the comparison measures only arithmetic. */
function rounded(c: Case): Case {
  const f = (v: ArrayLike<number>) => Array.from(v, (x) => Math.fround(x));
  return { ...c, inputs: c.inputs.map(f), random: c.random && { normal: c.random.normal && f(c.random.normal), uniform: c.random.uniform && f(c.random.uniform) } };
}

describe.skipIf(!device)(`loop renderer: WGSL against the interpreter${device ? '' : ` (skipped: ${skipReason})`}`, () => {
  // Float32 arithmetic on O(1) inputs with sums of ≤ 25 terms: a few ulps of 1 + |value| per op.
  const TOL = 3e-5;
  const cases = ALL_OPS.flatMap((op) => opCases(op, 1)).map(rounded);
  const { loss, grad } = mlpLoss();
  cases.push(rounded(loss), rounded(grad));

  for (const mode of [MODES[0], MODES[1], MODES[2]]) {
    test(`every op, its gradient and an MLP loss gradient, ${mode.unroll ? 'small vectors written out' : 'every vector in scratch'}, ${mode.arrays ? 'params from the weights array' : 'params as scalars'}`, async () => {
      const results = await runWgsl(device!, cases, mode);
      const bad: string[] = [];
      cases.forEach((c, q) => {
        const w = worst(results[q], interpretIR(c.fn, c.inputs, c.random), TOL);
        if (!(w <= 1)) bad.push(`${c.name}: ${w.toFixed(2)} × tolerance`);
      });
      expect(bad).toEqual([]);
    });
  }
});
