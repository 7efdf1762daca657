import type { IntegrateStage } from '../../compile/plan.ts';
import type { IRFunction } from '../../ir/types.ts';
import { brownianTreeLayout } from '../../rng/brownian.ts';
import { STREAM_BROWNIAN, STREAM_CORRECTOR, STREAM_INIT } from '../../rng/streams.ts';
import type { OdeMethod, SdeMethod } from '../../solvers/method.ts';
import { embeddedStep, predictorCorrectorStep, rkCombine, rkStages, sdeStep } from '../stepCode.ts';
import { networkDialect, stageUsesLoops } from '../networkFields.ts';
import type { Dialect } from '../renderScalar.ts';
import { tableOffsets } from '../tables.ts';
import { WGSL_PRELUDE } from './preludeWgsl.ts';
import { WGSL_DIALECT, renderFunctionWgsl, wgslNumber } from './renderWgsl.ts';

/** Invocations per workgroup; one invocation integrates one particle. */
export const WORKGROUP_SIZE = 64;

/**
 * Binding of the read-only f32 buffer of the initial sampler's tables (core/backends/tables.ts),
 * declared only by kernels whose sampler reads tables; the runtime binds it only for them.
 */
export const TABLES_BINDING = 5;

/** Whether a stage's kernel reads tables (and so declares and needs the tables binding). */
export function kernelReadsTables(stage: Pick<IntegrateStage, 'init'>): boolean {
  return (stage.init.tables?.length ?? 0) > 0;
}

/**
 * Binding of the read-only f32 buffer of the stage's network weights (core/backends/networkFields.ts),
 * declared only by kernels whose fields are rendered with loops; the runtime binds it only for them.
 */
export const WEIGHTS_BINDING = 6;

/** Whether a stage's kernel reads network weights (and so declares and needs the weights binding). */
export function kernelReadsWeights(stage: IntegrateStage): boolean {
  return stageUsesLoops(stage);
}

/**
 * Generates the WGSL of a fused integration kernel: each invocation samples one particle's initial
 * state and runs its whole trajectory (every step, the Brownian path, the recording) in registers,
 * so a solve is one dispatch per chunk of particles. Built only from IR nodes, numeric literals and
 * fixed names. Bindings are described in preludeWgsl.ts.
 *
 * Fields with networks are rendered with loops (core/backends/renderLoops.ts): weights from the
 * read-only `weights` buffer (WEIGHTS_BINDING), vectors in a private `scratch` array of each
 * invocation, float32 like everything else here.
 */
export function generateKernelWgsl(stage: IntegrateStage): string {
  const D = stage.dims;
  const xs = Array.from({ length: D }, (_, j) => `x${j}`);
  const { grid } = stage;
  const u = (n: number) => `${n >>> 0}u`;
  const network = kernelReadsWeights(stage) ? networkDialect(WGSL_DIALECT, stage, { weights: 'weights', scratch: 'scratch' }) : undefined;
  const W = network?.dialect ?? WGSL_DIALECT;
  const method = stage.method;
  const body = method.kind === 'sde' ? sdeLoop(W, stage, method, xs)
    : method.adaptive ? adaptiveLoop(W, stage, method, xs) : odeLoop(W, stage, method, xs);
  const out = [
    WGSL_PRELUDE,
    ...(kernelReadsTables(stage) ? [`@group(0) @binding(${TABLES_BINDING}) var<storage, read> tables: array<f32>;`] : []),
    ...(network ? [`@group(0) @binding(${WEIGHTS_BINDING}) var<storage, read> weights: array<f32>;`] : []),
    `const D: u32 = ${u(D)};`,
    `const RECORD: u32 = ${u(grid.record)};`,
    `const T0: f32 = ${wgslNumber(grid.t0)};`,
    `const T1: f32 = ${wgslNumber(grid.t1)};`,
    `const INIT_KEY = vec2<u32>(${u(grid.seed)}, ${u(STREAM_INIT)});`,
    `const BROWNIAN_KEY = vec2<u32>(${u(grid.seed)}, ${u(STREAM_BROWNIAN)});`,
  ];
  if (method.kind === 'ode' && method.adaptive) {
    const tol = stage.tolerances ?? { rtol: 1e-6, atol: 1e-9, maxSteps: 100000 };
    out.push(`const RTOL: f32 = ${wgslNumber(tol.rtol)};`, `const ATOL: f32 = ${wgslNumber(tol.atol)};`, `const MAX_STEPS: u32 = ${u(tol.maxSteps)};`);
    out.push('fn slotTime(k: u32) -> f32 {', '  if (RECORD == 0u || k >= RECORD) { return T1; }', '  return T0 + (T1 - T0) * f32(k) / f32(RECORD);', '}');
  } else {
    out.push(`const STEPS: u32 = ${u(grid.steps)};`, `const DT: f32 = ${wgslNumber((grid.t1 - grid.t0) / grid.steps)};`);
    out.push(`const RECORD_EVERY: u32 = ${u(grid.record > 0 ? grid.steps / grid.record : 1)};`);
  }
  if (method.kind === 'sde') out.push(...brownianConstants(stage));
  if (method.kind === 'sde' && method.predictorCorrector) out.push(`const CORRECTOR_KEY = vec2<u32>(${u(grid.seed)}, ${u(STREAM_CORRECTOR)});`);
  out.push('', `@compute @workgroup_size(${WORKGROUP_SIZE})`, 'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {');
  out.push('  let i = gid.x;', '  if (i >= chunk.count) { return; }', '  let p = chunk.pStart + i;');
  if (network) out.push(`  var scratch: array<f32, ${Math.max(1, network.scratch())}>;`);
  out.push(indent(initCode(stage.init, xs), 2));
  out.push(indent(store('0u', xs), 2));
  out.push(indent(body, 2));
  out.push(indent(xs.map((x, j) => `samples[i * D + ${j}u] = ${x};`).join('\n'), 2));
  out.push('}', '');
  return out.join('\n');
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text.split('\n').map((l) => (l ? pad + l : l)).join('\n');
}

