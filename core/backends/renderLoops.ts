import { isBinaryOp, isElementaryUnaryOp, isUnaryOp, sizeOf, type IRFunction, type IRNode, type IROp } from '../ir/types.ts';
import { ACTIVATIONS, IDENTIFIER, renderScalarFunction, type Dialect, type LoopSpelling, type ScalarBindings, type ScalarValue } from './renderScalar.ts';

/**
 * The loop renderer: IR → statements of a dialect with vectors and matrices held in arrays and
 * every tensor op a loop, for functions that hold networks (a 3×128 MLP is ~50k multiply-adds:
 * straight-line code of that size is never optimised by V8 and blows up WGSL compilers).
 *
 * Storage: vectors of at most `unroll` elements stay scalar locals, as in renderScalar.ts; larger
 * ones live in the kernel's scratch array (allocated once per kernel or worker in JavaScript, a
 * private `array<f32, N>` per invocation in WGSL) at offsets fixed here, reused once a value is
 * dead; weight params are read in place from a flat read-only array (the kernel's weights) at
 * offsets fixed at compile time, so their values never enter the source. Loops of at most
 * `unroll` iterations are written out. Outputs come back as scalar locals, so a kernel can inline
 * the next function (reusing the scratch) while it still uses them.
 *
 * Sums run in the interpreter's order (from 0, by increasing index), so float64 results equal
 * core/ir/interpret.ts up to the dialect's elementary functions.
 */

/** Inputs of a function rendered with loops: scalars as in the scalar renderer, weights as arrays. */
export interface LoopBindings extends ScalarBindings {
  /** The scratch array's name (an identifier fixed by the kernel generator); the function uses [0, scratch) of it. */
  scratch: string;
  /** Params read from a flat array (weights): where param `param` starts; undefined: bound in `params`. */
  arrays?: (param: number) => { array: string; offset: number } | undefined;
}

/** Options of {@link renderLoopFunction}. */
export interface LoopOptions {
  /** Vectors and loops up to this length are written out element by element (default 4; 0: every vector is an array). */
  unroll?: number;
}

/** What {@link renderLoopFunction} produced. */
export interface LoopRendering {
  lines: string[];
  /** Scalarised outputs (locals, literals or weight reads): safe to use after the scratch is reused. */
  outputs: ScalarValue[];
  /** Elements of the scratch array it uses (its size must be at least this). */
  scratch: number;
}

/** Ops the scalar renderer has no rendering for. */
const LOOP_ONLY_OPS: ReadonlySet<IROp> = new Set<IROp>(['concat', 'slice', 'broadcast', 'matmul_t', 'outer']);
/** Sums of at least this many terms use four partial sums (see accumulate). */
const PARTIAL_SUMS_FROM = 16;
/** Scalar elements beyond which straight-line code stops being reasonable. */
const BIG_FUNCTION = 20_000;

/**
 * Whether a function goes to the loop renderer: it has matrix params (a network's weights), an
 * op only loops render, or too many elements for straight-line code. Everything else keeps the
 * scalar renderer (and its golden kernels).
 */
export function needsLoops(fn: IRFunction): boolean {
  return fn.params.some((p) => p.type.shape.length === 2)
    || fn.nodes.some((n) => LOOP_ONLY_OPS.has(n.op))
    || fn.nodes.reduce((s, n) => s + sizeOf(n.type), 0) > BIG_FUNCTION;
}

/** An index into an array: a number known now, or a source expression (a loop variable). */
type Ix = number | string;

/** A value while rendering: a scalar expression, a few scalar expressions, or a run of an array. */
type LoopValue =
  | { kind: 'scalar'; expr: string }
  | { kind: 'elements'; elems: string[] }
  /** `owned`: in the scratch (freed when dead; element reads that outlive it are copied to locals). */
  | { kind: 'array'; array: string; offset: number; size: number; owned: boolean; bool: boolean };

/** First-fit allocator of scratch ranges; `top` is the high-water mark. */
class ScratchAllocator {
  private readonly free: { start: number; size: number }[] = [];
  top = 0;

