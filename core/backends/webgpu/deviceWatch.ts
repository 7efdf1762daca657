/// <reference types="@webgpu/types" />
// The WebGPU type declarations come with the `webgpu` package (its types.d.ts imports them).

/**
 * The GPU device was lost during a run (driver reset, watchdog timeout, device destroyed). Callers
 * detect it with `instanceof DeviceLostError` and may rerun on the CPU.
 */
export class DeviceLostError extends Error {
  override readonly name = 'DeviceLostError';
  /** WebGPU's reason: 'destroyed' when the device was destroyed on purpose, else 'unknown'. */
  readonly reason: string;
  /** The driver's message, or the reason when it gave none (no advice attached, for callers to word their own). */
  readonly detail: string;

  constructor(reason: string, detail: string) {
    super(`WebGPU device lost: ${detail || reason}; rerun with --backend cpu`);
    this.reason = reason;
    this.detail = detail || reason;
  }
}

/** How long a failed GPU call waits for `device.lost` to settle, to tell a loss from other errors. */
const LOSS_GRACE_MS = 100;

const watches = new WeakMap<GPUDevice, DeviceWatch>();

/**
 * Watches a device for loss: `guard` awaits a GPU promise but rejects with a DeviceLostError as
 * soon as the device is lost, since a lost device may leave promises such as mapAsync pending.
 * One watch per device (`DeviceWatch.of`), so a long-lived device gains one `lost` handler, not
 * one per run or per call.
 */
export class DeviceWatch {
  private lostInfo: GPUDeviceLostInfo | undefined;
  private readonly lost: Promise<GPUDeviceLostInfo>;
  /** Rejecters of the guards in flight, called when the device is lost. */
  private readonly waiting = new Set<(error: DeviceLostError) => void>();

  private constructor(device: GPUDevice) {
    this.lost = device.lost.then((info) => {
      this.lostInfo = info;
      for (const reject of this.waiting) reject(new DeviceLostError(info.reason, info.message));
      this.waiting.clear();
      return info;
    });
  }

  /** The watch of `device`, created on first use. */
  static of(device: GPUDevice): DeviceWatch {
    let watch = watches.get(device);
    if (!watch) watches.set(device, (watch = new DeviceWatch(device)));
    return watch;
  }

  /** Throws a DeviceLostError if the device is already known to be lost. */
  check(): void {
    if (this.lostInfo) throw new DeviceLostError(this.lostInfo.reason, this.lostInfo.message);
  }

  /** Awaits `work`, or rejects with a DeviceLostError when the device is lost first. */
  async guard<T>(work: Promise<T>): Promise<T> {
    this.check();
    let reject: (error: DeviceLostError) => void = () => {};
    const lost = new Promise<never>((_, r) => { reject = r; });
    this.waiting.add(reject);
    try {
      return await Promise.race([work, lost]);
    } catch (error) {
      if (error instanceof DeviceLostError) throw error;
      // A call that failed because the device went away can report it before `lost` resolves.
      const timer = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LOSS_GRACE_MS));
      const info = await Promise.race([this.lost, timer]);
      if (info) throw new DeviceLostError(info.reason, info.message);
      throw error;
    } finally {
      this.waiting.delete(reject);
    }
  }
}
