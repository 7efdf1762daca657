import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateKernelSource } from '../backends/cpu/kernelJs.ts';
import { RunFailure, type CpuRunOptions, type StageResult } from '../backends/cpu/runtime.ts';
import { generateKernelWgsl } from '../backends/webgpu/kernelWgsl.ts';
import { compileGraph } from '../compile/compileGraph.ts';
import { runAnalyses, type AnalysisResult } from '../compile/runAnalyses.ts';
import { fileRefs } from '../graph/fileRefs.ts';
import type { Plan } from '../compile/plan.ts';
import { formatBytes, formatPlan } from '../compile/printPlan.ts';
import type { Catalog } from '../graph/catalog.ts';
import { parseGraph } from '../graph/document.ts';
import { formatProblem, type GraphDocument } from '../graph/types.ts';
import { validateGraph, type FileStore } from '../graph/validate.ts';
import { encodeNpy } from '../io/npy.ts';
import { isBatchedResult, runIntegrations, runTrainings } from '../backends/batched/runPlan.ts';
import type { TrainResult } from '../backends/batched/training.ts';
import { trainingReport, trainProgressPrinter, writeTrainedNetworks } from './training.ts';
import { UsageError, integerFlag, parseArgs, sizeFlag, type ParsedArgs } from './args.ts';
import { backendChoice, cpuBackend, selectBackend, type BackendChoice, type SelectedBackend } from './backend.ts';
import { catalogJson, catalogTable } from './catalogJson.ts';

/** Where the CLI writes text; tests capture it. */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit codes: success, a run that failed, bad input. */
export const EXIT = { ok: 0, runFailed: 1, badInput: 2 } as const;

const COMMANDS: Record<string, readonly string[]> = {
  run: ['out', 'backend', 'seed', 'threads', 'max-memory', 'quiet'],
  validate: [],
  plan: ['backend', 'ir'],
  nodes: ['json'],
};
const SWITCHES = ['json', 'quiet', 'ir'];
const DEFAULT_MAX_MEMORY = 2 * 2 ** 30;

export const USAGE = `usage: sde-studio COMMAND [options]

  run GRAPH [--out DIR] [--backend cpu|webgpu|auto] [--seed N] [--threads N] [--max-memory 2GiB] [--quiet]
      compile and run the graph; writes DIR/<node>.<port>.npy and DIR/run.json (DIR defaults to out/<graph file name>);
      train nodes train first and write DIR/<node>.onnx (the weights used), <node>.best.onnx and <node>.last.onnx
  validate GRAPH      print every problem; exit 2 if there is one
  plan GRAPH [--ir] [--backend cpu|webgpu]
                      print the stages, buffers, estimates and the generated kernel source (JavaScript or WGSL)
  nodes [--json]      list the node catalog (type ids, ports, params with defaults, ranges and docs)

exit codes: 0 success, 1 the run failed (e.g. a non-finite state), 2 bad input`;

