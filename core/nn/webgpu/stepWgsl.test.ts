import { describe, expect, test } from 'vitest';
import { IRBuilder } from '../../ir/builder.ts';
import { SCALAR } from '../../ir/types.ts';
import { ACTIVATIONS } from '../kernels/types.ts';
import { activationBackwardKernel, adamKernel, biasActivationKernel, gemmKernel, packParams, SCALE_LAYOUT } from './kernelsWgsl.ts';
import { HELPERS_WGSL, moveWgsl, regionWgsl } from './stepWgsl.ts';

/** Compile-only checks of the generated WGSL (no adapter needed; steps.test.ts runs it). */
describe('WGSL of the training steps', () => {
  test('the helper prelude carries no bindings of the integration kernels', () => {
    expect(HELPERS_WGSL).not.toMatch(/@group|@binding|struct Chunk/);
    expect(HELPERS_WGSL).toMatch(/fn tanhSafe/);
  });

  test('a region bakes its offsets relative to the mirror origin and renders ops from the IR', () => {
    const b = new IRBuilder('region', [{ name: 'in0', type: SCALAR }, { name: 'in1', type: SCALAR }]);
    const fn = b.build([b.mul(b.unary('exp', b.param(0)), b.param(1))]);
    const code = regionWgsl({ fn, inputs: [{ offset: 1100, rows: 8, size: 3 }, { offset: 1200, rows: 1, size: 3 }], stores: [1300], rows: 8, size: 3 }, 1000);
    expect(code).toMatch(/let in0 = mem\[100u \+ row \* 3u \+ j\];/);
    expect(code).toMatch(/let in1 = mem\[200u \+ j\];/);
    expect(code).toMatch(/mem\[300u \+ i\] = /);
    expect(code).toMatch(/exp\(in0\)/);
    expect(code).toMatch(/if \(i >= 24u\) \{ return; \}/);
  });

  test('moves: concat picks the argument by column, a shared row is read by every sample', () => {
    const code = moveWgsl({ op: 'concat', index: 0, out: { offset: 50, rows: 4, size: 3 }, args: [{ offset: 10, rows: 4, size: 2 }, { offset: 20, rows: 1, size: 1 }] }, 0);
    expect(code).toMatch(/if \(j < 2u\) \{ v = mem\[10u \+ b \* 2u \+ j - 0u\]; \} else \{ v = mem\[20u \+ j - 2u\]; \}/);
  });

  test('fixed kernels exist for every activation; parameters pack as u32 and f32 words', () => {
    for (const a of ACTIVATIONS) {
      expect(biasActivationKernel(a).code).toMatch(/mem\[p\.out \+ i\] = /);
      expect(activationBackwardKernel(a).code).toMatch(/mem\[p\.gradIn \+ i\] = /);
    }
    expect(gemmKernel().code).toMatch(/var<workgroup> tileA/);
    expect(adamKernel().code).toMatch(/p\.stepSize/);
    const view = new DataView(packParams(SCALE_LAYOUT, { x: 7, xStride: 0, out: 9, count: 3, accumulate: 1, alpha: -0.5 }));
    expect([view.getUint32(0, true), view.getUint32(8, true), view.getFloat32(20, true)]).toEqual([7, 9, -0.5]);
    expect(() => packParams(SCALE_LAYOUT, { x: -1, xStride: 0, out: 0, count: 0, accumulate: 0, alpha: 1 })).toThrow(/not a u32/);
  });
});
