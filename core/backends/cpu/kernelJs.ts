import { brownianTreeLayout } from '../../rng/brownian.ts';
import { STREAM_BROWNIAN, STREAM_CORRECTOR } from '../../rng/streams.ts';
import type { IntegrateStage } from '../../compile/plan.ts';
import type { IRFunction } from '../../ir/types.ts';
import type { OdeMethod, SdeMethod } from '../../solvers/method.ts';
import { embeddedStep, predictorCorrectorStep, rkCombine, rkStages, sdeStep } from '../stepCode.ts';
import { networkDialect, stageUsesLoops } from '../networkFields.ts';
import type { Dialect } from '../renderScalar.ts';
import { tableOffsets } from '../tables.ts';
import { JS_DIALECT, jsNumber, renderFunctionJs } from './renderJs.ts';
import { JS_PRELUDE } from './prelude.ts';

/** Normals per fill of the Brownian buffer (the buffer is this, or one base interval if larger). */
export const NORMAL_BLOCK = 1 << 15;

/** Float64 values the normal filler must hold for a stage. */
export function normalCapacity(stage: IntegrateStage): number {
  const initDraws = stage.init.nodes.filter((n) => n.op === 'random_normal').length;
  if (stage.method.kind !== 'sde') return Math.max(4, initDraws);
  const { depth } = brownianTreeLayout(stage.grid.steps);
  // A Langevin corrector draws correctorSteps · d normals per step into the same buffer.
  return Math.max(NORMAL_BLOCK, 2 ** depth * stage.dims * Math.max(1, correctorSteps(stage.method)), initDraws);
}

/** Langevin corrector iterations per step of a predictor–corrector method (0 otherwise). */
function correctorSteps(method: IntegrateStage['method']): number {
  return method.kind === 'sde' ? (method.predictorCorrector?.correctorSteps ?? 0) : 0;
}

/**
 * Generates the JavaScript of a fused integration kernel: for each particle of a range, sample the
 * initial state, then run every step with the state in local variables, recording as it goes.
 * The source is built only from IR nodes, numeric literals and fixed names.
 *
 * The result is the body of `new Function('env', body)`, which returns
 * `run(pStart, pEnd, samples, trajectory, status)`; see kernelRunner.ts for `env` and `status`
 * (`env.tables` holds the initial sampler's tables, packed as core/backends/tables.ts says).
 *
 * Fields with networks (see core/backends/networkFields.ts) are rendered with loops: they read
 * their weights from `env.weights` (packed by packWeights) and keep vectors in one scratch
 * Float64Array made once per kernel instance (per worker thread), never per particle.
 */
export function generateKernelSource(stage: IntegrateStage): string {
  const D = stage.dims;
  const xs = Array.from({ length: D }, (_, j) => `x${j}`);
  const loops = stageUsesLoops(stage);
  const network = loops ? networkDialect(JS_DIALECT, stage, { weights: 'weights', scratch: 'scratch' }) : undefined;
  const JS = network?.dialect ?? JS_DIALECT;
  const body = stage.method.kind === 'sde' ? sdeLoop(JS, stage, stage.method, xs)
    : stage.method.adaptive ? adaptiveLoop(JS, stage, stage.method, xs) : odeLoop(JS, stage, stage.method, xs);
  const out: string[] = [JS_PRELUDE];
  const { grid } = stage;
  out.push(`const D = ${D}, N = ${grid.particles}, T0 = ${jsNumber(grid.t0)}, T1 = ${jsNumber(grid.t1)}, RECORD = ${grid.record};`);
  out.push(`const SEED = ${grid.seed >>> 0}, BROWNIAN_STREAM = ${STREAM_BROWNIAN};`);
  // The initial sampler's tables, packed (core/backends/tables.ts); only sizes reach the source.
  if (stage.init.tables?.length) out.push('const TABLES = env.tables;');
  if (network) out.push('const WEIGHTS = env.weights;', `const SCRATCH = new Float64Array(${Math.max(1, network.scratch())});`);
  out.push(stage.method.kind === 'sde' ? sdeConstants(stage) : stage.method.adaptive ? adaptiveConstants(stage) : odeConstants(stage));
  out.push('return function run(pStart, pEnd, samples, trajectory, status) {');
  // Locals of run: V8 reloads the outer constants inside every loop of a large function otherwise.
  if (network) out.push('  const weights = WEIGHTS, scratch = SCRATCH;');
  out.push('  for (let p = pStart; p < pEnd; p++) {');
  out.push(indent(initCode(stage.init, xs), 4));
  out.push(indent(store('0', xs), 4));
  out.push(indent(body, 4));
  out.push(indent(xs.map((x, j) => `samples[p * D + ${j}] = ${x};`).join('\n'), 4));
  out.push('  }', '  return -1;', '};');
  return out.join('\n');
}



