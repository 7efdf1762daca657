import { normalRow, STREAM_NN_DATA, uniformRange } from './random.ts';

/**
 * Where training batches come from: `sample` writes `batch` rows of `dim` floats for step
 * `step` (row-major, from `offset`). Deterministic in (step, batch) so a seed reproduces a run
 * and a resumed run sees the same batches as an uninterrupted one.
 */
export interface DataSource {
  readonly dim: number;
  sample(step: number, batch: number, out: Float32Array, offset: number): void;
}

/**
 * N(mean, std² I) drawn from Philox (stream {@link STREAM_NN_DATA}, counter [step, 0]): an
 * infinite data set whose exact scores are known in closed form, for tests and demos.
 */
export function gaussianData(mean: readonly number[], std: number, seed: number): DataSource {
  const dim = mean.length;
  return {
    dim,
    sample(step, batch, out, offset) {
      const z = normalRow(seed, STREAM_NN_DATA, step >>> 0, 0, batch * dim);
      for (let i = 0; i < batch * dim; i++) out[offset + i] = mean[i % dim] + std * z[i];
    },
  };
}

/**
 * A fixed data set (rows of `dim` floats), drawn with replacement by a Philox index per row
 * (stream {@link STREAM_NN_DATA}, counter [step, `purpose`]). A trainer that batches from two
 * pools gives each its own purpose (1: the data, 2: the second pool of a two-data-set loss), so
 * their indices are independent even under one seed.
 */
export function datasetSource(rows: Float32Array, dim: number, seed: number, purpose = 1): DataSource {
  const count = rows.length / dim;
  if (!Number.isInteger(count) || count < 1) throw new Error(`datasetSource: ${rows.length} floats are not whole rows of ${dim}`);
  return {
    dim,
    sample(step, batch, out, offset) {
      const u = uniformRange(seed, STREAM_NN_DATA, step >>> 0, purpose, batch, 0, count);
      for (let b = 0; b < batch; b++) {
        const pick = Math.min(count - 1, Math.floor(u[b]));
        for (let j = 0; j < dim; j++) out[offset + b * dim + j] = rows[pick * dim + j];
      }
    },
  };
}
