/**
 * Registers the main-process handlers of the IPC contract. Every call is checked twice before its
 * handler runs: the sender must be the top frame of one of our windows showing our renderer, and
 * the arguments must pass the contract's validator for that channel.
 */
import { INVOKE_CHANNELS, INVOKE_VALIDATORS, type InvokeArgs, type InvokeChannel, type InvokeResult } from '../ipc/contract.ts';

/** The handler table: one function per channel, typed by the contract. */
export type InvokeHandlers<Ctx> = {
  [C in InvokeChannel]: (ctx: Ctx, ...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
};

/** What main needs to know about a call's sender (a subset of IpcMainInvokeEvent). */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** ipcMain's `handle` (injected). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
}

/**
 * Finds the window context of a call, or null when the sender is not trusted: a subframe, a frame
 * showing another URL, or web contents that are not one of our document windows.
 */
export function senderResolver<Ctx>(options: {
  contextOf: (webContentsId: number) => Ctx | undefined;
  isTrustedUrl: (url: string) => boolean;
}): (event: InvokeEventLike) => Ctx | null {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !options.isTrustedUrl(frame.url)) return null;
    return options.contextOf(event.sender.id) ?? null;
  };
}

export function registerInvokeHandlers<Ctx>(ipc: IpcMainLike, handlers: InvokeHandlers<Ctx>, resolveSender: (event: InvokeEventLike) => Ctx | null): void {
  for (const channel of INVOKE_CHANNELS) registerOne(ipc, channel, handlers[channel], resolveSender);
}

function registerOne<C extends InvokeChannel, Ctx>(
  ipc: IpcMainLike,
  channel: C,
  handler: InvokeHandlers<Ctx>[C],
  resolveSender: (event: InvokeEventLike) => Ctx | null,
): void {
  const validate = INVOKE_VALIDATORS[channel] as (args: readonly unknown[]) => args is InvokeArgs<C>;
  const run = handler as (ctx: Ctx, ...args: InvokeArgs<C>) => Promise<InvokeResult<C>> | InvokeResult<C>;
  ipc.handle(channel, async (event, ...args) => {
    const ctx = resolveSender(event);
    if (ctx === null) throw new Error(`Refused ${channel}: the request did not come from an SDE Studio window`);
    if (!validate(args)) throw new Error(`Refused ${channel}: malformed arguments`);
    return run(ctx, ...args);
  });
}

/**
 * Trusted renderer URLs: the built renderer on app://renderer/ (or a file URL's exact path), or in
 * development the Vite dev server's origin. Query and hash are ignored.
 */
export function trustedUrlCheck(rendererUrl: string): (url: string) => boolean {
  const base = new URL(rendererUrl);
  return (url) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (base.protocol === 'file:') return u.protocol === 'file:' && u.pathname === base.pathname;
    // Node gives custom schemes such as app:// an opaque origin ('null', like data: URLs), so
    // compare scheme and host rather than origins.
    return u.protocol === base.protocol && u.host === base.host;
  };
}
