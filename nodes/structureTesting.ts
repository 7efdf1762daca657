/**
 * Helpers for the structure node tests: evaluating a field node's IR in float64, a symmetric
 * eigen-solver for the ANM reference values, Pearson correlation, and graphs that read structure
 * files run through compile, the CPU backend and the analyses.
 */
import { runPlanCpu, type StageResult } from '../core/backends/cpu/runtime.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import type { Plan } from '../core/compile/plan.ts';
import { runAnalyses, type AnalysisResult } from '../core/compile/runAnalyses.ts';
import type { AnalysisOutput, FieldDefinition, NodeContext, NodeDefinition, Params } from '../core/graph/catalog.ts';
import { resolveParams } from '../core/graph/params.ts';
import { formatProblem, type GraphDocument, type ParamValue } from '../core/graph/types.ts';
import { IRBuilder } from '../core/ir/builder.ts';
import { foldBinary, foldUnary } from '../core/ir/fold.ts';
import { SCALAR, vectorType, type BinaryOp, type IRFunction, type UnaryOp } from '../core/ir/types.ts';
import { CATALOG } from './registry.ts';

/** A node context for calling a node directly: given input values and own value, no files. */
export function fakeContext(inputs: Record<string, unknown> = {}, value?: unknown): NodeContext {
  return {
    file: () => undefined,
    input: (port) => inputs[port],
    value,
    field: () => undefined,
  };
}

/** The params of `def` with `given` on top of the defaults (throws on an invalid value). */
export function paramsOf(def: NodeDefinition, given: Record<string, unknown>): Params {
  const { params, problems } = resolveParams(def, given);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  return params;
}

/** The IR of a field node for state dimension `dims`: (x, t) → f(x, t). */
export function fieldFunction(def: FieldDefinition, params: Params, dims: number, ctx: NodeContext): IRFunction {
  const b = new IRBuilder('field', [{ name: 'x', type: vectorType(dims) }, { name: 't', type: SCALAR }]);
  return b.build(def.field(params, b, b.elements(b.param(0)), b.param(1), dims, ctx, 'out'));
}

/**
 * Evaluates a scalar IR function (the ops field nodes emit: constants, params, index, stack,
 * elementwise unary and binary ops, select) in float64.
 */
export function evaluateScalarIR(fn: IRFunction, x: ArrayLike<number>, t = 0): Float64Array {
  const values: number[][] = [];
  for (const node of fn.nodes) {
    const arg = (k: number) => values[node.args[k]];
    switch (node.op) {
      case 'const': values.push([node.value ?? 0]); break;
      case 'param': values.push(node.index === 0 ? Array.from(x) : [t]); break;
      case 'index': values.push([arg(0)[node.index ?? 0]]); break;
      case 'stack': values.push(node.args.map((a) => values[a][0])); break;
      case 'select': values.push([arg(0)[0] ? arg(1)[0] : arg(2)[0]]); break;
      case 'lt': values.push([arg(0)[0] < arg(1)[0] ? 1 : 0]); break;
      case 'add': case 'sub': case 'mul': case 'div': case 'pow': case 'min': case 'max':
        values.push([foldBinary(node.op as BinaryOp, arg(0)[0], arg(1)[0])]); break;
      default:
        if (node.args.length !== 1) throw new Error(`evaluateScalarIR: op ${node.op} is not supported`);
        values.push([foldUnary(node.op as UnaryOp, arg(0)[0])]);
    }
  }
  return Float64Array.from(fn.outputs.map((o) => values[o][0]));
}

/**
 * Eigenvalues and eigenvectors of a symmetric n × n matrix (row-major) by cyclic Jacobi
 * rotations, to full float64 accuracy. `vectors[k]` is the unit eigenvector of `values[k]`;
 * values ascending.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: number[]; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2;
    }
    if (off <= 1e-30 * diag) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((i, j) => a[i * n + i] - a[j * n + j]);
  return {
    values: order.map((k) => a[k * n + k]),
    vectors: order.map((k) => Float64Array.from({ length: n }, (_, i) => v[i * n + k])),
  };
}

/** Pearson correlation of two equally long lists. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A node of a test graph: type and params. */
export interface NodeSpec {
  type: string;
  params?: Record<string, ParamValue>;
}

/**
 * A graph for structure tests: `init` (source.structure reading `file`) → `solve` ← `f` (drift,
 * with the structure edge when `structureEdge`) ← `g` (diffusion), and analyses fed by the
 * solver's trajectory.
 */
export function structureGraph(spec: {
  file: string; source?: Record<string, ParamValue>; drift: NodeSpec; diffusion?: NodeSpec; solver: NodeSpec;
  structureEdge?: boolean; analyses?: Record<string, NodeSpec>;
}): GraphDocument {
  const analyses = Object.entries(spec.analyses ?? {});
  const nodes = [
    { id: 'init', type: 'source.structure', params: { file: spec.file, ...spec.source } },
    { id: 'f', ...spec.drift },
    ...(spec.diffusion ? [{ id: 'g', ...spec.diffusion }] : []),
    { id: 'solve', ...spec.solver },
    ...analyses.map(([id, a]) => ({ id, ...a })),
  ];
  const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
  const edges = [
    edge('e1', 'init', 'out', 'solve', 'initial'),
    edge('e2', 'f', 'out', 'solve', 'drift'),
    ...(spec.diffusion ? [edge('e3', 'g', 'out', 'solve', 'diffusion')] : []),
    ...(spec.structureEdge ? [edge('e4', 'init', 'structure', 'f', 'structure')] : []),
    ...analyses.map(([id]) => edge(`to-${id}`, 'solve', 'trajectory', id, 'trajectory')),
  ];
  return { format: 'sde-studio.graph', version: 1, name: 'structure test', nodes, edges };
}

/** Files for compileGraph, from text or bytes. */
export function fileStore(files: Record<string, string | Uint8Array>): Map<string, Uint8Array> {
  return new Map(Object.entries(files).map(([name, v]) => [name, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
}

/** Compiles a graph with files; throws with the problems when it does not compile. */
export function compileWithFiles(doc: GraphDocument, files: Record<string, string | Uint8Array>): Plan {
  const compiled = compileGraph(doc, CATALOG, { files: fileStore(files) });
  if (!compiled.ok) throw new Error(compiled.problems.map(formatProblem).join('\n'));
  return compiled.plan;
}

/** Compiles, runs on the CPU backend and runs the analyses. */
export async function runStructureGraph(doc: GraphDocument, files: Record<string, string | Uint8Array>, threads = 1): Promise<{ plan: Plan; results: StageResult[]; analyses: AnalysisResult[] }> {
  const plan = compileWithFiles(doc, files);
  const results = await runPlanCpu(plan, { threads });
  return { plan, results, analyses: runAnalyses(plan, results, CATALOG) };
}

/** The successful output of analysis `nodeId` (throws with its error otherwise). */
export function analysisOutput(analyses: readonly AnalysisResult[], nodeId: string): AnalysisOutput {
  const a = analyses.find((x) => x.nodeId === nodeId);
  if (!a) throw new Error(`no analysis '${nodeId}'`);
  if (!a.ok) throw new Error(`analysis '${nodeId}' failed: ${a.error}`);
  return a;
}
