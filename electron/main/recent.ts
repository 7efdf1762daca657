/**
 * Recent files, persisted as JSON in the app's data folder so that they survive a restart. Files
 * that no longer exist are dropped whenever the list is read. Every add also goes to the OS's
 * recent documents (app.addRecentDocument, injected).
 */
import { basename, dirname, resolve } from 'node:path';
import type { RecentFile } from '../../renderer/host/types.ts';
import { saveAtomically } from './atomicSave.ts';
import { isFile, type FsLike } from './ports.ts';

export interface RecentFilesOptions {
  fs: FsLike;
  /** The JSON file, e.g. `<userData>/recent.json`. */
  file: string;
  /** The OS's recent documents (app.addRecentDocument). */
  addRecentDocument?: (path: string) => void;
  max?: number;
  now?: () => number;
}

export class RecentFiles {
  #entries: RecentFile[] | null = null;
  readonly #max: number;
  readonly #now: () => number;

  constructor(private readonly options: RecentFilesOptions) {
    this.#max = options.max ?? 10;
    this.#now = options.now ?? Date.now;
  }

  /** Most recent first; entries whose file is gone are dropped (and the list rewritten). */
  async list(): Promise<RecentFile[]> {
    const entries = await this.#load();
    const present: RecentFile[] = [];
    for (const entry of entries) if (entry.path && (await isFile(this.options.fs, entry.path))) present.push(entry);
    if (present.length !== entries.length) await this.#store(present);
    return present.map((e) => ({ ...e }));
  }

  async add(path: string): Promise<void> {
    const full = resolve(path);
    const entries = await this.#load();
    const entry: RecentFile = { key: full, name: basename(full), path: full, at: this.#now() };
    await this.#store([entry, ...entries.filter((e) => e.key !== full)].slice(0, this.#max));
    this.options.addRecentDocument?.(full);
  }

  async remove(path: string): Promise<void> {
    const full = resolve(path);
    await this.#store((await this.#load()).filter((e) => e.key !== full));
  }

  /** Whether `path` is on the list (as last loaded); used by the allow-list. */
  async has(path: string): Promise<boolean> {
    const full = resolve(path);
    return (await this.#load()).some((e) => e.key === full);
  }

  async #load(): Promise<RecentFile[]> {
    if (this.#entries) return this.#entries;
    let parsed: unknown = [];
    try {
      parsed = JSON.parse(await this.options.fs.readFile(this.options.file, 'utf8'));
    } catch {
      // First start or a damaged file: start with an empty list.
    }
    this.#entries = Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    return this.#entries;
  }

  async #store(entries: RecentFile[]): Promise<void> {
    this.#entries = entries;
    await this.options.fs.mkdir(dirname(this.options.file), { recursive: true });
    await saveAtomically(this.options.fs, this.options.file, JSON.stringify(entries, null, 2));
  }
}

function isEntry(v: unknown): v is RecentFile {
  const e = v as Partial<RecentFile> | null;
  return typeof e?.key === 'string' && typeof e.name === 'string' && typeof e.path === 'string' && typeof e.at === 'number';
}