function store(slot: string, xs: readonly string[]): string {
  return `if (RECORD > 0u) { let o = (${slot} * chunk.count + i) * D; ${xs.map((x, j) => `trajectory[o + ${j}u] = ${x};`).join(' ')} }`;
}

function fail(step: string, reason: number): string {
  return `atomicMin(&firstFailure[0], p); info[i * 4u] = ${step}; info[i * 4u + 1u] = ${reason}u; return;`;
}

function finiteCheck(xs: readonly string[], step: string): string {
  return `if (${xs.map((x) => `nonFinite(${x})`).join(' || ')}) { ${fail(step, 0)} }`;
}

/** Initial state: each group of four draws is one Philox call, as on the CPU. */
function initCode(init: IRFunction, xs: readonly string[]): string {
  const lines: string[] = [];
  const groups = new Set<string>();
  for (const n of init.nodes) {
    if (n.op !== 'random_normal' && n.op !== 'random_uniform') continue;
    const g = (n.index ?? 0) >> 2;
    const kind = n.op === 'random_normal' ? 'n' : 'u';
    const key = `${kind}${g}`;
    if (groups.has(key)) continue;
    groups.add(key);
    const raw = `philox(vec4<u32>(p, 0u, ${kind === 'n' ? 0 : 1}u, ${g}u), INIT_KEY)`;
    lines.push(`let init_${key} = ${kind === 'n' ? `normals4(${raw})` : raw};`);
  }
  const lane = (k: number) => ['x', 'y', 'z', 'w'][k & 3];
  const offsets = tableOffsets(init.tables);
  const r = renderFunctionWgsl(init, {
    params: [],
    random: (kind, k) => (kind === 'normal' ? `init_n${k >> 2}.${lane(k)}` : `uniformFromU32(init_u${k >> 2}.${lane(k)})`),
    tables: (k) => ({ array: 'tables', offset: offsets[k] }),
  }, 'i_');
  lines.push(...r.lines);
  r.outputs.flat().forEach((v, j) => lines.push(`var ${xs[j]}: f32 = ${v};`));
  return lines.join('\n');
}

function recordAfterStep(xs: readonly string[]): string {
  return `if (RECORD > 0u && (s + 1u) % RECORD_EVERY == 0u) { ${store('((s + 1u) / RECORD_EVERY)', xs)} }`;
}

function odeLoop(W: Dialect, stage: IntegrateStage, method: OdeMethod, xs: readonly string[]): string {
  const body: string[] = ['let t = T0 + f32(s) * DT;'];
  const ks = rkStages(W, method, stage.drift, xs, 't', 'DT', 's_', body);
  rkCombine(W, xs, ks, method.tableau.b, 'DT').forEach((e, j) => body.push(`let n${j} = ${e};`));
  xs.forEach((x, j) => body.push(`${x} = n${j};`));
  body.push(finiteCheck(xs, 's'), recordAfterStep(xs));
  return ['for (var s = 0u; s < STEPS; s++) {', indent(body.join('\n'), 2), '}'].join('\n');
}

