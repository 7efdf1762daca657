import {
  BOOL, SCALAR, sameShape, sizeOf, type BinaryOp, type IRFunction, type IRNode, type IRParam,
  type TensorType, type UnaryOp, type ValueId,
} from './types.ts';
import type { IRTable } from './types.ts';
import { foldBinary, foldUnary, tableRowIndex } from './fold.ts';

/**
 * Builds an {@link IRFunction} node by node. Identical nodes are shared (common-subexpression
 * elimination by hash-consing), constant subexpressions are folded and zeros, broadcasts, stacks
 * and slices are looked through, so the derivative passes and the lowering of nodes can emit
 * naive code and still get small kernels.
 */
export class IRBuilder {
  private readonly nodes: IRNode[] = [];
  private readonly seen = new Map<string, ValueId>();
  private readonly paramIds: ValueId[] = [];
  /** Tables read by `table_row` nodes, by position (see {@link tableRow}). */
  private readonly tableList: IRTable[] = [];
  private readonly paramList: IRParam[];

  constructor(readonly name: string, params: readonly IRParam[]) {
    this.paramList = [...params];
    params.forEach((p, index) => this.paramIds.push(this.push({ op: 'param', args: [], type: p.type, index })));
  }

  /** The function's inputs so far (those of the constructor, then any {@link addParam}). */
  get params(): readonly IRParam[] {
    return this.paramList;
  }

  /**
   * Appends an input to the function being built and returns its value (e.g. the weights of a
   * trained network that a field reads, bound at run time). Its number is the param count before.
   */
  addParam(name: string, type: TensorType): ValueId {
    if (this.paramList.some((p) => p.name === name)) throw new Error(`IRBuilder '${this.name}': a param named '${name}' exists already`);
    const index = this.paramList.length;
    this.paramList.push({ name, type });
    const id = this.push({ op: 'param', args: [], type, index });
    this.paramIds.push(id);
    return id;
  }

  /** The value of the input named `name`, or undefined when there is none. */
  paramNamed(name: string): ValueId | undefined {
    const i = this.paramList.findIndex((p) => p.name === name);
    return i < 0 ? undefined : this.paramIds[i];
  }

  /** The value of input number `i`. */
  param(i: number): ValueId {
    const id = this.paramIds[i];
    if (id === undefined) throw new Error(`IRBuilder '${this.name}': no param number ${i}`);
    return id;
  }

  /** The node behind a value (for passes that look at what they emitted). */
  node(v: ValueId): IRNode {
    const node = this.nodes[v];
    if (!node) throw new Error(`IRBuilder '${this.name}': value %${v} does not exist`);
    return node;
  }

  typeOf(v: ValueId): TensorType {
    return this.node(v).type;
  }

  shapeOf(v: ValueId): readonly number[] {
    return this.node(v).type.shape;
  }

  /** The constant behind `v`, or undefined when `v` is not a constant. */
  constantValue(v: ValueId): number | undefined {
    const node = this.nodes[v];
    return node?.op === 'const' ? node.value : undefined;
  }

  /** The scalar a `broadcast` repeats (or `v` itself when it is a scalar); undefined otherwise. */
  private uniformValue(v: ValueId): ValueId | undefined {
    const node = this.node(v);
    if (node.op === 'broadcast') return node.args[0];
    return node.type.shape.length === 0 ? v : undefined;
  }

  /** Whether `v` is exactly zero everywhere (a zero constant or zeros of a shape). */
  isZero(v: ValueId): boolean {
    const u = this.uniformValue(v);
    return u !== undefined && this.constantValue(u) === 0;
  }

  constant(value: number): ValueId {
    return this.push({ op: 'const', args: [], type: SCALAR, value });
  }

  /** A constant vector (a stack of constants), e.g. the frequencies of a time embedding. */
  constantVector(values: readonly number[]): ValueId {
    return this.stack(values.map((v) => this.constant(v)));
  }

  /** The scalar `s` repeated to `shape`. */
  broadcast(s: ValueId, shape: readonly number[]): ValueId {
    if (this.shapeOf(s).length !== 0) throw new Error(`IRBuilder: broadcast of non-scalar %${s}`);
    if (shape.length === 0) return s;
    return this.push({ op: 'broadcast', args: [s], type: { dtype: 'f64', shape: [...shape] } });
  }

  zeros(shape: readonly number[]): ValueId {
    return this.broadcast(this.constant(0), shape);
  }

