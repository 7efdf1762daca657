/** A parsed command line: the command, positional arguments and `--flag value` options. */
export interface ParsedArgs {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

/** Thrown for a bad command line; the CLI prints the message and exits 2. */
export class UsageError extends Error {}

/**
 * Parses `COMMAND [ARGS] [--flag value | --flag=value | --switch]`. `switches` are flags without
 * a value; every flag must be in `allowed` for the command, else a UsageError names it.
 */
export function parseArgs(argv: readonly string[], allowed: Record<string, readonly string[]>, switches: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return { command: 'help', positional: [], flags: new Map() };
  const known = allowed[command];
  if (!known) throw new UsageError(`unknown command '${command}'; commands are ${Object.keys(allowed).join(', ')}`);
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq >= 0 ? eq : undefined);
    if (!known.includes(name)) throw new UsageError(`'${command}' has no option --${name}; its options are ${known.map((k) => `--${k}`).join(', ') || '(none)'}`);
    if (switches.includes(name)) { flags.set(name, true); continue; }
    const value = eq >= 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { command, positional, flags };
}

/** A flag as a non-negative integer within [min, max], or undefined when absent. */
export function integerFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${v}'`);
  return n;
}

/** Parses a size such as `2GiB`, `512MiB`, `1e9` (bytes) or `800M`. */
export function sizeFlag(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?(?:e\d+)?)\s*(B|K|KB|KiB|M|MB|MiB|G|GB|GiB|T|TB|TiB)?$/i.exec(v) : null;
  if (!m) throw new UsageError(`--${name} must be a size like 2GiB, 512MiB or a number of bytes, got '${v}'`);
  const unit = (m[2] ?? 'B').toLowerCase().replace('ib', '').replace('b', '') || 'b';
  const scale: Record<string, number> = { b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, '': 1 };
  return Number(m[1]) * (scale[unit] ?? 1);
}