function adaptiveLoop(W: Dialect, stage: IntegrateStage, method: OdeMethod, xs: readonly string[]): string {
  const body: string[] = [];
  embeddedStep(W, method, stage.drift, xs, 't', 'h', body);
  body.push(
    // Only NaN fails, as on the CPU: an infinite error estimate rejects the step and shrinks it.
    `if (isNan(err)) { ${fail('accepted + rejected', 0)} }`,
    'if (err <= 1.0) {',
    `  ${xs.map((x, j) => `${x} = n${j};`).join(' ')}`,
    '  t = select(t + h, tNext, lastOfSlot);',
    '  accepted++;',
    `  ${finiteCheck(xs, 'accepted + rejected')}`,
    `  if (lastOfSlot) { slot++; ${store('slot', xs)} tNext = slotTime(slot + 1u); }`,
    '} else { rejected++; }',
    'hNext = h * select(clamp(0.9 * pow(err, -0.2), 0.2, 5.0), 5.0, err == 0.0);',
  );
  return [
    'var t = T0;',
    'var accepted = 0u;',
    'var rejected = 0u;',
    'var slot = 0u;',
    'var tNext = slotTime(1u);',
    'var hNext = (T1 - T0) / 100.0;',
    'loop {',
    '  if (t >= T1) { break; }',
    `  if (accepted + rejected >= MAX_STEPS) { ${fail('accepted + rejected', 1)} }`,
    '  let lastOfSlot = hNext >= tNext - t;',
    '  let h = select(hNext, tNext - t, lastOfSlot);',
    indent(body.join('\n'), 2),
    '}',
    'info[i * 4u + 2u] = accepted;',
    'info[i * 4u + 3u] = rejected;',
  ].join('\n');
}

/** Level constants of the Brownian tree (see core/rng/brownian.ts), as float32. */
function brownianConstants(stage: IntegrateStage): string[] {
  const { depth, baseIntervals } = brownianTreeLayout(stage.grid.steps);
  const H = (stage.grid.t1 - stage.grid.t0) / baseIntervals;
  const halfStd = Array.from({ length: Math.max(1, depth) }, (_, l) => wgslNumber(Math.sqrt(H / 2 ** l) / 2));
  return [
    `const DEPTH: u32 = ${depth}u;`,
    `const SQRT_H: f32 = ${wgslNumber(Math.sqrt(H))};`,
    `var<private> HALF_STD: array<f32, ${halfStd.length}> = array<f32, ${halfStd.length}>(${halfStd.join(', ')});`,
  ];
}

/**
 * Normals of tree node `node` of base interval `b`, one per dimension, assigned by `assign(j, value)`.
 * As core/rng/streams.ts `brownianNormals`: the node's draws are k = node · D + j of the interval's
 * flat sequence, draw k being lane k & 3 of Philox counter [p, b, k >> 2, 0]. With D a multiple of
 * 4 (or node 0) the lanes are known here; otherwise a node may straddle two blocks, so the blocks
 * go into a small array indexed at run time.
 */
function nodeNormals(D: number, b: string, node: string, assign: (j: number, value: string) => string): string[] {
  const lane = (k: number) => ['x', 'y', 'z', 'w'][k & 3];
  const blocks = Math.ceil(D / 4);
  if (node === '0u' || D % 4 === 0) {
    const first = node === '0u' ? '' : `${node} * ${blocks}u + `;
    const lines: string[] = [];
    for (let g = 0; g < blocks; g++) {
      lines.push(`let zg${g} = normals4(philox(vec4<u32>(p, ${b}, ${first}${g}u, 0u), BROWNIAN_KEY));`);
      for (let j = 4 * g; j < Math.min(D, 4 * g + 4); j++) lines.push(assign(j, `zg${g}.${lane(j)}`));
    }
    return lines;
  }
  // Blocks a run of D draws can touch when it starts at any lane.
  const span = ((D + 2) >> 2) + 1;
  return [
    `let k0 = ${node} * D;`,
    'let lane0 = k0 & 3u;',
    `var zb: array<f32, ${4 * span}>;`,
    `for (var q = 0u; q < ${span}u; q++) {`,
    '  if (q * 4u >= lane0 + D) { break; }',
    '  let z4 = normals4(philox(vec4<u32>(p, ' + b + ', (k0 >> 2u) + q, 0u), BROWNIAN_KEY));',
    '  zb[q * 4u] = z4.x; zb[q * 4u + 1u] = z4.y; zb[q * 4u + 2u] = z4.z; zb[q * 4u + 3u] = z4.w;',
    '}',
    ...Array.from({ length: D }, (_, j) => assign(j, `zb[lane0 + ${j}u]`)),
  ];
}

