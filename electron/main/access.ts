/**
 * The allow-list of files the renderer may read or write: those the user picked in a dialog, those
 * the OS handed to the app (command line, "open with"), and those on the recent list. Everything
 * else is refused, so a compromised renderer cannot read arbitrary files through IPC.
 */
import { isAbsolute, resolve } from 'node:path';
import type { RecentFiles } from './recent.ts';

export class FileAccess {
  readonly #granted = new Set<string>();

  constructor(private readonly recent: Pick<RecentFiles, 'has'>) {}

  /** Grants access to a path the user or the OS chose. */
  grant(path: string): string {
    const full = resolve(path);
    this.#granted.add(full);
    return full;
  }

  /** The normalized path when the renderer may use it; throws otherwise. */
  async check(path: string): Promise<string> {
    if (!isAbsolute(path)) throw new Error(`Refused: "${path}" is not an absolute path`);
    const full = resolve(path);
    if (this.#granted.has(full) || (await this.recent.has(full))) return full;
    throw new Error(`Refused: ${full} was not opened or saved by the user in this app`);
  }
}
