/**
 * Runs an imported model as a field s(x, t) over a block of particles with onnxruntime-web
 * (score.onnx with engine onnxruntime): float32 in and out, the session opened once per stage.
 */
import type { ExternalModel } from '../compile/plan.ts';
import { decodeModel } from './model.ts';
import { openOnnx, type OnnxRunner } from './runOrt.ts';
import { scoreModelInterface } from './scoreInterface.ts';

/** An open field model: evaluate it as often as needed, then release it. */
export interface FieldModelRunner {
  readonly name: string;
  /**
   * s at `rows` states x ([rows, d] row-major) and times t ([rows]); returns [rows, d]. Throws
   * when the model's output does not have that shape.
   */
  evaluate(x: Float32Array, t: Float32Array, rows: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Opens the model of an {@link ExternalModel}. When `inputX` and `inputT` name the same input, the
 * model takes [x, t] joined ([N, d + 1]). A model exported with a fixed batch size K runs in
 * chunks of K rows, the last one padded with copies of its last row.
 */
export async function openFieldModel(model: ExternalModel): Promise<FieldModelRunner> {
  const { batch } = scoreModelInterface(decodeModel(model.bytes), model.path);
  let runner: OnnxRunner;
  try {
    runner = await openOnnx(model.bytes);
  } catch (e) {
    throw new Error(`${model.path} (node '${model.nodeId}'): ${(e as Error).message}`);
  }
  const d = model.dims;
  const joined = model.inputX === model.inputT;
  const chunk = (x: Float32Array, t: Float32Array, rows: number) => {
    const feeds = joined
      ? { [model.inputX]: { data: joinRows(x, t, rows, d), dims: [rows, d + 1] } }
      : {
        [model.inputX]: { data: x, dims: [rows, d] },
        [model.inputT]: { data: t, dims: model.timeShape === 'vector' ? [rows] : [rows, 1] },
      };
    return runner.run(feeds).then((out) => {
      const y = out[model.output];
      if (!y || y.dims.length !== 2 || y.dims[0] !== rows || y.dims[1] !== d) {
        throw new Error(`${model.path} (node '${model.nodeId}'): output '${model.output}' came back with shape [${y?.dims.join(', ') ?? ''}], expected [${rows}, ${d}]`);
      }
      return y.data;
    });
  };
  return {
    name: model.name,
    async evaluate(x, t, rows) {
      if (batch === undefined || batch === rows) return chunk(x.subarray(0, rows * d), t.subarray(0, rows), rows);
      const out = new Float32Array(rows * d);
      const xs = new Float32Array(batch * d);
      const ts = new Float32Array(batch);
      for (let r0 = 0; r0 < rows; r0 += batch) {
        const n = Math.min(batch, rows - r0);
        for (let r = 0; r < batch; r++) {
          const from = r0 + Math.min(r, n - 1);
          xs.set(x.subarray(from * d, from * d + d), r * d);
          ts[r] = t[from];
        }
        out.set((await chunk(xs, ts, batch)).subarray(0, n * d), r0 * d);
      }
      return out;
    },
    release: () => runner.release(),
  };
}

/** [x, t] rows: [rows, d + 1]. */
function joinRows(x: Float32Array, t: Float32Array, rows: number, d: number): Float32Array {
  const joined = new Float32Array(rows * (d + 1));
  for (let r = 0; r < rows; r++) {
    joined.set(x.subarray(r * d, r * d + d), r * (d + 1));
    joined[r * (d + 1) + d] = t[r];
  }
  return joined;
}
