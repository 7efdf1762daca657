/**
 * The interface of an .onnx file used as a field s(x, t) as it is (score.onnx run by onnxruntime):
 * which input is the state x, which the time t, what comes out, and whether the batch axis is
 * free. Any operators may sit between them; only names, ranks, element types and sizes are
 * checked, and every message says what the file has and what a field needs.
 */
import { describeValue, formatShape, runtimeInputs, summariseValue, type OnnxValueSummary } from './inspect.ts';
import type { OnnxModel } from './model.ts';
import { OnnxImportError } from './tensor.ts';

/** What a field model's interface is, as found in the file. */
export interface ScoreModelInterface {
  /** Input fed with the state x ([N, d]), or with [x, t] ([N, d + 1]) when `joined`. */
  inputX: string;
  /** Input fed with the time t; the same name as `inputX` when `joined`. */
  inputT: string;
  /** t as [N, 1] (`column`) or [N] (`vector`). */
  timeShape: 'column' | 'vector';
  /** One input [N, d + 1] = [x, t] (PyTorch nn.Sequential on torch.cat([x, t], 1)). */
  joined: boolean;
  output: string;
  /** d when the file fixes it (x's or the output's last axis), else undefined (any d, checked when run). */
  dims: number | undefined;
  /** A fixed batch size the file demands (exported without dynamic axes), else undefined. */
  batch: number | undefined;
  /** "inputs 'x' float32 [batch, 2], 't' float32 [batch, 1]; output 'score' float32 [batch, 2]". */
  description: string;
}

const EXPECTED = "a field s(x, t) needs float32 inputs x [N, d] and t [N, 1] or [N] (or one input [N, d + 1] = [x, t]) and one float32 output [N, d]";

/** "inputs …; outputs …" of a graph, for messages. */
function describeInterface(inputs: OnnxValueSummary[], outputs: OnnxValueSummary[]): string {
  const list = (values: OnnxValueSummary[]) => (values.length === 0 ? 'none' : values.map(describeValue).join(', '));
  return `input${inputs.length === 1 ? '' : 's'} ${list(inputs)}; output${outputs.length === 1 ? '' : 's'} ${list(outputs)}`;
}

/** The size of a fixed axis, or undefined when it is symbolic or unknown. */
function fixed(value: OnnxValueSummary, axis: number): number | undefined {
  const dim = value.shape?.at(axis);
  return typeof dim === 'number' ? dim : undefined;
}

/**
 * Finds x, t and the output of a model meant as a field. Throws an OnnxImportError naming what
 * the file has and what is expected. `source` names the file in messages.
 *
 * Rules: one output; two inputs, x and t (by name when they are called x and t, else t is the one
 * of shape [N] or [N, 1], else the first is x), or one input [N, d + 1]; all float32; x and the
 * output of rank 2 with the same last axis; the first axes free (symbolic) or one fixed size.
 */
export function scoreModelInterface(model: OnnxModel, source: string): ScoreModelInterface {
  const graph = model.graph;
  if (!graph) throw new OnnxImportError(`${source} has no graph: nothing to run`);
  const inputs = runtimeInputs(graph).map(summariseValue);
  const outputs = graph.output.map(summariseValue);
  const has = describeInterface(inputs, outputs);
  const fail = (problem: string) => new OnnxImportError(`${source}: ${problem}. The file has ${has}; ${EXPECTED}`);
  if (outputs.length !== 1) throw fail(`it has ${outputs.length} outputs, not one`);
  const output = outputs[0];
  for (const v of [...inputs, output]) {
    if (v.dtype !== 'float32') {
      throw fail(`'${v.name}' is ${v.dtype}${v.dtype === 'float64' ? ' (export the model in float32, e.g. model.float() before torch.onnx.export)' : ''}`);
    }
  }
  const rankIs = (v: OnnxValueSummary, ranks: number[]) => v.shape === null || ranks.includes(v.shape.length);
  if (!rankIs(output, [2])) throw fail(`the output '${output.name}' has shape ${formatShape(output.shape)}, not [N, d]`);

  let x: OnnxValueSummary;
  let t: OnnxValueSummary | undefined;
  if (inputs.length === 2) {
    const named = (n: string) => inputs.find((v) => v.name.toLowerCase() === n);
    const timeLike = (v: OnnxValueSummary) => v.shape !== null && (v.shape.length === 1 || (v.shape.length === 2 && fixed(v, 1) === 1));
    if (named('x') && named('t')) {
      [x, t] = [named('x') as OnnxValueSummary, named('t') as OnnxValueSummary];
    } else if (timeLike(inputs[1]) || !timeLike(inputs[0])) {
      [x, t] = inputs;
    } else {
      [t, x] = inputs;
    }
    if (!rankIs(x, [2])) throw fail(`the state input '${x.name}' has shape ${formatShape(x.shape)}, not [N, d]`);
    if (!rankIs(t, [1, 2]) || (t.shape?.length === 2 && fixed(t, 1) !== undefined && fixed(t, 1) !== 1)) {
      throw fail(`the time input '${t.name}' has shape ${formatShape(t.shape)}, not [N, 1] or [N]`);
    }
  } else if (inputs.length === 1) {
    x = inputs[0];
    if (!rankIs(x, [2])) throw fail(`the input '${x.name}' has shape ${formatShape(x.shape)}, not [N, d + 1] = [x, t]`);
    const width = fixed(x, 1);
    if (width !== undefined && width < 2) throw fail(`the input '${x.name}' has shape ${formatShape(x.shape)}, too narrow to hold [x, t]`);
  } else {
    throw fail(`it has ${inputs.length} inputs`);
  }

  const inWidth = fixed(x, 1);
  const d = t ? inWidth : inWidth === undefined ? undefined : inWidth - 1;
  const outWidth = fixed(output, 1);
  if (d !== undefined && outWidth !== undefined && d !== outWidth) {
    throw fail(`the output '${output.name}' has ${outWidth} components but the state x has ${d}`);
  }
  const batches = [x, ...(t ? [t] : []), output].map((v) => fixed(v, 0)).filter((n): n is number => n !== undefined);
  if (batches.some((n) => n !== batches[0])) throw fail(`the batch axes have different fixed sizes (${batches.join(', ')})`);
  return {
    inputX: x.name, inputT: t?.name ?? x.name, timeShape: t?.shape?.length === 1 ? 'vector' : 'column', joined: !t,
    output: output.name, dims: d ?? outWidth, batch: batches[0], description: has,
  };
}