function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

/** Writes the state into time slot `slot` of the trajectory (when recording). */
function store(slot: string, xs: readonly string[]): string {
  return `if (trajectory !== null) { const o = (${slot} * N + p) * D; ${xs.map((x, j) => `trajectory[o + ${j}] = ${x};`).join(' ')} }`;
}

/** Fails the run at (particle, step) when any state component is NaN or infinite. */
function finiteCheck(xs: readonly string[], step: string): string {
  return `if (${xs.map((x) => `(${x} - ${x})`).join(' + ')} !== 0) { status[0] = p; status[1] = ${step}; return p; }`;
}

function initCode(init: IRFunction, xs: readonly string[]): string {
  const lines: string[] = [];
  const count = (op: string) => init.nodes.reduce((m, n) => (n.op === op ? Math.max(m, (n.index ?? 0) + 1) : m), 0);
  const normals = count('random_normal');
  const uniforms = count('random_uniform');
  if (normals > 0) lines.push(`const initNormals = env.initNormals(SEED, p, ${normals});`);
  if (uniforms > 0) lines.push(`const initUniforms = env.initUniforms(SEED, p, ${uniforms});`);
  const offsets = tableOffsets(init.tables);
  const rendered = renderFunctionJs(init, {
    params: [],
    random: (kind, draw) => (kind === 'normal' ? `initNormals[${draw}]` : `initUniforms[${draw}]`),
    tables: (k) => ({ array: 'TABLES', offset: offsets[k] }),
  }, 'i_');
  lines.push(...rendered.lines);
  const values = rendered.outputs.flat();
  xs.forEach((x, j) => lines.push(`let ${x} = ${values[j]};`));
  return lines.join('\n');
}


function odeConstants(stage: IntegrateStage): string {
  return `const STEPS = ${stage.grid.steps}, DT = (T1 - T0) / STEPS, RECORD_EVERY = RECORD > 0 ? STEPS / RECORD : 0;`;
}

function sdeConstants(stage: IntegrateStage): string {
  const { depth, baseIntervals } = brownianTreeLayout(stage.grid.steps);
  return [
    odeConstants(stage),
    `const LEAVES = ${2 ** depth}, BASE = ${baseIntervals}, H = (T1 - T0) / BASE, SQRT_H = Math.sqrt(H);`,
    `const CHUNK = Math.max(1, Math.floor(env.normals.length / (LEAVES * D)));`,
    unrolledBridge(2 ** depth) ?? 'const bridge = LEAVES > 1 ? makeBridge(LEAVES, D, H) : null;',
    'const z = env.normals;',
    ...correctorConstants(stage),
  ].join('\n');
}

/**
 * A Langevin corrector's normals share the filler's buffer with the Brownian ones: per chunk of
 * base intervals the increments are copied to `dw` first, and chunks are small enough for both.
 */
