/**
 * The example graphs of assets/examples, bundled as raw text so that opening one and exporting it
 * unchanged gives back the file byte for byte.
 */
import { parseGraph } from '../../core/graph/document.ts';

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
