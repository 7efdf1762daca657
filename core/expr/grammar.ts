/**
 * Recursive-descent grammar of the expression language.
 *
 *   sum     = product (('+' | '-') product)*
 *   product = unary (('*' | '/') unary)*
 *   unary   = ('-' | '+') unary | power
 *   power   = primary ('^' unary)?          right-associative; `2^-1` parses, `-x^2` is -(x^2)
 *   primary = number | 't' | constant | 'x' '[' digits ']' | function '(' sum (',' sum)* ')' | '(' sum ')'
 *
 * Errors the parse can continue past (unknown names, out-of-range indices, wrong arity) are
 * reported and replaced by a placeholder so the user sees them all; a broken structure throws
 * a SyntaxFailure that ends the parse.
 */
import { functionArity, isFunctionName, type ExprNode, type FunctionName, type ParseOptions } from './ast.ts';
import { join, placeholder, TokenCursor } from './cursor.ts';
import { excerpt, type Token } from './lex.ts';
import { stateRangeText, unknownFunctionMessage, unknownNameMessage } from './names.ts';

/** Deepest nesting of parentheses, signs, powers and calls; deeper input is an error, not a stack overflow. */
export const MAX_NESTING_DEPTH = 200;

/** Parses a token list once; read `errors` after `parseAll`. */
export class Parser extends TokenCursor {
  private depth = 0;
  private readonly constants: ReadonlySet<string>;

  constructor(text: string, tokens: readonly Token[], private readonly options: ParseOptions) {
    super(text, tokens);
    this.constants = new Set(options.constants);
  }

  parseAll(): ExprNode {
    const node = this.parseSum();
    const rest = this.peek();
    if (rest.kind !== 'end') this.unexpectedAfterValue(rest);
    return node;
  }

  private parseSum(): ExprNode {
    let left = this.parseProduct();
    for (let op = this.peek().kind; op === '+' || op === '-'; op = this.peek().kind) {
      this.next();
      const right = this.parseProduct();
      left = { kind: 'binary', op, left, right, span: join(left.span, right.span) };
    }
    return left;
  }

  private parseProduct(): ExprNode {
    let left = this.parseUnary();
    for (let op = this.peek().kind; op === '*' || op === '/'; op = this.peek().kind) {
      this.next();
      const right = this.parseUnary();
      left = { kind: 'binary', op, left, right, span: join(left.span, right.span) };
    }
    return left;
  }

