/**
 * Small pure helpers about documents: which command-line arguments are graph files, the file
 * filters of the dialogs, and the window title.
 */
import { basename, extname, resolve } from 'node:path';

/** The graph format's own extension, and the plain JSON it also accepts (file associations). */
export const GRAPH_EXTENSIONS = ['sdegraph', 'json'] as const;

export const OPEN_FILTERS = [
  { name: 'SDE Studio graphs', extensions: [...GRAPH_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];

export const SAVE_FILTERS = [
  { name: 'SDE Studio graph', extensions: ['sdegraph'] },
  { name: 'JSON', extensions: ['json'] },
];

export function isGraphPath(path: string): boolean {
  const ext = extname(path).slice(1).toLowerCase();
  return (GRAPH_EXTENSIONS as readonly string[]).includes(ext);
}

/**
 * Graph files named on a command line (the first launch's, or one a second instance forwards):
 * arguments that are not flags and end in a graph extension, resolved against `cwd`.
 */
export function documentsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv.filter((arg) => !arg.startsWith('-') && isGraphPath(arg)).map((arg) => resolve(cwd, arg));
}

/** `ou.sdegraph • — SDE Studio` style title; "Untitled" without a file. */
export function windowTitle(fileName: string | null, dirty: boolean): string {
  return `${fileName ? basename(fileName) : 'Untitled'}${dirty ? ' •' : ''} — SDE Studio`;
}

/**
 * Dialog filters for data files with these extensions (`['.pdb', '.xyz']`): one entry for them
 * all, then All files.
 */
export function dataFileFilters(extensions: readonly string[]): { name: string; extensions: string[] }[] {
  const bare = extensions.map((e) => e.replace(/^\./, ''));
  return [{ name: `Data files (${extensions.join(', ')})`, extensions: bare }, { name: 'All files', extensions: ['*'] }];
}

/** Save-dialog filters for an export named `name`: its own extension, then All files. */
export function exportFilters(name: string): { name: string; extensions: string[] }[] {
  const ext = extname(name).slice(1).toLowerCase();
  return ext ? [{ name: `${ext.toUpperCase()} file`, extensions: [ext] }, { name: 'All files', extensions: ['*'] }] : [{ name: 'All files', extensions: ['*'] }];
}
