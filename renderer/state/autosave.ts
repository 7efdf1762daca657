/**
 * Throttled autosave: after a change, the latest snapshot is written once `intervalMs` has passed
 * (so typing writes every couple of seconds, not on every key), and `flush` writes at once (when
 * the page is hidden or closed). Plain TypeScript with injectable timers, so it is unit-tested.
 */
export interface AutosaveOptions<T> {
  intervalMs: number;
  write: (snapshot: T) => Promise<void>;
  /** Called when a write fails; the next change tries again. */
  onError?: (error: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class AutosaveScheduler<T> {
  private pending: (() => T) | undefined;
  private timer: unknown;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: AutosaveOptions<T>) {
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Notes a change; `snapshot` is called only when the write happens (the latest one wins). */
  schedule(snapshot: () => T): void {
    this.pending = snapshot;
    if (this.timer === undefined) this.timer = this.setTimer(() => void this.flush(), this.options.intervalMs);
  }

  /** Writes the pending snapshot now, if any. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    const snapshot = this.pending;
    this.pending = undefined;
    if (!snapshot) return;
    try {
      await this.options.write(snapshot());
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  /** Drops the pending snapshot (after a save or when the document is discarded). */
  cancel(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  get hasPending(): boolean {
    return this.pending !== undefined;
  }
}
