/**
 * The parts of Node's fs/promises the main process uses, as an interface so that tests can inject
 * failures (a write that stops midway, a rename that throws). `node:fs/promises` satisfies it.
 */
export interface FileHandleLike {
  writeFile(data: string | Uint8Array, encoding?: 'utf8'): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FsLike {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
  open(path: string, flags: string, mode?: number): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<{ isFile(): boolean; mode: number; size: number }>;
}

/** True when `path` names a regular file (missing, unreadable or a folder: false). */
export async function isFile(fs: FsLike, path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}