/**
 * SDE loop. The Brownian increment of each step is the leaf of the Brownian tree; the path from
 * the base interval's root to the current leaf is kept (increments and the parents' normals per
 * level), so moving to the next leaf recomputes only the levels below the highest changed bit:
 * about one Philox call per step, with memory proportional to the depth.
 */
function sdeLoop(W: Dialect, stage: IntegrateStage, method: SdeMethod, xs: readonly string[]): string {
  const D = xs.length;
  const { depth } = brownianTreeLayout(stage.grid.steps);
  const diffusion = stage.diffusion;
  if (!diffusion) throw new Error(`SDE solver ${method.name} needs a diffusion`);
  const body: string[] = [];
  if (depth === 0) {
    body.push('{', ...nodeNormals(D, 's', '0u', (j, v) => `  dW[${j}] = SQRT_H * ${v};`).map((l) => (l.startsWith('  ') ? l : `  ${l}`)), '}');
  } else {
    body.push(
      'let b = s >> DEPTH;',
      'let leaf = s & ((1u << DEPTH) - 1u);',
      // The first level whose node changes; 0 means a new base interval (recompute from the root).
      'var firstLevel = 0u;',
      'if (leaf != 0u) { firstLevel = DEPTH - firstLeadingBit(leaf ^ (leaf - 1u)); }',
      'if (firstLevel == 0u) {',
      ...nodeNormals(D, 'b', '0u', (j, v) => `wpath[${j}u] = SQRT_H * ${v};`).map((l) => `  ${l}`),
      '  firstLevel = 1u;',
      '}',
      'for (var l = firstLevel; l <= DEPTH; l++) {',
      '  let parent = (1u << (l - 1u)) + (leaf >> (DEPTH - l + 1u));',
      '  // A parent kept from the previous leaf already has its normals cached.',
      '  if (l != firstLevel || leaf == 0u) {',
      ...nodeNormals(D, 'b', 'parent', (j, v) => `zcache[(l - 1u) * D + ${j}u] = ${v};`).map((l) => `    ${l}`),
      '  }',
      '  let right = ((leaf >> (DEPTH - l)) & 1u) == 1u;',
      '  for (var j = 0u; j < D; j++) {',
      '    let halfW = wpath[(l - 1u) * D + j] / 2.0;',
      '    let a = HALF_STD[l - 1u] * zcache[(l - 1u) * D + j];',
      '    wpath[l * D + j] = select(halfW + a, halfW - a, right);',
      '  }',
      '}',
      'for (var j = 0u; j < D; j++) { dW[j] = wpath[DEPTH * D + j]; }',
    );
  }
  const dWs = xs.map((_, j) => `dW[${j}]`);
  body.push('let t = T0 + f32(s) * DT;');
  const pc = method.predictorCorrector;
  const next = pc
    ? predictorCorrectorStep(W, stage, xs, dWs, 't', 'DT', correctorNormals(D, pc.correctorSteps, body), body)
    : sdeStep(W, method, { drift: stage.drift, diffusion, diffusionDerivative: stage.diffusionDerivative }, xs, dWs, 't', 'DT', body);
  next.forEach((e, j) => body.push(`let n${j} = ${e};`));
  xs.forEach((x, j) => body.push(`${x} = n${j};`));
  body.push(finiteCheck(xs, 's'), recordAfterStep(xs));
  return [
    `var dW: array<f32, ${D}>;`,
    ...(depth > 0 ? [`var wpath: array<f32, ${(depth + 1) * D}>;`, `var zcache: array<f32, ${depth * D}>;`] : []),
    'for (var s = 0u; s < STEPS; s++) {',
    indent(body.join('\n'), 2),
    '}',
  ].join('\n');
}

/**
 * The Langevin corrector's normals of step s (layout of STREAM_CORRECTOR in core/rng/streams.ts):
 * draw k = c · D + j is lane k & 3 of Philox counter [p, s, k >> 2, 0]. Pushes one Philox call per
 * block and returns where iteration c's draw for component j is.
 */
function correctorNormals(D: number, steps: number, lines: string[]): (c: number, j: number) => string {
  const lane = (k: number) => ['x', 'y', 'z', 'w'][k & 3];
  for (let g = 0; 4 * g < steps * D; g++) lines.push(`let cz${g} = normals4(philox(vec4<u32>(p, s, ${g}u, 0u), CORRECTOR_KEY));`);
  return (c, j) => `cz${(c * D + j) >> 2}.${lane(c * D + j)}`;
}
