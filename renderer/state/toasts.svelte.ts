/** Short messages at the bottom of the window (errors, refusals, "Saved"). */
export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

export class ToastStore {
  items = $state.raw<readonly Toast[]>([]);
  #next = 1;

  /** Shows `message` for `ms` milliseconds (errors stay longer). The same message is not stacked twice. */
  show(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 6000 : 3000): void {
    const existing = this.items.find((t) => t.message === message);
    if (existing) this.dismiss(existing.id);
    const toast = { id: this.#next++, kind, message };
    this.items = [...this.items.slice(-3), toast];
    setTimeout(() => this.dismiss(toast.id), ms);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