function correctorConstants(stage: IntegrateStage): string[] {
  const C = correctorSteps(stage.method);
  if (C === 0) return [];
  return [
    `const CORRECTOR_STEPS = ${C}, CORRECTOR_STREAM = ${STREAM_CORRECTOR};`,
    'const CHUNK_PC = Math.max(1, Math.floor(env.normals.length / (LEAVES * D * CORRECTOR_STEPS)));',
    'const dw = new Float64Array(env.normals.length);',
  ];
}

/** Largest tree unrolled into straight-line code (bigger trees use the prelude's loop). */
const MAX_UNROLLED_LEAVES = 64;

/**
 * The Brownian bridge of prelude.ts's makeBridge for a fixed number of leaves, as straight-line
 * code: same operations in the same order (so the same float64 increments), without index
 * arithmetic or a tree array, which made the loop version cost more than the drift.
 */
function unrolledBridge(leaves: number): string | undefined {
  if (leaves <= 1) return 'const bridge = null;';
  if (leaves > MAX_UNROLLED_LEAVES) return undefined;
  const lines = [
    'const ROOT_STD = Math.sqrt(H);',
    ...Array.from({ length: Math.log2(leaves) }, (_, l) => `const HALF_STD_${l} = Math.sqrt(H / ${2 ** l}) / 2;`),
    'const bridge = function (z, bases) {',
    '  for (let b = 0; b < bases; b++) {',
    '    const o = b * LEAVES * D;',
    '    for (let j = 0; j < D; j++) {',
    '      const w1 = ROOT_STD * z[o + j];',
  ];
  for (let node = 1; node < leaves; node++) {
    const level = 31 - Math.clz32(node);
    lines.push(`      const h${node} = w${node} / 2, a${node} = HALF_STD_${level} * z[o + ${node} * D + j];`);
    lines.push(`      const w${2 * node} = h${node} + a${node}, w${2 * node + 1} = h${node} - a${node};`);
  }
  for (let leaf = 0; leaf < leaves; leaf++) lines.push(`      z[o + ${leaf} * D + j] = w${leaves + leaf};`);
  lines.push('    }', '  }', '};');
  return lines.join('\n');
}

function adaptiveConstants(stage: IntegrateStage): string {
  const tol = stage.tolerances ?? { rtol: 1e-6, atol: 1e-9, maxSteps: 100000 };
  return `const RTOL = ${jsNumber(tol.rtol)}, ATOL = ${jsNumber(tol.atol)}, MAX_STEPS = ${tol.maxSteps};`;
}



function odeLoop(JS: Dialect, stage: IntegrateStage, method: OdeMethod, xs: readonly string[]): string {
  const body: string[] = ['const t = T0 + s * DT;'];
  const ks = rkStages(JS, method, stage.drift, xs, 't', 'DT', 's_', body);
  rkCombine(JS, xs, ks, method.tableau.b, 'DT').forEach((e, j) => body.push(`${xs[j]} = ${e};`));
  body.push(finiteCheck(xs, 's'));
  body.push(`if (RECORD > 0 && (s + 1) % RECORD_EVERY === 0) { ${store('(s + 1) / RECORD_EVERY', xs)} }`);
  return ['for (let s = 0; s < STEPS; s++) {', indent(body.join('\n'), 2), '}'].join('\n');
}

