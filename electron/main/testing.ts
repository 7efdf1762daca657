/** Test helpers: a temp folder and fs/promises wrappers that fail on purpose. */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileHandleLike, FsLike } from './ports.ts';

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), 'sde-electron-'));
}

/** The real fs/promises, typed as the port. */
export const realFs: FsLike = fs;

/** fs whose file writes stop after `bytes` bytes with ENOSPC (a disk that fills up midway). */
export function diskFullAfter(bytes: number): FsLike {
  return {
    ...realFs,
    async open(path, flags, mode) {
      const handle = await fs.open(path, flags, mode);
      const wrapped: FileHandleLike = {
        async writeFile(data) {
          await handle.writeFile(data.slice(0, bytes), 'utf8');
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
      return wrapped;
    },
  };
}

/** fs whose rename fails (e.g. the target became read-only). */
export function renameFails(): FsLike {
  return {
    ...realFs,
    rename: async () => {
      throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
    },
  };
}
