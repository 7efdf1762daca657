/**
 * Recognises how a two-input model joins x and t: Concat(x, t), or the sin/cos features
 * Concat(x, Sin(t·ω), Cos(t·ω)) that `exportNetworkOnnx` writes (and PyTorch emits for
 * `torch.cat([x, torch.sin(t * w), torch.cos(t * w)], 1)`).
 */
import { describeNode, type GraphIndex } from './graphIndex.ts';
import { NETWORK_METADATA_KEY } from './exportNetwork.ts';
import type { OnnxStringEntry } from './model.ts';
import type { TimeFeatures } from './network.ts';
import { OnnxImportError } from './tensor.ts';

const EXPECTED = 'x and t must be joined by Concat(x, t) or Concat(x, Sin(t·ω), Cos(t·ω)) on axis 1';

/** The time-embedding kind recorded in our metadata; 'fourier' when the file does not say. */
function recordedKind(metadata: OnnxStringEntry[]): 'sinusoidal' | 'fourier' {
  const entry = metadata.find((e) => e.key === NETWORK_METADATA_KEY);
  let parsed: unknown;
  try {
    parsed = entry ? JSON.parse(entry.value) : undefined;
  } catch {
    return 'fourier'; // metadata is advisory: a broken entry must not block the import
  }
  const time = typeof parsed === 'object' && parsed !== null && 'time' in parsed ? parsed.time : undefined;
  const kind = typeof time === 'object' && time !== null && 'kind' in time ? time.kind : undefined;
  return kind === 'sinusoidal' ? 'sinusoidal' : 'fourier';
}

/** The only open node that produces `value` with `opType`, or undefined. */
function producedBy(index: GraphIndex, value: string, opType: string): number | undefined {
  const i = index.producerOf(value);
  return i !== undefined && !index.used.has(i) && index.nodes[i].opType === opType && index.nodes[i].domain === '' ? i : undefined;
}

/** The ω of Mul(t, ω) (either operand order) producing `value`, with the Mul's index. */
function angleFrequencies(index: GraphIndex, value: string, t: string): { node: number; frequencies: Float32Array } | undefined {
  const mul = producedBy(index, value, 'Mul');
  if (mul === undefined) return undefined;
  const [a, b] = index.nodes[mul].input;
  const other = a === t ? b : b === t ? a : undefined;
  if (other === undefined || !index.isConstant(other)) return undefined;
  const omega = index.constant(other, 'time frequencies');
  if (omega.dims.length > 2 || (omega.dims.length === 2 && omega.dims[0] !== 1)) {
    throw new OnnxImportError(`time frequencies '${other}' have shape [${omega.dims.join(', ')}], expected [1, K] or [K]`);
  }
  return { node: mul, frequencies: Float32Array.from(omega.values) };
}

/** Claims the nodes that build the features [x, time features]; returns them and the features value. */
export function matchTimeFeatures(index: GraphIndex, x: string, t: string, metadata: OnnxStringEntry[]): { time: TimeFeatures; output: string } {
  const readers = index.openConsumers(x);
  const found = readers.map((i) => describeNode(index.nodes[i], i)).join(', ') || 'nothing';
  const concatIndex = readers.length === 1 ? readers[0] : undefined;
  const concat = concatIndex === undefined ? undefined : index.nodes[concatIndex];
  const axis = concat ? index.intAttribute(concat, 'axis', 0) : 0;
  if (concatIndex === undefined || !concat || concat.opType !== 'Concat' || concat.input[0] !== x || (axis !== 1 && axis !== -1)) {
    throw new OnnxImportError(`${EXPECTED}; x is read by ${found}`);
  }
  const rest = concat.input.slice(1);
  let time: TimeFeatures | undefined;
  const claimed = [concatIndex];
  if (rest.length === 1 && rest[0] === t) {
    time = { kind: 'none' };
  } else if (rest.length === 2) {
    const sin = producedBy(index, rest[0], 'Sin');
    const cos = producedBy(index, rest[1], 'Cos');
    const sinAngle = sin === undefined ? undefined : angleFrequencies(index, index.nodes[sin].input[0], t);
    const cosAngle = cos === undefined ? undefined : angleFrequencies(index, index.nodes[cos].input[0], t);
    if (sin !== undefined && cos !== undefined && sinAngle && cosAngle) {
      const same = sinAngle.frequencies.length === cosAngle.frequencies.length && sinAngle.frequencies.every((w, k) => Object.is(w, cosAngle.frequencies[k]));
      if (!same) throw new OnnxImportError('the Sin and Cos time features use different frequencies; they must share one ω');
      time = { kind: recordedKind(metadata), frequencies: sinAngle.frequencies };
      claimed.push(sin, cos, sinAngle.node, cosAngle.node);
    }
  }
  if (!time) throw new OnnxImportError(`${EXPECTED}; found ${describeNode(concat, concatIndex)} of ${concat.input.map((v) => `'${v}'`).join(', ')}`);
  for (const i of claimed) index.used.add(i);
  const otherReaders = index.openConsumers(t);
  if (otherReaders.length > 0) {
    throw new OnnxImportError(`t is also read by ${otherReaders.map((i) => describeNode(index.nodes[i], i)).join(', ')}; ${EXPECTED} and used nowhere else`);
  }
  return { time, output: concat.output[0] };
}