  alloc(size: number): number {
    const k = this.free.findIndex((b) => b.size >= size);
    if (k < 0) {
      this.top += size;
      return this.top - size;
    }
    const block = this.free[k];
    if (block.size === size) this.free.splice(k, 1);
    else this.free[k] = { start: block.start + size, size: block.size - size };
    return block.start;
  }

  release(start: number, size: number): void {
    this.free.push({ start, size });
    this.free.sort((a, b) => a.start - b.start);
    for (let k = this.free.length - 1; k > 0; k--) {
      const [a, b] = [this.free[k - 1], this.free[k]];
      if (a.start + a.size === b.start) this.free.splice(k - 1, 2, { start: a.start, size: a.size + b.size });
    }
  }
}

/**
 * Renders `fn` with loops (see the module comment). `prefix` keeps the locals of several inlined
 * copies apart and must be an identifier chosen by the kernel generator, never user text.
 */
export function renderLoopFunction(fn: IRFunction, bindings: LoopBindings, prefix: string, d: Dialect, options: LoopOptions = {}): LoopRendering {
  const L: LoopSpelling | undefined = d.loops;
  if (!L) throw new Error(`render (${d.name}): the dialect has no loop spellings`);
  if (!IDENTIFIER.test(prefix) || !IDENTIFIER.test(bindings.scratch)) throw new Error(`render (${d.name}): bad prefix '${prefix}' or scratch '${bindings.scratch}'`);
  const unroll = options.unroll ?? 4;
  const lines: string[] = [];
  const scratch = new ScratchAllocator();
  const S = bindings.scratch;

  // Index arithmetic, folded where both sides are known.
  const spell = (ix: Ix) => (typeof ix === 'number' ? L.index(ix) : ix);
  const add = (a: Ix, b: Ix): Ix => (typeof a === 'number' && typeof b === 'number' ? a + b : a === 0 ? b : b === 0 ? a : `${spell(a)} + ${spell(b)}`);
  const mul = (a: Ix, n: number): Ix => (typeof a === 'number' ? a * n : n === 1 ? a : `${a} * ${L.index(n)}`);
  const read = (v: LoopValue, ix: Ix): string => {
    if (v.kind === 'scalar') return v.expr;
    if (v.kind === 'elements') {
      if (typeof ix !== 'number') throw new Error(`render (${d.name}): internal error: loop over written-out elements`);
      return v.elems[ix];
    }
    const e = `${v.array}[${spell(add(v.offset, ix))}]`;
    return v.bool ? L.loadBool(e) : e;
  };
  /** `body` for each index 0 … n − 1: written out up to `unroll`, else a loop over `v`. */
  const each = (n: number, v: string, body: (ix: Ix) => void) => {
    if (n <= unroll) {
      for (let k = 0; k < n; k++) body(k);
      return;
    }
    lines.push(L.forLoop(v, n));
    const start = lines.length;
    body(v);
    indentFrom(start);
    lines.push('}');
  };
  const indentFrom = (start: number) => {
    for (let k = start; k < lines.length; k++) lines[k] = `  ${lines[k]}`;
  };

  // Only values that reach an output are rendered (fields share params with dead branches).
  const live = new Array<boolean>(fn.nodes.length).fill(false);
  for (const o of fn.outputs) live[o] = true;
  for (let i = fn.nodes.length - 1; i >= 0; i--) if (live[i]) for (const a of fn.nodes[i].args) live[a] = true;
  const lastUse = new Array<number>(fn.nodes.length).fill(-1);
  fn.nodes.forEach((n, i) => { if (live[i]) for (const a of n.args) lastUse[a] = i; });
  for (const o of fn.outputs) lastUse[o] = Infinity;

  const values: LoopValue[] = [];
  const name = (i: number, k?: number | string) => (k === undefined ? `${prefix}${i}` : `${prefix}${i}_${k}`);
  const declare = (nm: string, expr: string) => {
    lines.push(d.declare(nm, expr));
    return nm;
  };
  /** A new value of node i, of n elements computed by `element(ix, temp)`. */
  const produce = (i: number, node: IRNode, element: (ix: Ix, temp: (expr: string) => string) => string): LoopValue => {
    const n = sizeOf(node.type);
    const tempOf = (ix: Ix) => (expr: string) => declare(name(i, typeof ix === 'number' ? `t${ix}` : 't'), expr);
    if (n === 1) return { kind: 'scalar', expr: declare(name(i), element(0, tempOf(0))) };
    if (n <= unroll) return { kind: 'elements', elems: Array.from({ length: n }, (_, k) => declare(name(i, k), element(k, tempOf(k)))) };
    const out = newArray(n, node.type.dtype === 'bool');
    each(n, 'li', (ix) => lines.push(`${S}[${spell(add(out.offset, ix))}] = ${out.bool ? L.storeBool(element(ix, tempOf(ix))) : element(ix, tempOf(ix))};`));
    return out;
  };
  const newArray = (n: number, bool = false): LoopValue & { kind: 'array' } => ({ kind: 'array', array: S, offset: scratch.alloc(n), size: n, owned: true, bool });
  /** Element k of v as an expression that stays valid after v's scratch is reused. */
  const stable = (i: number, v: LoopValue, k: number, tag: string): string => (v.kind === 'array' && v.owned ? declare(name(i, `${tag}${k}`), read(v, k)) : read(v, k));
  /** Copies the scalars `elems` into a new array. */
  const materialise = (elems: readonly string[]): LoopValue => {
    const out = newArray(elems.length);
    elems.forEach((e, k) => lines.push(`${S}[${L.index(out.offset + k)}] = ${e};`));
    return out;
  };
  /** Stores value v (n elements) into array `out` from element `at`. */
  const copyInto = (out: LoopValue & { kind: 'array' }, at: number, v: LoopValue, n: number) => {
    each(n, 'lj', (ix) => lines.push(`${S}[${spell(add(out.offset + at, ix))}] = ${read(v, ix)};`));
  };

  fn.nodes.forEach((node, i) => {
    if (!live[i]) {
      values.push({ kind: 'scalar', expr: 'undefined' });
      return;
    }
    const args = node.args.map((a) => values[a]);
    const n = sizeOf(node.type);
    values.push(renderNode(i, node, args, n));
    // Scratch of args that die here goes back to the pool.
    for (const a of new Set(node.args)) {
      const v = values[a];
      if (lastUse[a] === i && v.kind === 'array' && v.owned) scratch.release(v.offset, v.size);
    }
  });

  function renderNode(i: number, node: IRNode, args: LoopValue[], n: number): LoopValue {
    switch (node.op) {
      case 'const': return { kind: 'scalar', expr: d.number(node.value ?? 0) };
      case 'param': {
        const k = node.index ?? -1;
        const arr = bindings.arrays?.(k);
        if (arr) {
          if (!IDENTIFIER.test(arr.array) || !Number.isSafeInteger(arr.offset) || arr.offset < 0) throw new Error(`render (${d.name}): bad array binding '${arr.array}' + ${arr.offset}`);
          const v: LoopValue = { kind: 'array', array: arr.array, offset: arr.offset, size: n, owned: false, bool: false };
          return n === 1 ? { kind: 'scalar', expr: read(v, 0) } : v;
        }
        const bound = bindings.params[k];
        if (!bound) throw new Error(`render (${d.name}): param ${k} of ${fn.name} is not bound`);
        if (bound.length !== n && bound.length !== 1) throw new Error(`render (${d.name}): param ${k} of ${fn.name} is bound to ${bound.length} values, expected ${n}`);
        if (n === 1) return { kind: 'scalar', expr: bound[0] };
        return n <= unroll ? { kind: 'elements', elems: [...bound] } : materialise(bound);
      }
      case 'index': {
        const v = args[0];
        return { kind: 'scalar', expr: v.kind === 'array' && v.owned ? declare(name(i), read(v, node.index ?? 0)) : read(v, node.index ?? 0) };
      }
      case 'stack': {
        const elems = args.map((a) => read(a, 0));
        if (n === 1) return { kind: 'scalar', expr: elems[0] };
        return n <= unroll ? { kind: 'elements', elems } : materialise(elems);
      }
      case 'concat': {
        if (n <= unroll) {
          const elems = args.flatMap((a, q) => Array.from({ length: sizeOf(fn.nodes[node.args[q]].type) }, (_, k) => stable(i, a, k, `c${q}_`)));
          return n === 1 ? { kind: 'scalar', expr: elems[0] } : { kind: 'elements', elems };
        }
        const out = newArray(n);
        let at = 0;
        args.forEach((a, q) => {
          const size = sizeOf(fn.nodes[node.args[q]].type);
          copyInto(out, at, a, size);
          at += size;
        });
        return out;
      }
      case 'slice': {
        const from = node.index ?? 0;
        const v = args[0];
        if (n <= unroll) {
          const elems = Array.from({ length: n }, (_, k) => stable(i, v, from + k, 's'));
          return n === 1 ? { kind: 'scalar', expr: elems[0] } : { kind: 'elements', elems };
        }
        if (v.kind === 'array' && !v.owned) return { ...v, offset: v.offset + from, size: n };
        const out = newArray(n);
        each(n, 'li', (ix) => lines.push(`${S}[${spell(add(out.offset, ix))}] = ${read(v, add(from, ix))};`));
        return out;
      }
      case 'broadcast': return produce(i, node, () => read(args[0], 0));
      case 'select': return produce(i, node, (ix) => d.select(read(args[0], ix), read(args[1], ix), read(args[2], ix)));
      case 'random_normal': case 'random_uniform': {
        if (!bindings.random) throw new Error(`render (${d.name}): ${fn.name} draws random numbers but no stream is bound`);
        return { kind: 'scalar', expr: declare(name(i), bindings.random(node.op === 'random_normal' ? 'normal' : 'uniform', node.index ?? 0)) };
      }
      case 'table_row': {
        const table = fn.tables?.[node.index ?? -1];
        if (!table) throw new Error(`render (${d.name}): ${fn.name} reads table ${node.index}, which it does not have`);
        if (!bindings.tables) throw new Error(`render (${d.name}): ${fn.name} reads a table but no table array is bound`);
        const { array, offset } = bindings.tables(node.index ?? 0);
        if (!IDENTIFIER.test(array) || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`render (${d.name}): bad table binding '${array}' + ${offset}`);
        const start = declare(name(i, 'row'), d.tableRowStart(read(args[0], 0), table.rows, table.cols, offset));
        return produce(i, node, (ix) => (typeof ix === 'number' ? d.tableElement(array, start, ix) : `${array}[${start} + ${ix}]`));
      }
      case 'sum': {
        const v = args[0];
        const size = sizeOf(fn.nodes[node.args[0]].type);
        return { kind: 'scalar', expr: accumulate(name(i), size, 'li', (ix) => read(v, ix)) };
      }
      case 'matmul': case 'matmul_t': {
        // matmul: out[r] = Σ_c W[r, c] v[c]; matmul_t: out[c] = Σ_r W[r, c] v[r].
        const [m, k] = fn.nodes[node.args[0]].type.shape;
        const [W, v] = args;
        const entry = node.op === 'matmul'
          ? (out: Ix, inner: Ix) => `${read(W, add(mul(out, k), inner))} * ${read(v, inner)}`
          : (out: Ix, inner: Ix) => `${read(W, add(mul(inner, k), out))} * ${read(v, inner)}`;
        const inner = node.op === 'matmul' ? k : m;
        if (n <= unroll) {
          const elems = Array.from({ length: n }, (_, r) => accumulate(name(i, r), inner, 'lj', (c) => entry(r, c)));
          return n === 1 ? { kind: 'scalar', expr: elems[0] } : { kind: 'elements', elems };
        }
        const out = newArray(n);
        each(n, 'li', (r) => {
          const acc = accumulate(typeof r === 'number' ? name(i, r) : name(i, 'acc'), inner, 'lj', (c) => entry(r, c));
          lines.push(`${S}[${spell(add(out.offset, r))}] = ${acc};`);
        });
        return out;
      }
      case 'outer': {
        const [a, b] = args;
        const [m, k] = node.type.shape;
        if (n <= unroll) return produce(i, node, (ix) => `${read(a, Math.floor((ix as number) / k))} * ${read(b, (ix as number) % k)}`);
        const out = newArray(n);
        each(m, 'li', (r) => each(k, 'lj', (c) => lines.push(`${S}[${spell(add(out.offset, add(mul(r, k), c)))}] = ${read(a, r)} * ${read(b, c)};`)));
        return out;
      }
      default:
        if (isElementaryUnaryOp(node.op)) {
          const f = d.unary[node.op];
          return produce(i, node, (ix) => f(read(args[0], ix)));
        }
        if (isUnaryOp(node.op)) {
          const f = ACTIVATIONS[node.op];
          return produce(i, node, (ix, temp) => f(d, read(args[0], ix), temp));
        }
        if (isBinaryOp(node.op)) {
          const f = d.binary[node.op];
          return produce(i, node, (ix) => f(read(args[0], ix), read(args[1], ix)));
        }
        throw new Error(`render (${d.name}): op '${String(node.op)}' has no rendering`);
    }
  }

  /**
   * Σ term(c) for c = 0 … size − 1 from 0, as the interpreter sums: written out up to `unroll`
   * terms (one declaration), else an accumulator `nm` and a loop over `v`. Long sums (network
   * layers) use four partial sums, so the adds need not wait on each other (about twice as fast in
   * V8); their order then differs from the interpreter's by reassociation only. Returns the local.
   */
  function accumulate(nm: string, size: number, v: string, term: (ix: Ix) => string): string {
    if (size <= unroll) return declare(nm, `(${[d.number(0), ...Array.from({ length: size }, (_, c) => term(c))].join(' + ')})`);
    const zero = d.number(0);
    if (size < PARTIAL_SUMS_FROM) {
      lines.push(L!.mutable(nm, zero), L!.forLoop(v, size), `  ${nm} = ${nm} + ${term(v)};`, '}');
      return nm;
    }
    const parts = [nm, `${nm}_1`, `${nm}_2`, `${nm}_3`];
    const whole = size - (size % 4);
    lines.push(...parts.map((p) => L!.mutable(p, zero)), L!.forLoop(v, whole, 4));
    parts.forEach((p, q) => lines.push(`  ${p} = ${p} + ${term(add(v, q))};`));
    lines.push('}', `${nm} = (${nm} + ${parts[1]}) + (${parts[2]} + ${parts[3]});`);
    for (let c = whole; c < size; c++) lines.push(`${nm} = ${nm} + ${term(c)};`);
    return nm;
  }

  const outputs = fn.outputs.map((o, j): ScalarValue => {
    const v = values[o];
    const size = sizeOf(fn.nodes[o].type);
    if (v.kind === 'scalar') return [v.expr];
    if (v.kind === 'elements') return v.elems;
    return Array.from({ length: size }, (_, k) => (v.owned ? declare(`${prefix}o${j}_${k}`, read(v, k)) : read(v, k)));
  });
  return { lines, outputs, scratch: scratch.top };
}

/**
 * Renders `fn` with whichever renderer suits it ({@link needsLoops}); the scalar renderer needs
 * no scratch. For kernels that inline both kinds of fields.
 */
export function renderAnyFunction(fn: IRFunction, bindings: LoopBindings, prefix: string, d: Dialect, options: LoopOptions = {}): LoopRendering {
  if (needsLoops(fn)) return renderLoopFunction(fn, bindings, prefix, d, options);
  return { ...renderScalarFunction(fn, bindings, prefix, d), scratch: 0 };
}
