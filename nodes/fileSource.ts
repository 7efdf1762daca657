/**
 * `source.file`: initial states drawn from the rows of a data table in a file (.npy, CSV or
 * whitespace-separated text), e.g. samples of a data distribution to integrate forward or to train
 * a score network on. The table travels with the sampler's IR (`IRFunction.tables`) and is read
 * with the `table_row` op, so the CPU and WebGPU backends draw the same rows for the same seed.
 *
 * Row choice: row ⌊u · rows⌋ for uniform draw 0 of the particle's init stream (normal draws
 * 0 … d − 1 are the noise). u comes from one 32-bit Philox word, so rows are equally likely to
 * within rows / 2^32 (relative); the GPU forms u · rows in float32, so a particle whose u lies
 * within float32 rounding (~1e-7) of a boundary k / rows may pick the neighbouring row there.
 */
import { NodeInputError, type NodeContext, type Params, type SourceDefinition } from '../core/graph/catalog.ts';
import { readTable, TableFormatError } from '../core/io/table.ts';
import type { IRTable } from '../core/ir/types.ts';
import { DISTRIBUTION_OUT } from './ports.ts';

/**
 * Most columns (the state dimension): the fused kernels unroll every component of the state into
 * straight-line code per step, so a wider state makes kernels that take minutes to compile and
 * exhaust GPU registers. Wider data wants a projection first (e.g. PCA to fewer components).
 */
export const MAX_FILE_COLUMNS = 10_000;

/**
 * Most rows: the GPU picks the row from a float32 uniform, and integers above 2^24 are not all
 * float32 numbers, so larger tables could not have every row drawn.
 */
export const MAX_FILE_ROWS = 2 ** 24;

/**
 * Most values (rows × cols): 2^25 float32 are 128 MiB, WebGPU's default largest storage buffer
 * (the CPU holds them as float64, 256 MiB).
 */
export const MAX_FILE_VALUES = 2 ** 25;

/** The extensions the `file` param accepts (readTable picks the format by the extension). */
const EXTENSIONS = ['.npy', '.csv', '.txt'];

export const fileSource: SourceDefinition = {
  role: 'source', type: 'source.file', title: 'Data from file',
  doc: 'Initial states drawn from the rows of a table in a file (.npy: a 2-D array [rows, cols] or a 1-D array as one column; '
    + '.csv or .txt: one row per line, numbers separated by commas, semicolons, tabs or spaces, an optional header row). '
    + 'Each particle takes row ⌊u · rows⌋ for a uniform draw u (with replacement), plus noise · N(0, I). The number of columns is the state dimension.',
  inputs: [], outputs: [DISTRIBUTION_OUT],
  params: [
    {
      name: 'file', kind: 'file', default: '', extensions: EXTENSIONS,
      doc: `A .npy, .csv or .txt table of finite numbers, relative to the graph file: one sample per row, one state component per column (at most ${MAX_FILE_COLUMNS} columns, ${MAX_FILE_ROWS} rows and ${MAX_FILE_VALUES} numbers).`,
    },
    {
      // 'in_order' (particle p takes row p mod rows) needs the particle's index inside the IR,
      // which has no op for it yet; until it does, random is the only choice.
      name: 'sampling', kind: 'enum', default: 'random', options: ['random'],
      doc: 'How a particle picks its row. random: row ⌊u · rows⌋ for a uniform draw u of the particle\'s init stream, so rows repeat (sampling with replacement). '
        + '(Taking the rows in order, particle p → row p mod rows, is not offered yet: the kernels do not see the particle index.)',
    },
    { name: 'noise', kind: 'number', default: 0, min: 0, doc: 'Standard deviation of independent Gaussian noise added to every component (0: the rows exactly).' },
  ],
  resolve: (p, ctx) => loadTable(p, ctx),
  dimension: (_p, ctx) => (isTable(ctx?.value) ? ctx.value.cols : undefined),
  sample: (p, b, dims, ctx) => {
    const table = ctx.value;
    if (!isTable(table)) throw new NodeInputError(`file '${String(p.file)}' is not loaded; it is read relative to the graph file`, 'file');
    // u ∈ (0, 1), so u · rows ∈ (0, rows); table_row floors it and clamps the rare u = 1 of float32.
    const row = b.tableRow(table, b.mul(b.random('uniform', 0), b.constant(table.rows)));
    const noise = p.noise as number;
    return Array.from({ length: dims }, (_, j) => {
      const x = b.index(row, j);
      return noise > 0 ? b.add(x, b.mul(b.constant(noise), b.random('normal', j))) : x;
    });
  },
};

/** True for what `loadTable` returns (a resolved value is `unknown` to the catalog). */
function isTable(v: unknown): v is IRTable {
  return typeof v === 'object' && v !== null && (v as Partial<IRTable>).data instanceof Float64Array;
}

/** Reads and checks the table a source's `file` names; NodeInputError (on `file`) for every problem. */
function loadTable(p: Params, ctx: NodeContext): IRTable {
  const path = p.file as string;
  const bytes = ctx.file(path);
  const fail = (message: string): never => { throw new NodeInputError(message, 'file'); };
  if (!bytes) return fail(`file '${path}' is not loaded; it is read relative to the graph file`);
  if (bytes.length === 0) return fail(`'${path}' is empty; it needs at least one row of numbers`);
  if (!path.toLowerCase().endsWith('.npy')) {
    // Valid UTF-8 can still be binary (NUL and other control bytes); say so rather than "not a number".
    const control = bytes.findIndex((c) => c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c);
    if (control >= 0) fail(`'${path}' looks like a binary file (byte ${control} is the control character 0x${bytes[control].toString(16).padStart(2, '0')}); save the table as plain text (CSV) or as .npy`);
  }
  let table: { data: Float64Array; rows: number; cols: number };
  try {
    table = readTable(bytes, path);
  } catch (e) {
    if (e instanceof TableFormatError) return fail(`cannot read '${path}': ${e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message}`);
    throw e;
  }
  const { rows, cols, data } = table;
  if (cols > MAX_FILE_COLUMNS) fail(`'${path}' has ${cols} columns; at most ${MAX_FILE_COLUMNS} are supported (each column is a state component); reduce the dimension first, e.g. with PCA`);
  if (rows > MAX_FILE_ROWS) fail(`'${path}' has ${rows} rows; at most ${MAX_FILE_ROWS} (2^24) are supported; subsample the data`);
  if (rows * cols > MAX_FILE_VALUES) fail(`'${path}' has ${rows} × ${cols} = ${rows * cols} numbers; at most ${MAX_FILE_VALUES} (2^25, 128 MiB as float32 on the GPU) are supported; subsample the rows`);
  return { rows, cols, data };
}

export const FILE_SOURCES = [fileSource];
