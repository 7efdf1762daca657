/**
 * A reader for numeric tables in delimited text: one row per line, one number per cell.
 *
 * Accepted: comma, semicolon, tab or whitespace separators (detected from the first line that
 * has content); an optional header row (the first row, when one of its cells is text that is not
 * a number, see `isHeader`);
 * fields in double quotes ("" inside quotes is a quote); LF, CRLF or CR line ends; blank lines;
 * comments from '#' (outside quotes) to the end of the line; a UTF-8 byte-order mark.
 *
 * Refused, with the line and column (1-based; a column is a cell, not a character): rows with
 * another number of cells than the first, empty cells, cells that are not numbers, NaN and
 * infinities (including numbers too large for a float64), a quote left open at the end of a line,
 * and a file without data rows. A table read in silently wrong is worse than an error.
 */

/** A problem with a table file; the message says where (file, line, column) and what is wrong. */
export class TableFormatError extends Error {
  override name = 'TableFormatError';
  constructor(
    message: string,
    /** Where the problem is, when it is at one place (1-based line and column). */
    readonly where: { file?: string; line?: number; column?: number } = {},
  ) {
    super(message);
  }
}

/** What `readCsv` returns: the cells row by row, and the header's names when the file has one. */
export interface CsvTable {
  /** rows × cols numbers in row-major order. */
  data: Float64Array;
  rows: number;
  cols: number;
  /** The names of the header row, one per column, when the first row is a header. */
  header?: string[];
}

/** Options of {@link readCsv}. */
export interface CsvOptions {
  /** The file name, put at the start of every error message. */
  file?: string;
}

type Separator = ',' | ';' | '\t' | 'whitespace';

/** A number in the usual decimal or exponent notation; anything else is not a number here. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Spellings of NaN and infinities (NumPy, pandas, R, Julia), refused by name rather than as text. */
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Reads a numeric table from text.
 *
 * @throws TableFormatError naming the line and column of the first problem
 * @example readCsv('x,y\n1,2\n3,4\n') // { data: [1, 2, 3, 4], rows: 2, cols: 2, header: ['x', 'y'] }
 */
export function readCsv(text: string, options: CsvOptions = {}): CsvTable {
  const { file } = options;
  const fail = (message: string, line?: number, column?: number): never => {
    const at = line === undefined ? '' : column === undefined ? `line ${line}: ` : `line ${line}, column ${column}: `;
    throw new TableFormatError(`${file ? `${file}: ` : ''}${at}${message}`, { file, line, column });
  };
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
  let separator: Separator | undefined;
  let header: string[] | undefined;
  let headerLine = 0;
  let cols = 0;
  let firstRowLine = 0;
  const values: number[] = [];
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    separator ??= detectSeparator(lines[index]);
    if (separator === undefined) continue; // blank or comment line before any content
    const fields = splitFields(lines[index], separator, (message, column) => fail(message, lineNo, column));
    if (fields.length === 0) continue;
    if (header === undefined && cols === 0 && isHeader(fields)) {
      header = fields;
      headerLine = lineNo;
      continue;
    }
    const row = cols === 0 ? 1 : values.length / cols + 1;
    if (cols === 0) {
      cols = fields.length;
      firstRowLine = lineNo;
      if (header !== undefined && header.length !== cols) {
        fail(`row 1 has ${cols} value${cols === 1 ? '' : 's'} but the header (line ${headerLine}) has ${header.length} name${header.length === 1 ? '' : 's'}`, lineNo);
      }
    } else if (fields.length !== cols) {
      fail(`row ${row} has ${fields.length} value${fields.length === 1 ? '' : 's'} but row 1 (line ${firstRowLine}) has ${cols}`, lineNo);
    }
    fields.forEach((field, j) => values.push(parseCell(field, (message) => fail(message, lineNo, j + 1))));
  }
  if (cols === 0) fail(`the file has no data rows${header ? ` (only a header, on line ${headerLine})` : ''}`);
  const table: CsvTable = { data: Float64Array.from(values), rows: values.length / cols, cols };
  if (header) table.header = header;
  return table;
}

