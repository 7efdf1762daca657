/**
 * Checks the interface of a model offered as a score network: which inputs and outputs it has,
 * their dtypes and shapes, against what s(x, t) needs. Messages name what was found and what was
 * expected, so a user can fix the export.
 */
import { describeValue, formatShape, runtimeInputs, summariseValue, type OnnxValueSummary } from './inspect.ts';
import type { OnnxGraph } from './model.ts';
import { OnnxImportError } from './tensor.ts';

/** What the caller knows about the network it wants. */
export interface ImportExpectations {
  /** d, the state dimension; the model's x (and score) must have it. */
  inputDim?: number;
  /** How to name the model in messages, e.g. the file name 'score.onnx'; default 'the model'. */
  source?: string;
}

/** The recognised interface: one joined input [N, d+1], or inputs x [N, d] and t [N, 1]. */
export type ModelInterface = {
  output: string;
  /** d when the shapes (or the caller) fix it. */
  inputDim: number | undefined;
} & ({ kind: 'joined'; input: string; width: number | undefined } | { kind: 'xt'; input: string; x: string; t: string; width: undefined });

const NEEDS = "a score network needs inputs 'x' [N, d] and 't' [N, 1] (or one input [N, d+1] = [x, t]) and one output [N, d]";

/** The last axis of a rank-2 shape when it is a fixed size. */
function lastDim(value: OnnxValueSummary): number | undefined {
  const last = value.shape?.at(-1);
  return typeof last === 'number' ? last : undefined;
}

/** Throws unless `value` is float32 and, when its rank is known, rank 2 with a fixed last axis of `last` (if given). */
function requireMatrix(value: OnnxValueSummary, role: string, expectedShape: string, last: number | undefined, source: string): void {
  if (value.dtype !== 'float32') {
    throw new OnnxImportError(`${source}: the ${role} ${describeValue(value)} is ${value.dtype}, but ${NEEDS}, in float32`);
  }
  const rankOk = !value.shape || value.shape.length === 2;
  const lastOk = last === undefined || lastDim(value) === undefined || lastDim(value) === last;
  if (!rankOk || !lastOk) {
    throw new OnnxImportError(`${source}: the ${role} '${value.name}' has shape ${formatShape(value.shape)} but it must be ${expectedShape}; ${NEEDS}`);
  }
}

/** Validates the graph interface against the score-network contract and `expected`. */
export function checkInterface(graph: OnnxGraph, expected: ImportExpectations, source: string): ModelInterface {
  const inputs = runtimeInputs(graph).map(summariseValue);
  const outputs = graph.output.map(summariseValue);
  const list = (values: OnnxValueSummary[]) => (values.length === 0 ? 'none' : values.map(describeValue).join(', '));
  if (outputs.length !== 1) throw new OnnxImportError(`${source} has ${outputs.length} outputs (${list(outputs)}), but ${NEEDS}`);
  const output = outputs[0];
  let d = expected.inputDim;
  const dText = (offset = 0) => (d === undefined ? `[N, d${offset ? ` + ${offset}` : ''}]` : `[N, ${d + offset}]`);
  if (inputs.length === 2 && inputs.some((v) => v.name === 'x') && inputs.some((v) => v.name === 't')) {
    const x = inputs.find((v) => v.name === 'x') as OnnxValueSummary;
    const t = inputs.find((v) => v.name === 't') as OnnxValueSummary;
    requireMatrix(x, 'input', dText(), d, source);
    requireMatrix(t, 'input', '[N, 1]', 1, source);
    d ??= lastDim(x);
    requireMatrix(output, 'output', dText(), d, source);
    return { kind: 'xt', input: 'x', x: 'x', t: 't', output: output.name, inputDim: d ?? lastDim(output), width: undefined };
  }
  if (inputs.length !== 1) throw new OnnxImportError(`${source}'s inputs are ${list(inputs)}, but ${NEEDS}`);
  const input = inputs[0];
  const joinedLast = lastDim(input);
  if (joinedLast !== undefined && joinedLast < 2) {
    throw new OnnxImportError(`${source}: the input '${input.name}' has shape ${formatShape(input.shape)}, too narrow to hold [x, t]; ${NEEDS}`);
  }
  requireMatrix(input, 'input', `${dText(1)} = [x, t]`, d === undefined ? undefined : d + 1, source);
  d ??= joinedLast === undefined ? undefined : joinedLast - 1;
  requireMatrix(output, 'output', dText(), d, source);
  return { kind: 'joined', input: input.name, output: output.name, inputDim: d ?? lastDim(output), width: joinedLast };
}