  /** `v` as a value of `shape` (a scalar is broadcast; any other shape must already agree). */
  like(v: ValueId, shape: readonly number[]): ValueId {
    const own = this.shapeOf(v);
    if (sameShape(own, shape)) return v;
    if (own.length === 0) return this.broadcast(v, shape);
    throw new Error(`IRBuilder: cannot use [${own}] as [${shape}]`);
  }

  /** Element i of a vector value (stacks, concats, slices and broadcasts are looked through). */
  index(v: ValueId, i: number): ValueId {
    const node = this.node(v);
    const n = node.type.shape[0];
    if (n === undefined || i < 0 || i >= n) throw new Error(`IRBuilder: index ${i} out of range for %${v}`);
    switch (node.op) {
      case 'stack': return node.args[i];
      case 'broadcast': return node.args[0];
      case 'slice': return this.index(node.args[0], (node.index ?? 0) + i);
      case 'concat': {
        let offset = 0;
        for (const part of node.args) {
          const len = this.shapeOf(part)[0] ?? 1;
          if (i < offset + len) return this.shapeOf(part).length === 0 ? part : this.index(part, i - offset);
          offset += len;
        }
        break;
      }
    }
    return this.push({ op: 'index', args: [v], type: SCALAR, index: i });
  }

  /** The scalars of a vector value. */
  elements(v: ValueId): ValueId[] {
    const n = this.shapeOf(v)[0] ?? 0;
    return Array.from({ length: n }, (_, i) => this.index(v, i));
  }

  stack(values: readonly ValueId[]): ValueId {
    return this.push({ op: 'stack', args: values, type: { dtype: 'f64', shape: [values.length] } });
  }

  /** Scalars and vectors → one vector, in order. */
  concat(parts: readonly ValueId[]): ValueId {
    const length = parts.reduce((n, p) => n + this.lengthOf(p), 0);
    if (parts.length === 1 && this.shapeOf(parts[0]).length === 1) return parts[0];
    // Small pieces become one stack, which every renderer understands and `index` sees through.
    if (parts.every((p) => this.shapeOf(p).length === 0 || this.node(p).op === 'stack')) {
      return this.stack(parts.flatMap((p) => (this.shapeOf(p).length === 0 ? [p] : this.node(p).args)));
    }
    const uniform = parts.map((p) => this.uniformValue(p));
    if (uniform.every((u) => u !== undefined && u === uniform[0])) return this.broadcast(uniform[0] as ValueId, [length]);
    return this.push({ op: 'concat', args: parts, type: { dtype: 'f64', shape: [length] } });
  }

  /** Elements offset .. offset + length - 1 of a vector. */
  slice(v: ValueId, offset: number, length: number): ValueId {
    const node = this.node(v);
    const n = node.type.shape[0];
    if (node.type.shape.length !== 1 || n === undefined || offset < 0 || length < 1 || offset + length > n) {
      throw new Error(`IRBuilder: slice ${offset}+${length} out of range for %${v} of shape [${node.type.shape}]`);
    }
    if (offset === 0 && length === n) return v;
    switch (node.op) {
      case 'stack': return this.stack(node.args.slice(offset, offset + length));
      case 'broadcast': return this.broadcast(node.args[0], [length]);
      case 'slice': return this.slice(node.args[0], (node.index ?? 0) + offset, length);
      case 'concat': {
        const pieces: ValueId[] = [];
        let at = 0;
        for (const part of node.args) {
          const len = this.lengthOf(part);
          const from = Math.max(offset, at);
          const to = Math.min(offset + length, at + len);
          if (from < to) pieces.push(this.shapeOf(part).length === 0 ? part : this.slice(part, from - at, to - from));
          at += len;
        }
        return this.concat(pieces);
      }
    }
    return this.push({ op: 'slice', args: [v], type: { dtype: 'f64', shape: [length] }, index: offset });
  }

  /** A scalar `g` at position i of an otherwise zero vector of length n (adjoint of `index`). */
  oneHot(g: ValueId, i: number, n: number): ValueId {
    const zero = this.constant(0);
    // Short vectors stay stacks (sums of them fold elementwise); long ones are zero runs around g.
    if (n <= 16) return this.stack(Array.from({ length: n }, (_, k) => (k === i ? g : zero)));
    return this.concat([...(i > 0 ? [this.zeros([i])] : []), g, ...(i < n - 1 ? [this.zeros([n - 1 - i])] : [])]);
  }

  /** `g` at offset .. offset + len - 1 of an otherwise zero vector of length n (adjoint of `slice`). */
  pad(g: ValueId, offset: number, n: number): ValueId {
    const len = this.lengthOf(g);
    const before = offset > 0 ? [this.zeros([offset])] : [];
    const after = offset + len < n ? [this.zeros([n - offset - len])] : [];
    return this.concat([...before, g, ...after]);
  }

