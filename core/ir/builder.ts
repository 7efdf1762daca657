import {
  BOOL, SCALAR, type BinaryOp, type IRFunction, type IRNode, type IRParam,
  type TensorType, type UnaryOp, type ValueId,
} from './types.ts';
import { foldBinary, foldUnary } from './fold.ts';

/**
 * Builds an {@link IRFunction} node by node. Identical nodes are shared (common-subexpression
 * elimination by hash-consing) and constant subexpressions are folded, so the derivative pass
 * and the lowering of nodes can emit naive code and still get small kernels.
 */
export class IRBuilder {
  private readonly nodes: IRNode[] = [];
  private readonly seen = new Map<string, ValueId>();
  private readonly paramIds: ValueId[] = [];

  constructor(readonly name: string, readonly params: readonly IRParam[]) {
    params.forEach((p, index) => this.paramIds.push(this.push({ op: 'param', args: [], type: p.type, index })));
  }

  /** The value of input number `i`. */
  param(i: number): ValueId {
    const id = this.paramIds[i];
    if (id === undefined) throw new Error(`IRBuilder '${this.name}': no param number ${i}`);
    return id;
  }

  typeOf(v: ValueId): TensorType {
    const node = this.nodes[v];
    if (!node) throw new Error(`IRBuilder '${this.name}': value %${v} does not exist`);
    return node.type;
  }

  /** The constant behind `v`, or undefined when `v` is not a constant. */
  constantValue(v: ValueId): number | undefined {
    const node = this.nodes[v];
    return node?.op === 'const' ? node.value : undefined;
  }

  constant(value: number): ValueId {
    return this.push({ op: 'const', args: [], type: SCALAR, value });
  }

  /** Element i of a vector value (a `stack` is looked through). */
  index(v: ValueId, i: number): ValueId {
    const node = this.nodes[v];
    const n = this.typeOf(v).shape[0];
    if (n === undefined || i < 0 || i >= n) throw new Error(`IRBuilder: index ${i} out of range for %${v}`);
    if (node?.op === 'stack') return node.args[i];
    return this.push({ op: 'index', args: [v], type: SCALAR, index: i });
  }

  /** The scalars of a vector value. */
  elements(v: ValueId): ValueId[] {
    const n = this.typeOf(v).shape[0] ?? 0;
    return Array.from({ length: n }, (_, i) => this.index(v, i));
  }

  stack(values: readonly ValueId[]): ValueId {
    return this.push({ op: 'stack', args: values, type: { dtype: 'f64', shape: [values.length] } });
  }

  unary(op: UnaryOp, a: ValueId): ValueId {
    const c = this.constantValue(a);
    if (c !== undefined) return this.constant(foldUnary(op, c));
    if (op === 'neg' && this.nodes[a]?.op === 'neg') return this.nodes[a].args[0];
    return this.push({ op, args: [a], type: this.typeOf(a) });
  }

  binary(op: BinaryOp, a: ValueId, b: ValueId): ValueId {
    const ca = this.constantValue(a);
    const cb = this.constantValue(b);
    if (ca !== undefined && cb !== undefined) return this.constant(foldBinary(op, ca, cb));
    const simpler = this.simplify(op, a, b, ca, cb);
    if (simpler !== undefined) return simpler;
    const shape = this.typeOf(a).shape.length >= this.typeOf(b).shape.length ? this.typeOf(a).shape : this.typeOf(b).shape;
    const type: TensorType = op === 'lt' ? { ...BOOL, shape } : { dtype: 'f64', shape };
    return this.push({ op, args: [a, b], type });
  }

  add(a: ValueId, b: ValueId): ValueId { return this.binary('add', a, b); }
  sub(a: ValueId, b: ValueId): ValueId { return this.binary('sub', a, b); }
  mul(a: ValueId, b: ValueId): ValueId { return this.binary('mul', a, b); }
  div(a: ValueId, b: ValueId): ValueId { return this.binary('div', a, b); }
  neg(a: ValueId): ValueId { return this.unary('neg', a); }

  select(cond: ValueId, a: ValueId, b: ValueId): ValueId {
    const c = this.constantValue(cond);
    if (c !== undefined) return c ? a : b;
    if (a === b) return a;
    return this.push({ op: 'select', args: [cond, a, b], type: this.typeOf(a) });
  }

  /** Dense matrix [m, k] times vector [k]. */
  matmul(matrix: ValueId, vector: ValueId): ValueId {
    const [m, k] = this.typeOf(matrix).shape;
    if (m === undefined || k === undefined || this.typeOf(vector).shape[0] !== k) {
      throw new Error(`IRBuilder: matmul shapes [${this.typeOf(matrix).shape}] x [${this.typeOf(vector).shape}] do not agree`);
    }
    return this.push({ op: 'matmul', args: [matrix, vector], type: { dtype: 'f64', shape: [m] } });
  }

  sum(v: ValueId): ValueId {
    return this.push({ op: 'sum', args: [v], type: SCALAR });
  }

  /** Draw number `draw` of the function's random stream. */
  random(kind: 'normal' | 'uniform', draw: number): ValueId {
    return this.push({ op: kind === 'normal' ? 'random_normal' : 'random_uniform', args: [], type: SCALAR, index: draw });
  }

  /** Finishes the function; outputs are values of this builder. */
  build(outputs: readonly ValueId[]): IRFunction {
    return { name: this.name, params: this.params, nodes: [...this.nodes], outputs: [...outputs] };
  }

  /** Algebraic identities that keep generated kernels and derivatives short. */
  private simplify(op: BinaryOp, a: ValueId, b: ValueId, ca?: number, cb?: number): ValueId | undefined {
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
