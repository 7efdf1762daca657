import { makeCatalog, type Catalog } from '../core/graph/catalog.ts';
import { DIFFUSIONS } from './diffusions.ts';
import { DRIFTS } from './drifts.ts';
import { SOLVERS } from './solvers.ts';
import { SOURCES } from './sources.ts';
import { DATASET_SOURCES } from './datasets.ts';
import { FILE_SOURCES } from './fileSource.ts';
import { ELASTIC_NETWORK_DRIFTS } from './elasticNetwork.ts';
import { LENNARD_JONES_DRIFTS } from './lennardJones.ts';
import { STRUCTURE_EXPORTS } from './structureExports.ts';
import { STRUCTURE_METRICS } from './structureMetrics.ts';
import { STRUCTURE_SOURCES } from './structureSource.ts';
import { FORWARD_SDES } from './forwardSdes.ts';
import { PREDICTOR_CORRECTOR_SOLVERS } from './predictorCorrector.ts';
import { PROCESSES } from './processes.ts';
import { INTERPOLANTS } from './interpolant.ts';
import { SCORES } from './scores.ts';
import { DISTRIBUTION_METRICS } from './distributionMetrics.ts';
import { LOSSES } from './losses.ts';
import { SCORE_NETWORKS } from './scoreNetwork.ts';
import { TRAINERS } from './trainAdam.ts';
import { ONNX_SCORES } from './scoreOnnx.ts';

/** Every node type this build of SDE Studio knows. */
export const CATALOG: Catalog = makeCatalog([...SOURCES, ...DATASET_SOURCES, ...FILE_SOURCES, ...DRIFTS, ...DIFFUSIONS, ...SOLVERS, ...STRUCTURE_SOURCES, ...ELASTIC_NETWORK_DRIFTS, ...LENNARD_JONES_DRIFTS, ...STRUCTURE_EXPORTS, ...STRUCTURE_METRICS, ...FORWARD_SDES, ...SCORES, ...PROCESSES, ...INTERPOLANTS, ...PREDICTOR_CORRECTOR_SOLVERS, ...DISTRIBUTION_METRICS, ...SCORE_NETWORKS, ...LOSSES, ...TRAINERS, ...ONNX_SCORES]);