/**
 * Whether the first row is a header: some cell is text that is not a number (an empty cell alone
 * does not make a header, so "1,,2" is reported as a row with an empty cell), or only the first
 * cell is empty, as in the header pandas writes with the index (",x,y" or ",0,1").
 */
function isHeader(fields: readonly string[]): boolean {
  if (fields.some((f) => f !== '' && !NUMBER.test(f) && !NON_FINITE.test(f))) return true;
  return fields.length > 1 && fields[0] === '' && fields.slice(1).every((f) => f !== '');
}

/** One cell as a finite number, or a message saying what it is instead. */
function parseCell(text: string, fail: (message: string) => never): number {
  if (text === '') return fail('the cell is empty; every cell needs a number');
  if (NON_FINITE.test(text)) return fail(`'${text}' is not a finite number`);
  if (!NUMBER.test(text)) return fail(`'${clip(text)}' is not a number`);
  const value = Number(text);
  return Number.isFinite(value) ? value : fail(`'${clip(text)}' is not a finite number (too large for a float64)`);
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/**
 * The separator of a file, from its first line with content (undefined for a blank or comment
 * line): the most frequent of ',', ';' and tab outside quotes (ties in that order), else whitespace.
 */
function detectSeparator(line: string): Separator | undefined {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let content = false;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '#') break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
    if (ch !== ' ' && ch !== '\t') content = true;
  }
  if (!content) return undefined;
  const best = ([',', ';', '\t'] as const).reduce((a, b) => (counts[b] > counts[a] ? b : a));
  return counts[best] > 0 ? best : 'whitespace';
}

/**
 * Splits one line into fields, dropping a '#' comment. With a delimiter, a line with content has
 * one more field than delimiters (so "1,,2" has an empty middle field); spaces around fields are
 * trimmed. With whitespace, runs of spaces and tabs separate fields. `fail` gets a 1-based column.
 */
function splitFields(line: string, separator: Separator, fail: (message: string, column: number) => never): string[] {
  const fields: string[] = [];
  const whitespace = separator === 'whitespace';
  const isBlank = (ch: string) => ch === ' ' || (ch === '\t' && separator !== '\t');
  const atEnd = (k: number) => k >= line.length || line[k] === '#';
  const skipBlanks = (k: number) => { while (k < line.length && isBlank(line[k])) k++; return k; };
  let i = skipBlanks(0);
  if (atEnd(i)) return fields;
  for (;;) {
    const column = fields.length + 1;
    let text = '';
    const quoted = line[i] === '"';
    if (quoted) {
      for (i++; ; i++) {
        if (i >= line.length) fail('a quoted field is not closed on its line (add the closing ")', column);
        if (line[i] !== '"') text += line[i];
        else if (line[i + 1] === '"') { text += '"'; i++; }
        else break;
      }
      i++; // the closing quote
    } else {
      const start = i;
      while (!atEnd(i) && !isBlank(line[i]) && line[i] !== separator) i++;
      text = line.slice(start, i);
    }
    fields.push(text);
    const afterField = i;
    i = skipBlanks(i);
    if (atEnd(i)) break;
    if (whitespace) {
      if (i === afterField) fail(`unexpected '${line[i]}' after the closing quote; separate fields with spaces`, column);
      continue;
    }
    if (line[i] !== separator) {
      // Spaces inside an unquoted field ("1 2,3"): keep them in the text, so the cell is reported whole.
      if (quoted) fail(`unexpected '${line[i]}' after the closing quote`, column);
      while (!atEnd(i) && line[i] !== separator) i++;
      fields[fields.length - 1] = line.slice(afterField - text.length, i).replace(/[ \t]+$/, '');
      if (atEnd(i)) break;
    }
    i = skipBlanks(i + 1); // past the separator
    // A separator at the end of the content leaves one more (empty) field.
    if (atEnd(i)) { fields.push(''); break; }
  }
  return fields;
}
