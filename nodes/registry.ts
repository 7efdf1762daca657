import { makeCatalog, type Catalog } from '../core/graph/catalog.ts';
import { DIFFUSIONS } from './diffusions.ts';
import { DRIFTS } from './drifts.ts';
import { SOLVERS } from './solvers.ts';
import { SOURCES } from './sources.ts';
import { DATASET_SOURCES } from './datasets.ts';

/** Every node type this build of SDE Studio knows. */
export const CATALOG: Catalog = makeCatalog([...SOURCES, ...DATASET_SOURCES, ...DRIFTS, ...DIFFUSIONS, ...SOLVERS]);
