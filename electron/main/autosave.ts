/**
 * Autosave and crash recovery. Each window writes its working document to
 * `<userData>/autosave/<window key>.json` while it has unsaved work; the file is deleted when the
 * window closes normally. A file whose window is not alive (the app crashed or was killed) is an
 * orphan: the next window that asks adopts the newest unsaved orphan and offers to restore it.
 */
import { join } from 'node:path';
import { isAutosaveRecord } from '../ipc/contract.ts';
import type { AutosaveRecord } from '../../renderer/host/types.ts';
import { saveAtomically } from './atomicSave.ts';
import type { FsLike } from './ports.ts';

const SUFFIX = '.json';

export class AutosaveStore {
  constructor(
    private readonly fs: FsLike,
    /** e.g. `<userData>/autosave`. */
    private readonly dir: string,
  ) {}

  async set(windowKey: string, record: AutosaveRecord): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    await saveAtomically(this.fs, this.#file(windowKey), JSON.stringify(record));
  }

  async clear(windowKey: string): Promise<void> {
    await this.fs.unlink(this.#file(windowKey)).catch(() => {});
  }

  /**
   * What window `windowKey` should resume: its own record (a reload), else — when `adopt` — the
   * newest unsaved draft of a window not in `liveKeys`, which moves to this window.
   */
  async get(windowKey: string, options: { adopt: boolean; liveKeys: ReadonlySet<string> }): Promise<AutosaveRecord | null> {
    const own = await this.#read(windowKey);
    if (own) return own;
    if (!options.adopt) return null;
    const orphans = await this.orphans(options.liveKeys);
    const best = orphans[0];
    if (!best) return null;
    await this.set(windowKey, best.record);
    await this.clear(best.key);
    return best.record;
  }

  /**
   * Unsaved drafts left by windows that are gone, newest first. Saved (clean) leftovers are deleted:
   * they need no rescue.
   */
  async orphans(liveKeys: ReadonlySet<string>): Promise<{ key: string; record: AutosaveRecord }[]> {
    let names: string[] = [];
    try {
      names = await this.fs.readdir(this.dir);
    } catch {
      return [];
    }
    const found: { key: string; record: AutosaveRecord }[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith('.')) continue;
      const key = name.slice(0, -SUFFIX.length);
      if (liveKeys.has(key)) continue;
      const record = await this.#read(key);
      if (record?.dirty) found.push({ key, record });
      else await this.clear(key);
    }
    return found.sort((a, b) => b.record.at - a.record.at);
  }

  /**
   * The data-file content keys that any record names (live windows and orphans alike), so the
   * renderer keeps those bytes and drops the rest.
   */
  async dataFileHashes(): Promise<string[]> {
    let names: string[] = [];
    try {
      names = await this.fs.readdir(this.dir);
    } catch {
      return [];
    }
    const hashes = new Set<string>();
    for (const name of names) {
      if (!name.endsWith(SUFFIX) || name.startsWith('.')) continue;
      const record = await this.#read(name.slice(0, -SUFFIX.length)).catch(() => null);
      for (const hash of Object.values(record?.files ?? {})) hashes.add(hash);
    }
    return [...hashes];
  }

  async #read(windowKey: string): Promise<AutosaveRecord | null> {
    try {
      const record: unknown = JSON.parse(await this.fs.readFile(this.#file(windowKey), 'utf8'));
      return isAutosaveRecord(record) ? record : null;
    } catch {
      return null;
    }
  }

  #file(windowKey: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(windowKey)) throw new Error(`Invalid window key "${windowKey}"`);
    return join(this.dir, windowKey + SUFFIX);
  }
}