  unary(op: UnaryOp, a: ValueId): ValueId {
    const c = this.constantValue(a);
    if (c !== undefined) return this.constant(foldUnary(op, c));
    if (op === 'neg' && this.nodes[a]?.op === 'neg') return this.nodes[a].args[0];
    const node = this.node(a);
    if (node.op === 'broadcast') return this.broadcast(this.unary(op, node.args[0]), node.type.shape);
    return this.push({ op, args: [a], type: this.typeOf(a) });
  }

  binary(op: BinaryOp, a: ValueId, b: ValueId): ValueId {
    const sa = this.shapeOf(a);
    const sb = this.shapeOf(b);
    const shape = sa.length >= sb.length ? sa : sb;
    // A broadcast operand acts as its scalar (binary ops broadcast scalars anyway).
    const ua = this.node(a).op === 'broadcast' ? this.node(a).args[0] : a;
    const ub = this.node(b).op === 'broadcast' ? this.node(b).args[0] : b;
    if (ua !== a || ub !== b) return this.like(this.binary(op, ua, ub), shape);
    const ca = this.constantValue(a);
    const cb = this.constantValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(foldBinary(op, ca, cb));
    const simpler = this.simplify(op, a, b, ca, cb);
    if (simpler !== undefined) return this.like(simpler, shape);
    const type: TensorType = op === 'lt' ? { ...BOOL, shape } : { dtype: 'f64', shape };
    return this.push({ op, args: [a, b], type });
  }

  add(a: ValueId, b: ValueId): ValueId { return this.binary('add', a, b); }
  sub(a: ValueId, b: ValueId): ValueId { return this.binary('sub', a, b); }
  mul(a: ValueId, b: ValueId): ValueId { return this.binary('mul', a, b); }
  div(a: ValueId, b: ValueId): ValueId { return this.binary('div', a, b); }
  neg(a: ValueId): ValueId { return this.unary('neg', a); }

  /** Σ a·b over all elements. */
  dot(a: ValueId, b: ValueId): ValueId {
    return this.sum(this.mul(a, b));
  }

  select(cond: ValueId, a: ValueId, b: ValueId): ValueId {
    const shapes = [cond, a, b].map((v) => this.shapeOf(v));
    const shape = shapes.reduce((s, t) => (t.length > s.length ? t : s));
    const c = this.constantValue(cond);
    if (c !== undefined) return this.like(c ? a : b, shape);
    if (a === b) return this.like(a, shape);
    return this.push({ op: 'select', args: [cond, a, b], type: { dtype: this.typeOf(a).dtype, shape: [...shape] } });
  }

  /** Dense matrix [m, k] times vector [k]. */
  matmul(matrix: ValueId, vector: ValueId): ValueId {
    const [m, k] = this.shapeOf(matrix);
    if (m === undefined || k === undefined || this.shapeOf(vector).length !== 1 || this.shapeOf(vector)[0] !== k) {
      throw new Error(`IRBuilder: matmul shapes [${this.shapeOf(matrix)}] x [${this.shapeOf(vector)}] do not agree`);
    }
    if (this.isZero(matrix) || this.isZero(vector)) return this.zeros([m]);
    return this.push({ op: 'matmul', args: [matrix, vector], type: { dtype: 'f64', shape: [m] } });
  }

  /** Transposed product: matrix [m, k] transposed times vector [m] → [k]. */
  matmulT(matrix: ValueId, vector: ValueId): ValueId {
    const [m, k] = this.shapeOf(matrix);
    if (m === undefined || k === undefined || this.shapeOf(vector).length !== 1 || this.shapeOf(vector)[0] !== m) {
      throw new Error(`IRBuilder: matmul_t shapes [${this.shapeOf(matrix)}]ᵀ x [${this.shapeOf(vector)}] do not agree`);
    }
    if (this.isZero(matrix) || this.isZero(vector)) return this.zeros([k]);
    return this.push({ op: 'matmul_t', args: [matrix, vector], type: { dtype: 'f64', shape: [k] } });
  }

