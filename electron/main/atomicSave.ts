/**
 * Atomic save: the text (or bytes) goes to a temporary file in the same folder (same file system, so the
 * rename is atomic), is flushed to disk, and only then replaces the target. A failure at any step
 * removes the temporary file and leaves the old file exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FileHandleLike, FsLike } from './ports.ts';

/** A save that did not happen; `message` says which file, why, and that the old one is intact. */
export class SaveError extends Error {
  override readonly name = 'SaveError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`Could not save ${basename(path)}: ${reason}. The file on disk was not changed.`);
  }
}

export async function saveAtomically(fs: FsLike, path: string, text: string | Uint8Array, tempSuffix = randomBytes(6).toString('hex')): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${tempSuffix}.tmp`);
  // Keep the permissions of the file we replace (default 0o644 for a new one).
  let mode = 0o644;
  try {
    mode = (await fs.stat(path)).mode & 0o777;
  } catch {
    // New file.
  }
  let handle: FileHandleLike | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode);
    // Text as UTF-8; bytes (trained .onnx weights) exactly as given.
    await (typeof text === 'string' ? handle.writeFile(text, 'utf8') : handle.writeFile(text));
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, path);
  } catch (e) {
    await handle?.close().catch(() => {});
    await fs.unlink(temp).catch(() => {});
    throw new SaveError(path, describeFsError(e));
  }
}

/** A short human reason for common file system errors. */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (is the folder read-only?)';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'ENOENT':
      return 'the folder does not exist';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