  private parseUnary(): ExprNode {
    const sign = this.peek();
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.fail(`the expression is nested too deeply (more than ${MAX_NESTING_DEPTH} levels of parentheses, signs, powers or calls); simplify it`, this.spanAt(sign));
    }
    let node: ExprNode;
    if (sign.kind === '-' || sign.kind === '+') {
      this.next();
      const arg = this.parseUnary();
      const span = join(sign.span, arg.span);
      node = sign.kind === '-' ? { kind: 'negate', arg, span } : { ...arg, span };
    } else {
      node = this.parsePower();
    }
    this.depth--;
    return node;
  }

  private parsePower(): ExprNode {
    const base = this.parsePrimary();
    const after = this.peek();
    if (after.kind === '[') this.fail(this.indexingMessage(base), after.span);
    if (after.kind !== '^') return base;
    this.next();
    const exponent = this.parseUnary();
    return { kind: 'binary', op: '^', left: base, right: exponent, span: join(base.span, exponent.span) };
  }

  private parsePrimary(): ExprNode {
    const token = this.peek();
    if (token.kind === 'number') {
      this.next();
      return { kind: 'number', value: token.value, span: token.span };
    }
    if (token.kind === 'name') {
      this.next();
      return this.parseName(token);
    }
    if (token.kind === '(') {
      this.next();
      if (this.peek().kind === ')') this.fail("empty parentheses '()'; put an expression inside", join(token.span, this.peek().span));
      const inner = this.parseSum();
      const close = this.peek();
      if (close.kind !== ')') this.unexpectedAfterValue(close, token);
      this.next();
      return { ...inner, span: join(token.span, close.span) };
    }
    const previous = this.position > 0 ? this.tokens[this.position - 1] : undefined;
    if (token.kind === 'end' && previous) {
      this.fail(`the expression ends right after '${previous.text}'; add a value after it`, previous.span);
    }
    const where = previous ? `after '${previous.text}'` : 'at the start';
    this.fail(`expected a value ${where} but found '${token.text}'; a value is a number, x[i], t, a constant, a function call or an expression in parentheses`, this.spanAt(token));
  }


  private indexingMessage(node: ExprNode): string {
    if (node.kind === 'constant') return `'${node.name}' is a constant, not a list; only the state x can be indexed, as x[0]`;
    if (node.kind === 'time') return "'t' is time, a single number; only the state x can be indexed, as x[0]";
    if (node.kind === 'state') return `x[${node.index}] is already one component; index x once, as x[0]`;
    return 'only the state x can be indexed, as x[0]';
  }

  private parseName(token: Token): ExprNode {
    const name = token.text;
    const calling = this.peek().kind === '(';
    if (name === 'x') return this.parseState(token);
    if (calling && isFunctionName(name)) return this.parseCall(token, name);
    if (calling) {
      const multiply = `to multiply write ${excerpt(name)}*(...)`;
      if (name === 't') this.report(`'t' is time, not a function; ${multiply}`, token.span);
      else if (this.constants.has(name)) this.report(`'${name}' is a constant, not a function; ${multiply}`, token.span);
      else this.report(unknownFunctionMessage(name), token.span);
      return this.parseCall(token, undefined);
    }
    if (name === 't') return { kind: 'time', span: token.span };
    if (this.constants.has(name)) return { kind: 'constant', name, span: token.span };
    if (isFunctionName(name)) {
      const example = functionArity(name) === 1 ? `${name}(x[0])` : `${name}(a, b)`;
      this.report(`'${name}' is a function; call it with parentheses, as ${example}`, token.span);
    } else {
      this.report(unknownNameMessage(name, this.options), token.span);
    }
    return placeholder(token.span);
  }

  /** `name(...)`, with `name` the current-minus-one token; `fn` is undefined when the name was already reported. */
  private parseCall(name: Token, fn: FunctionName | undefined): ExprNode {
    const open = this.next();
    const args: ExprNode[] = [];
    if (this.peek().kind !== ')') {
      args.push(this.parseSum());
      while (this.peek().kind === ',') {
        this.next();
        args.push(this.parseSum());
      }
      if (this.peek().kind !== ')') this.unexpectedAfterValue(this.peek(), open);
    }
    const span = join(name.span, this.next().span);
    if (fn === undefined) return placeholder(span);
    const arity = functionArity(fn);
    if (args.length !== arity) {
      const usage = arity === 1 ? `1 argument, as ${fn}(x[0])` : `2 arguments, as ${fn}(a, b)`;
      this.report(`${fn} takes ${usage}, but got ${args.length === 0 ? 'none' : args.length}`, span);
      return placeholder(span);
    }
    return { kind: 'call', fn, args, span };
  }

  /** After `x`: exactly `[digits]` with the index below the dimension. */
  private parseState(x: Token): ExprNode {
    const open = this.peek();
    if (open.kind === '(') {
      this.report("'x' is the state vector, not a function; use one component, as x[0]", x.span);
      return this.parseCall(x, undefined);
    }
    const valid = stateRangeText(this.options.dimension);
    if (open.kind !== '[') {
      this.report(`'x' is the whole state; use one component, as x[0] (valid: ${valid})`, x.span);
      return placeholder(x.span);
    }
    this.next();
    const close = this.matchingBracket();
    if (close === -1) this.fail("'[' is never closed; add ']', as in x[0]", open.span);
    const first = this.tokens[this.position];
    if (close === this.position) this.fail(`'x[]' needs an index, as x[0] (valid: ${valid})`, join(x.span, first.span));
    const inside = join(first.span, this.tokens[close - 1].span);
    const written = excerpt(this.text.slice(inside.start, inside.end));
    if (close !== this.position + 1 || first.kind !== 'number' || !/^[0-9]+$/.test(first.text)) {
      const negative = first.kind === '-' ? '; indices start at 0' : '';
      this.fail(`the index of x must be a whole number written in digits, as x[0]; '${written}' is not${negative} (valid: ${valid})`, inside);
    }
    this.position = close + 1;
    const span = join(x.span, this.tokens[close].span);
    const index = Number(first.text);
    if (index >= this.options.dimension) {
      const count = this.options.dimension === 1 ? '1 component' : `${this.options.dimension} components`;
      this.report(`'x[${written}]' is out of range: the state has ${count}, ${valid}`, span);
      return placeholder(span);
    }
    return { kind: 'state', index, span };
  }
}