/** Runs one CLI command and returns its exit code. */
export async function runCli(argv: readonly string[], catalog: Catalog, io: CliIO): Promise<number> {
  try {
    const args = parseArgs(argv, COMMANDS, SWITCHES);
    switch (args.command) {
      case 'help': io.out(USAGE); return EXIT.ok;
      case 'nodes': io.out(args.flags.has('json') ? JSON.stringify(catalogJson(catalog), null, 2) : catalogTable(catalog)); return EXIT.ok;
      case 'validate': return await validateCommand(args, catalog, io);
      case 'plan': return await planCommand(args, catalog, io);
      case 'run': return await runCommand(args, catalog, io);
      default: throw new UsageError(`unknown command '${args.command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      io.err(`error: ${e.message}`);
      if (e instanceof UsageError) io.err(`run 'sde-studio --help' for usage`);
      return EXIT.badInput;
    }
    throw e;
  }
}

/** A file that cannot be read or is not a valid graph; exit 2. */
class InputError extends Error {}

function graphPath(args: ParsedArgs): string {
  if (args.positional.length !== 1) throw new UsageError(`'${args.command}' takes one graph file, got ${args.positional.length}`);
  return args.positional[0];
}

async function loadGraph(file: string): Promise<GraphDocument> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read graph file '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const { doc, problems } = parseGraph(text);
  if (!doc) throw new InputError(`${file}: ${problems.map(formatProblem).join('; ')}`);
  return doc;
}

/** --backend, defaulting to the CPU: float64 arithmetic and no GPU driver start-up on every call. */
function chosenBackend(args: ParsedArgs): BackendChoice {
  return backendChoice(args.flags.get('backend') ?? 'cpu');
}

/**
 * Reads the files the graph's `file` params name, relative to the graph file. A file that cannot
 * be read is left out: validation then reports it on its node and param.
 */
async function loadGraphFiles(doc: GraphDocument, graphFile: string, catalog: Catalog): Promise<FileStore> {
  const files = new Map<string, Uint8Array>();
  for (const ref of fileRefs(doc, catalog)) {
    if (files.has(ref.path)) continue;
    try {
      files.set(ref.path, new Uint8Array(await readFile(path.resolve(path.dirname(graphFile), ref.path))));
    } catch {
      // reported by validation, which names the node and param
    }
  }
  return files;
}

async function validateCommand(args: ParsedArgs, catalog: Catalog, io: CliIO): Promise<number> {
  const file = graphPath(args);
  const doc = await loadGraph(file);
  const { problems } = validateGraph(doc, catalog, { files: await loadGraphFiles(doc, file, catalog) });
  if (problems.length === 0) { io.out(`${file}: ok`); return EXIT.ok; }
  io.err(`${file}: ${problems.length} problem${problems.length > 1 ? 's' : ''}`);
  for (const p of problems) io.err(`  - ${formatProblem(p)}`);
  return EXIT.badInput;
}

async function compileOrReport(file: string, catalog: Catalog, io: CliIO, seed?: number): Promise<Plan | undefined> {
  const doc = await loadGraph(file);
  const compiled = compileGraph(doc, catalog, { seed, files: await loadGraphFiles(doc, file, catalog) });
  if (compiled.ok) return compiled.plan;
  io.err(`${file}: ${compiled.problems.length} problem${compiled.problems.length > 1 ? 's' : ''}; nothing was run`);
  for (const p of compiled.problems) io.err(`  - ${formatProblem(p)}`);
  return undefined;
}

async function planCommand(args: ParsedArgs, catalog: Catalog, io: CliIO): Promise<number> {
  // The kernel source needs no device, so `auto` shows the WGSL a GPU would run.
  const backend = chosenBackend(args) === 'cpu' ? 'cpu' : 'webgpu';
  const plan = await compileOrReport(graphPath(args), catalog, io);
  if (!plan) return EXIT.badInput;
  const kernelSource = backend === 'cpu' ? generateKernelSource : generateKernelWgsl;
  io.out(formatPlan(plan, { ir: args.flags.has('ir'), kernelSource, backend }));
  return EXIT.ok;
}

async function runCommand(args: ParsedArgs, catalog: Catalog, io: CliIO): Promise<number> {
  const file = graphPath(args);
  const choice = chosenBackend(args);
  const seed = integerFlag(args, 'seed', 0, 2 ** 32 - 1);
  const threads = integerFlag(args, 'threads', 1, 256);
  const maxMemory = sizeFlag(args, 'max-memory') ?? DEFAULT_MAX_MEMORY;
  const outDir = (args.flags.get('out') as string | undefined) ?? path.join('out', path.basename(file).replace(/\.[^.]+$/, ''));
  const plan = await compileOrReport(file, catalog, io, seed);
  if (!plan) return EXIT.badInput;
  if (plan.memoryBytes > maxMemory) {
    io.err(`error: this run would produce ${formatBytes(plan.memoryBytes)} of output, more than the ${formatBytes(maxMemory)} allowed; lower particles or record, or raise --max-memory`);
    return EXIT.badInput;
  }
  const quiet = args.flags.has('quiet');
  const backend = await selectBackend(choice);
  if (!quiet) io.err(`backend: ${backend.name} (${backend.reason})`);
  let lastReport = 0;
  const started = performance.now();
  const options: CpuRunOptions = {
    threads,
    onProgress: (p) => {
      const now = performance.now();
      if (quiet || (now - lastReport < 1000 && p.particlesDone < p.particles)) return;
      lastReport = now;
      io.err(`  ${p.nodeId}: ${p.particlesDone}/${p.particles} particles (${(100 * p.particlesDone / p.particles).toFixed(0)}%)`);
    },
  };
  // Train stages first (on the backend's WebGPU device when it has one, else the CPU), then the integrations.
  const printer = quiet ? {} : { onTrainProgress: trainProgressPrinter(io.err) };
  let trainings: TrainResult[];
  try {
    ({ trainings } = await runTrainings(plan, { ...(backend.device ? { trainDevice: backend.device, trainProgressEvery: 100 } : {}), ...printer }));
  } catch (e) {
    if (!backend.device || e instanceof RunFailure) throw e;
    // Same batches on either trainer: a GPU failure costs time, not a different result.
    io.err(`training on WebGPU failed (${(e as Error).message}); training on the CPU`);
    ({ trainings } = await runTrainings(plan, printer));
  }
  if (!quiet) {
    for (const t of trainings) {
      io.out(t.pretrained ? `${t.nodeId}: weights loaded from ${t.pretrained}, training skipped`
        : `${t.nodeId}: ${t.iterations} iterations ${t.backend === 'webgpu' ? 'on WebGPU ' : ''}in ${t.seconds.toFixed(1)} s (${t.itersPerSecond.toFixed(0)} iterations/s), final loss ${t.finalLoss.toPrecision(4)}, best ${t.bestLoss.toPrecision(4)}`);
    }
  }
  const outcome = await runWithFallback(plan, backend, choice, options, io, trainings);
  if ('exit' in outcome) return outcome.exit;
  const { results, ran } = outcome;
  await mkdir(outDir, { recursive: true });
  const networks = await writeTrainedNetworks(outDir, plan, trainings, safeFileName);
  const files: string[] = [...networks.values()].flat();
  for (const r of results) {
    const n = r.samples.length / r.dims;
    const outputs: [string, Float32Array, number[]][] = [
      ['samples', r.samples, [n, r.dims]],
      ['trajectory', r.trajectory, [r.times.length, n, r.dims]],
      ['times', r.times, [r.times.length]],
    ];
    for (const [port, data, shape] of outputs) {
      const name = `${r.nodeId}.${port}.npy`;
      await writeFile(path.join(outDir, safeFileName(name)), encodeNpy(data, shape));
      files.push(safeFileName(name));
    }
  }
  const analyses = runAnalyses(plan, results, catalog);
  for (const a of analyses) {
    if (!a.ok) { io.err(`${a.nodeId}: ${a.error}`); continue; }
    for (const f of a.files ?? []) {
      const name = safeFileName(`${a.nodeId}.${f.name}`);
      await writeFile(path.join(outDir, name), f.text);
      files.push(name);
    }
    if (!quiet) io.out(`${a.nodeId}: ${a.summary}`);
  }
  const report = {
    ...runReport(plan, results, analyses, { file, backend: ran, seed, wallSeconds: (performance.now() - started) / 1000, files }),
    ...(trainings.length > 0 ? { trainings: trainingReport(trainings, networks) } : {}),
  };
  await writeFile(path.join(outDir, 'run.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!quiet) {
    for (const s of report.stages) {
      const where = 'integrator' in s ? `batched CPU integrator, ${s.threads} thread` : `${s.threads} threads`;
      io.out(`${s.node}: ${s.method}, ${s.particleSteps} particle-steps in ${s.wallSeconds.toFixed(3)} s (${(s.particleStepsPerSecond / 1e6).toFixed(1)} M/s, ${where})`);
    }
    io.out(`wrote ${files.length} files and run.json to ${outDir}`);
  }
  // The arrays and run.json are written either way; a failed metric or export still fails the run.
  return analyses.every((a) => a.ok) ? EXIT.ok : EXIT.runFailed;
}

/**
 * Runs the plan on the selected backend. A run failure exits 1 with the core's message. A lost
 * WebGPU device loses nothing (the plan is still here), so with `auto` the run repeats on the CPU.
 */
async function runWithFallback(
  plan: Plan, backend: SelectedBackend, choice: BackendChoice, options: CpuRunOptions, io: CliIO, trainings: readonly TrainResult[],
): Promise<{ results: StageResult[]; ran: SelectedBackend } | { exit: number }> {
  let ran = backend;
  for (;;) {
    try {
      // Stages that run imported onnxruntime models go to the batched CPU integrator whatever the backend.
      return { results: await runIntegrations(plan, trainings, { ...options, runPlain: ran.run }), ran };
    } catch (e) {
      if (e instanceof RunFailure) { io.err(`run failed: ${e.message}`); return { exit: EXIT.runFailed }; }
      const lost = e instanceof Error && e.name === 'DeviceLostError';
      if (!lost || ran.name === 'cpu') throw e;
      if (choice !== 'auto') { io.err(`run failed: ${(e as Error).message}`); return { exit: EXIT.runFailed }; }
      io.err(`${(e as Error).message}; rerunning on the CPU backend`);
      ran = { ...cpuBackend, reason: `the WebGPU device was lost (${(e as Error).message}); rerun on the CPU` };
    }
  }
}

/** Node ids are free text; keep file names to a safe alphabet. */
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

function runReport(plan: Plan, results: StageResult[], analyses: AnalysisResult[], info: { file: string; backend: SelectedBackend; seed?: number; wallSeconds: number; files: string[] }) {
  return {
    graph: plan.graphName,
    file: info.file,
    backend: info.backend.name,
    backendReason: info.backend.reason,
    ...(info.backend.adapter ? { adapter: info.backend.adapter } : {}),
    threads: results[0]?.threads ?? 1,
    seedOverride: info.seed ?? null,
    wallSeconds: info.wallSeconds,
    stages: results.map((r, i) => ({
      node: r.nodeId,
      ...(plan.stages[i].purpose === 'reference' ? { purpose: 'reference samples for a metric' } : {}),
      ...(isBatchedResult(r) ? { integrator: 'batched (CPU)', integratorReason: r.reason } : {}),
      method: plan.stages[i].method.name,
      particles: plan.stages[i].grid.particles,
      steps: plan.stages[i].grid.steps,
      threads: r.threads,
      wallSeconds: r.wallSeconds,
      setupSeconds: r.setupSeconds,
      particleSteps: r.particleSteps,
      particleStepsPerSecond: r.particleSteps / r.wallSeconds,
      ...(r.adaptive ? { adaptiveSteps: r.adaptive } : {}),
    })),
    analyses: analyses.map((a) => (a.ok
      ? { node: a.nodeId, type: a.type, summary: a.summary, metrics: a.metrics ?? {}, files: (a.files ?? []).map((f) => safeFileName(`${a.nodeId}.${f.name}`)) }
      : { node: a.nodeId, type: a.type, error: a.error })),
    outputs: info.files,
  };
}
