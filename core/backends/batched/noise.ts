import { brownianTreeLayout } from '../../rng/brownian.ts';
import { createNormalFiller, type NormalFiller } from '../../rng/philoxWasm.ts';
import { STREAM_BROWNIAN, STREAM_CORRECTOR } from '../../rng/streams.ts';

/**
 * The random numbers of an SDE stage for a block of particles, exactly those of the fused CPU
 * kernel (kernelJs.ts): per particle and run of base intervals, the Brownian stream's normals from
 * the WebAssembly filler (bit-identical to `brownianNormals`), refined by the Brownian bridge of
 * core/rng/brownian.ts with the kernel prelude's float64 operations in the same order; and the
 * Langevin corrector's normals from STREAM_CORRECTOR (counter [particle, step, ·]).
 */
export class StageNoise {
  /** Bridge leaves per base interval (2^depth) and the number of base intervals. */
  readonly leaves: number;
  readonly baseIntervals: number;
  private readonly rootLength: number;
  private readonly halfStd: Float64Array;
  private readonly tree: Float64Array;
  private filler: NormalFiller | undefined;

  constructor(readonly seed: number, steps: number, readonly dims: number, t0: number, t1: number, readonly correctorSteps: number) {
    const { depth, baseIntervals } = brownianTreeLayout(steps);
    this.leaves = 2 ** depth;
    this.baseIntervals = baseIntervals;
    this.rootLength = (t1 - t0) / baseIntervals;
    this.halfStd = new Float64Array(this.leaves);
    for (let node = 1; node < this.leaves; node++) this.halfStd[node] = Math.sqrt(this.rootLength / 2 ** (31 - Math.clz32(node))) / 2;
    this.tree = new Float64Array(2 * this.leaves * dims);
  }

  private fillerFor(count: number): NormalFiller {
    if (!this.filler || this.filler.capacity < count) this.filler = createNormalFiller(Math.max(count, 4096));
    return this.filler;
  }

  /**
   * Increments of steps b0·leaves … (b0 + nb)·leaves − 1 for particles p0 … p0 + n − 1, into
   * `dw` laid out [step − b0·leaves][particle − p0][dim].
   */
  increments(p0: number, n: number, b0: number, nb: number, dw: Float64Array): void {
    const { leaves, dims: D } = this;
    const per = leaves * D;
    const filler = this.fillerFor(nb * per);
    const z = filler.buffer;
    const stepsInBlock = nb * leaves;
    for (let i = 0; i < n; i++) {
      filler.fill(this.seed >>> 0, STREAM_BROWNIAN, p0 + i, b0, nb, leaves, D);
      if (leaves > 1) this.bridge(z, nb);
      else for (let k = 0; k < nb * D; k++) z[k] *= Math.sqrt(this.rootLength);
      for (let k = 0; k < stepsInBlock; k++) {
        for (let j = 0; j < D; j++) dw[(k * n + i) * D + j] = z[k * D + j];
      }
    }
  }

  /**
   * The corrector's normals of steps s0 … s0 + count − 1 for particles p0 … p0 + n − 1, into `cz`
   * laid out [step − s0][particle − p0][iteration][dim].
   */
  correctorNormals(p0: number, n: number, s0: number, count: number, cz: Float64Array): void {
    const { correctorSteps: C, dims: D } = this;
    const per = C * D;
    const filler = this.fillerFor(count * per);
    const z = filler.buffer;
    for (let i = 0; i < n; i++) {
      filler.fill(this.seed >>> 0, STREAM_CORRECTOR, p0 + i, s0, count, C, D);
      for (let k = 0; k < count; k++) {
        for (let m = 0; m < per; m++) cz[(k * n + i) * per + m] = z[k * per + m];
      }
    }
  }

  /** The kernel prelude's makeBridge, in place on `bases` base intervals of normals. */
  private bridge(z: Float64Array, bases: number): void {
    const { leaves, dims, tree, halfStd } = this;
    const rootStd = Math.sqrt(this.rootLength);
    for (let b = 0; b < bases; b++) {
      const o = b * leaves * dims;
      for (let j = 0; j < dims; j++) tree[dims + j] = rootStd * z[o + j];
      for (let node = 1; node < leaves; node++) {
        const hs = halfStd[node];
        for (let j = 0; j < dims; j++) {
          const half = tree[node * dims + j] / 2;
          const zz = z[o + node * dims + j];
          tree[2 * node * dims + j] = half + hs * zz;
          tree[(2 * node + 1) * dims + j] = half - hs * zz;
        }
      }
      for (let i = 0; i < leaves * dims; i++) z[o + i] = tree[leaves * dims + i];
    }
  }
}