  /** Outer product [m] ⊗ [k] → [m, k]. */
  outer(a: ValueId, b: ValueId): ValueId {
    const [m] = this.shapeOf(a);
    const [k] = this.shapeOf(b);
    if (this.shapeOf(a).length !== 1 || this.shapeOf(b).length !== 1 || m === undefined || k === undefined) {
      throw new Error(`IRBuilder: outer needs two vectors, got [${this.shapeOf(a)}] and [${this.shapeOf(b)}]`);
    }
    if (this.isZero(a) || this.isZero(b)) return this.zeros([m, k]);
    return this.push({ op: 'outer', args: [a, b], type: { dtype: 'f64', shape: [m, k] } });
  }

  sum(v: ValueId): ValueId {
    const shape = this.shapeOf(v);
    if (shape.length === 0) return v;
    const node = this.node(v);
    if (node.op === 'broadcast') return this.mul(node.args[0], this.constant(sizeOf(node.type)));
    return this.push({ op: 'sum', args: [v], type: SCALAR });
  }

  /** Draw number `draw` of the function's random stream. */
  random(kind: 'normal' | 'uniform', draw: number): ValueId {
    return this.push({ op: kind === 'normal' ? 'random_normal' : 'random_uniform', args: [], type: SCALAR, index: draw });
  }

  /**
   * Row ⌊row⌋ of `table`, clamped to [0, rows − 1] (NaN → row 0), as a vector of its cols. The
   * table joins the function's `tables` (once per table object, so rows of one table share it).
   */
  tableRow(table: IRTable, row: ValueId): ValueId {
    const { rows, cols, data } = table;
    if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1 || data.length !== rows * cols) {
      throw new Error(`IRBuilder: a table of ${rows} × ${cols} needs that many values and at least one of each, has ${data.length} values`);
    }
    if (this.shapeOf(row).length !== 0) throw new Error(`IRBuilder: table_row index %${row} is not a scalar`);
    const c = this.constantValue(row);
    if (c !== undefined) {
      // A known row is constants, so kernels never convert a literal index (WGSL would at compile time).
      const r = tableRowIndex(c, rows);
      return this.constantVector(Array.from(data.subarray(r * cols, (r + 1) * cols)));
    }
    let k = this.tableList.indexOf(table);
    if (k < 0) k = this.tableList.push(table) - 1;
    return this.push({ op: 'table_row', args: [row], type: { dtype: 'f64', shape: [cols] }, index: k });
  }

  /** Finishes the function; outputs are values of this builder. */
  build(outputs: readonly ValueId[]): IRFunction {
    return { name: this.name, params: [...this.paramList], nodes: [...this.nodes], outputs: [...outputs], ...(this.tableList.length > 0 ? { tables: [...this.tableList] } : {}) };
  }

  private lengthOf(v: ValueId): number {
    const shape = this.shapeOf(v);
    if (shape.length > 1) throw new Error(`IRBuilder: %${v} of shape [${shape}] is not a scalar or vector`);
    return shape[0] ?? 1;
  }

  /** Algebraic identities that keep generated kernels and derivatives short. */
  private simplify(op: BinaryOp, a: ValueId, b: ValueId, ca?: number, cb?: number): ValueId | undefined {
    const na = this.node(a);
    const nb = this.node(b);
    // Sums of short stacks (adjoints of `index`) stay stacks, elementwise.
    if ((op === 'add' || op === 'sub') && na.op === 'stack' && nb.op === 'stack' && na.args.length === nb.args.length && na.args.length <= 16) {
      return this.stack(na.args.map((x, i) => this.binary(op, x, nb.args[i])));
    }
    switch (op) {
      case 'add':
        if (ca === 0) return b;
        if (cb === 0) return a;
        return undefined;
      case 'sub':
        if (cb === 0) return a;
        if (ca === 0) return this.neg(b);
        if (a === b) return this.constant(0);
        return undefined;
      case 'mul':
        if (ca === 0 || cb === 0) return this.constant(0);
        if (ca === 1) return b;
        if (cb === 1) return a;
        if (ca === -1) return this.neg(b);
        if (cb === -1) return this.neg(a);
        return undefined;
      case 'div':
        if (cb === 1) return a;
        if (ca === 0) return this.constant(0);
        return undefined;
      case 'pow':
        if (cb === 1) return a;
        if (cb === 0) return this.constant(1);
        return undefined;
      default:
        return undefined;
    }
  }

  /** Appends a node unless an identical one exists (same op, args and attributes). */
  private push(node: IRNode): ValueId {
    const key = `${node.op}|${node.args.join(',')}|${node.value ?? ''}|${node.index ?? ''}|${node.type.shape.join('x')}`;
    const existing = this.seen.get(key);
    if (existing !== undefined) return existing;
    this.seen.set(key, this.nodes.length);
    this.nodes.push(node);
    return this.nodes.length - 1;
  }
}
