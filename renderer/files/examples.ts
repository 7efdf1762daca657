/**
 * The example graphs of assets/examples, bundled as raw text so that opening one and exporting it
 * unchanged gives back the file byte for byte, and the data files next to them (structures,
 * arrays, tables) that their `file` params name, relative to the graph as on disk.
 */
import type { Catalog } from '../../core/graph/catalog.ts';
import { fileRefs } from '../../core/graph/fileRefs.ts';
import { parseGraph } from '../../core/graph/document.ts';
import { CATALOG } from '../catalog.ts';

/** An example graph for the gallery. */
export interface Example {
  /** File name, e.g. `stochastic-lorenz.json`; also the id used in data-testids (without `.json`). */
  file: string;
  slug: string;
  name: string;
  text: string;
  /** Node types it uses, in order, for the gallery card. */
  types: string[];
}

const modules = import.meta.glob('../../assets/examples/*.json', { eager: true, query: '?raw', import: 'default' }) as Record<string, string>;

// Text formats are bundled as text (their bytes are the UTF-8 of it); binary ones (.npy) as a URL
// of their own, fetched when an example that needs one is opened; small models (.onnx, tens of kB)
// inline, as a base64 data URL decoded here (the page's CSP lets it fetch only from 'self').
const TEXT_DATA = import.meta.glob('../../assets/examples/**/*.{pdb,xyz,csv}', { eager: true, query: '?raw', import: 'default' }) as Record<string, string>;
const BINARY_DATA = import.meta.glob('../../assets/examples/**/*.npy', { eager: true, query: '?url&no-inline', import: 'default' }) as Record<string, string>;
const INLINE_DATA = import.meta.glob('../../assets/examples/**/*.onnx', { eager: true, query: '?url&inline', import: 'default' }) as Record<string, string>;
const ROOT = '../../assets/examples/';

/** The bytes of a base64 data URL. */
function dataUrlBytes(url: string): Uint8Array {
  return Uint8Array.from(atob(url.slice(url.indexOf(',') + 1)), (c) => c.charCodeAt(0));
}

/** Loads the bytes of an example's data file by its path relative to assets/examples. */
type DataLoader = () => Promise<Uint8Array>;

/** Every data file shipped with the examples, by path relative to assets/examples (`alpha-helix.pdb`). */
export const EXAMPLE_DATA: ReadonlyMap<string, DataLoader> = new Map<string, DataLoader>([
  ...Object.entries(TEXT_DATA).map(([path, text]): [string, DataLoader] => [path.slice(ROOT.length), async () => new TextEncoder().encode(text)]),
  ...Object.entries(BINARY_DATA).map(([path, url]): [string, DataLoader] => [path.slice(ROOT.length), async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load ${path.slice(ROOT.length)} (HTTP ${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  }]),
  ...Object.entries(INLINE_DATA).map(([path, url]): [string, DataLoader] => [path.slice(ROOT.length), async () => dataUrlBytes(url)]),
]);

export const EXAMPLES: readonly Example[] = Object.entries(modules)
  .map(([path, text]) => {
    const file = path.split('/').at(-1) ?? path;
    const { doc } = parseGraph(text);
    return {
      file,
      slug: file.replace(/\.json$/, ''),
      name: doc?.name ?? file,
      text,
      types: doc?.nodes.map((n) => String(n.type)) ?? [],
    };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

/** `./a/../b.pdb` → `b.pdb`: a relative path as a key of {@link EXAMPLE_DATA}, or undefined when it leaves the folder. */
export function normalizeRelativePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

/**
 * The data files an example's graph names that ship with it, by the path as written in the
 * params. A path with no such file is left out (validation then says the file is not available).
 */
export async function exampleFiles(
  example: Pick<Example, 'text'>,
  data: ReadonlyMap<string, DataLoader> = EXAMPLE_DATA,
  catalog: Catalog = CATALOG,
): Promise<Map<string, Uint8Array>> {
  const { doc } = parseGraph(example.text);
  const files = new Map<string, Uint8Array>();
  if (!doc) return files;
  for (const ref of fileRefs(doc, catalog)) {
    const key = normalizeRelativePath(ref.path);
    const load = key === undefined ? undefined : data.get(key);
    if (load && !files.has(ref.path)) files.set(ref.path, await load());
  }
  return files;
}