function adaptiveLoop(JS: Dialect, stage: IntegrateStage, method: OdeMethod, xs: readonly string[]): string {
  const body: string[] = [];
  embeddedStep(JS, method, stage.drift, xs, 't', 'h', body);
  body.push(`if (!(err === err)) { status[0] = p; status[1] = accepted + rejected; return p; }`);
  body.push('if (err <= 1) {');
  body.push(`  ${xs.map((x, j) => `${x} = n${j};`).join(' ')}`);
  body.push('  t = lastOfSlot ? tNext : t + h; accepted++;');
  body.push(`  ${finiteCheck(xs, 'accepted + rejected')}`);
  body.push(`  if (lastOfSlot) { slot++; ${store('slot', xs)} tNext = slotTime(slot + 1); }`);
  body.push('} else { rejected++; }');
  body.push('hNext = h * Math.min(5, Math.max(0.2, err === 0 ? 5 : 0.9 * Math.pow(err, -0.2)));');
  return [
    'let t = T0, accepted = 0, rejected = 0, slot = 0;',
    'const slotTime = (k) => (RECORD > 0 ? (k === RECORD ? T1 : T0 + (T1 - T0) * k / RECORD) : T1);',
    'let tNext = slotTime(1);',
    // A deliberately small first step; the controller grows it by up to 5x per accepted step.
    'let hNext = (T1 - T0) / 100;',
    'while (t < T1) {',
    '  if (accepted + rejected >= MAX_STEPS) { status[0] = p; status[1] = accepted + rejected; status[5] = 1; return p; }',
    '  const lastOfSlot = hNext >= tNext - t;',
    '  const h = lastOfSlot ? tNext - t : hNext;',
    indent(body.join('\n'), 2),
    '}',
    'status[2] += accepted; status[3] += rejected; if (accepted + rejected > status[4]) status[4] = accepted + rejected;',
  ].join('\n');
}

function sdeLoop(JS: Dialect, stage: IntegrateStage, method: SdeMethod, xs: readonly string[]): string {
  const { drift, diffusion } = stage;
  if (!diffusion) throw new Error(`SDE solver ${method.name} needs a diffusion`);
  const pc = method.predictorCorrector;
  const C = correctorSteps(method);
  // With a corrector the increments are read from their copy (the corrector's normals fill z).
  const increments = C > 0 ? 'dw' : 'z';
  const body: string[] = ['const o = k * D;'];
  // With a Brownian tree the bridge already scaled the normals; a single level only needs sqrt(dt).
  const leaves = 2 ** brownianTreeLayout(stage.grid.steps).depth;
  xs.forEach((_, j) => body.push(leaves > 1 ? `const dW${j} = ${increments}[o + ${j}];` : `const dW${j} = SQRT_H * ${increments}[o + ${j}];`));
  body.push('const t = T0 + s * DT;');
  const dWs = xs.map((_, j) => `dW${j}`);
  if (C > 0) body.push('const oc = CORRECTOR_STEPS * o;');
  const next = pc
    ? predictorCorrectorStep(JS, stage, xs, dWs, 't', 'DT', (c, j) => `z[oc + ${c * xs.length + j}]`, body)
    : sdeStep(JS, method, { drift, diffusion, diffusionDerivative: stage.diffusionDerivative }, xs, dWs, 't', 'DT', body);
  next.forEach((e, j) => body.push(`const n${j} = ${e};`));
  xs.forEach((x, j) => body.push(`${x} = n${j};`));
  body.push(finiteCheck(xs, 's'));
  body.push(`if (RECORD > 0 && (s + 1) % RECORD_EVERY === 0) { ${store('(s + 1) / RECORD_EVERY', xs)} }`);
  return [
    'let s = 0;',
    `for (let b0 = 0; b0 < BASE; b0 += ${C > 0 ? 'CHUNK_PC' : 'CHUNK'}) {`,
    `  const nb = Math.min(${C > 0 ? 'CHUNK_PC' : 'CHUNK'}, BASE - b0);`,
    '  env.fill(SEED, BROWNIAN_STREAM, p, b0, nb, LEAVES, D);',
    '  if (bridge !== null) bridge(z, nb);',
    '  const kEnd = nb * LEAVES;',
    ...(C > 0 ? ['  dw.set(z.subarray(0, kEnd * D));', '  env.fill(SEED, CORRECTOR_STREAM, p, s, kEnd, CORRECTOR_STEPS, D);'] : []),
    '  for (let k = 0; k < kEnd; k++, s++) {',
    indent(body.join('\n'), 4),
    '  }',
    '}',
  ].join('\n');
}
