import { describe, expect, it } from 'vitest';
import { fitCamera } from './camera.ts';
import { syntheticProtein } from './testing.ts';

describe('fitCamera', () => {
  // One helix of 40 residues along z (60 Å long, 7 Å wide), tipped to run along (1, 1, 0).
  const helix = syntheticProtein(1, 40).frames[0];
  const tipped = new Float64Array(helix.length);
  for (let i = 0; i < helix.length; i += 3) {
    const [x, y, z] = [helix[i], helix[i + 1], helix[i + 2]];
    tipped.set([(x + z) / Math.SQRT2 + 5, (-x + z) / Math.SQRT2, y - 8], i);
  }

  it('lays the longest axis across the screen, with a proper rotation', () => {
    const fit = fitCamera(tipped, 35, 1.5)!;
    const R = fit.rotation;
    expect(Math.abs(R[0] + R[1]) / Math.SQRT2).toBeCloseTo(1, 2); // right ≈ ±(1, 1, 0)/√2
    const det = R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
    expect(det).toBeCloseTo(1, 9);
  });

  it('puts every atom inside the view, the longest extent filling it', () => {
    for (const aspect of [0.5, 1, 2]) {
      const fit = fitCamera(tipped, 35, aspect)!;
      const R = fit.rotation;
      const tan = Math.tan((35 * Math.PI) / 360);
      let widest = 0;
      for (let i = 0; i < tipped.length; i += 3) {
        const d = [tipped[i] - fit.center[0], tipped[i + 1] - fit.center[1], tipped[i + 2] - fit.center[2]];
        const [x, y, z] = [0, 3, 6].map((r) => R[r] * d[0] + R[r + 1] * d[1] + R[r + 2] * d[2]);
        const depth = fit.distance - z;
        expect(Math.abs(y) / depth).toBeLessThanOrEqual(tan);
        expect(Math.abs(x) / depth).toBeLessThanOrEqual(tan * aspect);
        widest = Math.max(widest, Math.abs(x) / depth / (tan * aspect), Math.abs(y) / depth / tan);
      }
      expect(widest).toBeGreaterThan(0.8);
    }
  });

  it('ignores non-finite coordinates and gives up on none', () => {
    expect(fitCamera(Float64Array.of(NaN, 0, 0), 35, 1)).toBeNull();
    expect(fitCamera(Float64Array.of(0, 0, 0, NaN, 1, 1), 35, 1)!.center).toEqual([0, 0, 0]);
  });
});
