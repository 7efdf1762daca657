import { describe, expect, it } from 'vitest';
import { AutosaveScheduler } from './autosave.ts';

function fakeTimers() {
  let pending: (() => void) | undefined;
  return {
    setTimer: (fn: () => void) => ((pending = fn), 1),
    clearTimer: () => (pending = undefined),
    fire: () => {
      const fn = pending;
      pending = undefined;
      fn?.();
    },
    get armed() {
      return pending !== undefined;
    },
  };
}

describe('AutosaveScheduler', () => {
  it('writes the latest snapshot once per interval, not on every change', async () => {
    const timers = fakeTimers();
    const written: number[] = [];
    const s = new AutosaveScheduler<number>({ intervalMs: 2000, write: async (v) => void written.push(v), ...timers });
    s.schedule(() => 1);
    s.schedule(() => 2);
    s.schedule(() => 3);
    expect(written).toEqual([]);
    timers.fire();
    await Promise.resolve();
    expect(written).toEqual([3]);
    expect(timers.armed).toBe(false);
  });

  it('flush writes at once and cancel drops the pending write', async () => {
    const timers = fakeTimers();
    const written: number[] = [];
    const s = new AutosaveScheduler<number>({ intervalMs: 2000, write: async (v) => void written.push(v), ...timers });
    s.schedule(() => 1);
    await s.flush();
    expect(written).toEqual([1]);
    s.schedule(() => 2);
    s.cancel();
    timers.fire();
    await s.flush();
    expect(written).toEqual([1]);
  });

  it('reports a failed write and tries again on the next change', async () => {
    const timers = fakeTimers();
    const errors: unknown[] = [];
    let fail = true;
    const written: number[] = [];
    const s = new AutosaveScheduler<number>({
      intervalMs: 10,
      write: async (v) => {
        if (fail) throw new Error('quota');
        written.push(v);
      },
      onError: (e) => errors.push(e),
      ...timers,
    });
    s.schedule(() => 1);
    await s.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    s.schedule(() => 2);
    await s.flush();
    expect(written).toEqual([2]);
  });
});
