import { makeCatalog, type Catalog } from '../core/graph/catalog.ts';
import { DIFFUSIONS } from './diffusions.ts';
import { DRIFTS } from './drifts.ts';
import { SOLVERS } from './solvers.ts';
import { SOURCES } from './sources.ts';

/** Every node type this build of SDE Studio knows. */
export const CATALOG: Catalog = makeCatalog([...SOURCES, ...DRIFTS, ...DIFFUSIONS, ...SOLVERS]);
