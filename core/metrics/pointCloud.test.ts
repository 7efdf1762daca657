import { describe, expect, it } from 'vitest';
import { gaussianSet } from './fixtures/samples.ts';
import { BLOCK_SIZE, coarsen, spatialOrder, toPointCloud } from './pointCloud.ts';

describe('point clouds for the Sinkhorn kernels', () => {
  const points = gaussianSet(1000, 3, 21, 2);
  const cloud = toPointCloud(points);

  it('reorders by a permutation and keeps both layouts consistent', () => {
    const order = spatialOrder(points);
    expect([...order].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (let i = 0; i < cloud.n; i++) {
      for (let k = 0; k < 3; k++) {
        expect(cloud.rows[i * 3 + k]).toBe(points.data[cloud.order[i] * 3 + k]);
        expect(cloud.columns[k * cloud.n + i]).toBe(points.data[cloud.order[i] * 3 + k]);
      }
      expect(cloud.logWeights[i]).toBeCloseTo(-Math.log(1000), 14);
    }
  });

  it('gives every block a box that holds its points, far tighter than blocks of the input order', () => {
    expect(cloud.blocks).toBe(Math.ceil(1000 / BLOCK_SIZE));
    for (let i = 0; i < cloud.n; i++) {
      const b = Math.floor(i / BLOCK_SIZE);
      for (let k = 0; k < 3; k++) {
        expect(cloud.rows[i * 3 + k]).toBeGreaterThanOrEqual(cloud.boxLow[b * 3 + k]);
        expect(cloud.rows[i * 3 + k]).toBeLessThanOrEqual(cloud.boxHigh[b * 3 + k]);
      }
    }
    const totalVolume = (rows: ArrayLike<number>): number => {
      let sum = 0;
      for (let start = 0; start < 1000; start += BLOCK_SIZE) {
        let volume = 1;
        for (let k = 0; k < 3; k++) {
          let [low, high] = [Infinity, -Infinity];
          for (let i = start; i < Math.min(1000, start + BLOCK_SIZE); i++) [low, high] = [Math.min(low, rows[i * 3 + k]), Math.max(high, rows[i * 3 + k])];
          volume *= high - low;
        }
        sum += volume;
      }
      return sum;
    };
    expect(totalVolume(cloud.rows)).toBeLessThan(0.1 * totalVolume(points.data));
  });

  it('coarsens to block centroids that keep the total mass and the mean', () => {
    const coarse = coarsen(cloud);
    expect(coarse.n).toBe(cloud.blocks);
    const masses = Array.from(coarse.logWeights, Math.exp);
    expect(masses.reduce((s, m) => s + m, 0)).toBeCloseTo(1, 14);
    for (let k = 0; k < 3; k++) {
      let fine = 0;
      let coarseMean = 0;
      for (let i = 0; i < cloud.n; i++) fine += cloud.rows[i * 3 + k] / cloud.n;
      for (let b = 0; b < coarse.n; b++) coarseMean += masses[b] * coarse.rows[b * 3 + k];
      expect(coarseMean).toBeCloseTo(fine, 12);
    }
  });
});
