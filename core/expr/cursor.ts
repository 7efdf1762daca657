/**
 * The parser's token cursor and its error plumbing: where it is, how it fails, and the
 * messages for a token that cannot follow a complete value.
 */
import type { ExprError, ExprNode, Span } from './ast.ts';
import { excerpt, type Token } from './lex.ts';

/** At most this many errors are returned. */
export const MAX_ERRORS = 20;

const COMMA_MESSAGE = "',' is only allowed between function arguments, as in max(a, b)";

/** Thrown for an error the parser cannot continue past; caught in parseExpression. */
export class SyntaxFailure {
  constructor(readonly error: ExprError) {}
}

/** The span from the start of `first` to the end of `last`. */
export function join(first: Span, last: Span): Span {
  return { start: first.start, end: last.end };
}

/** Stands in for a node that had an error, so the parse can go on and find the next one. */
export function placeholder(span: Span): ExprNode {
  return { kind: 'number', value: Number.NaN, span };
}

function startsValue(token: Token): boolean {
  return token.kind === 'number' || token.kind === 'name' || token.kind === '(';
}

/** Walks the token list; the last token is always `end`, and `next` never moves past it. */
export class TokenCursor {
  /** Errors the parse continued past, in the order found. */
  readonly errors: ExprError[] = [];
  protected position = 0;

  constructor(
    protected readonly text: string,
    protected readonly tokens: readonly Token[],
  ) {}

  protected peek(): Token {
    return this.tokens[this.position];
  }

  protected next(): Token {
    const token = this.tokens[this.position];
    if (token.kind !== 'end') this.position++;
    return token;
  }

  /** The span to blame at `token`: the end token has none, so blame the last real token. */
  protected spanAt(token: Token): Span {
    return token.kind === 'end' && this.position > 0 ? this.tokens[this.position - 1].span : token.span;
  }

  protected fail(message: string, span: Span): never {
    throw new SyntaxFailure({ message, span });
  }

  protected report(message: string, span: Span): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ message, span });
  }

  /** A value was complete but `found` cannot follow it (inside the bracket `open`, if any). */
  protected unexpectedAfterValue(found: Token, open?: Token): never {
    if (found.kind === 'end' && open) {
      this.fail(`'${open.text}' is never closed; add '${open.kind === '[' ? ']' : ')'}'`, open.span);
    }
    if (startsValue(found)) {
      this.fail(`missing operator before '${excerpt(found.text)}'; put + - * / or ^ between two values`, found.span);
    }
    if (found.kind === ',') this.fail(COMMA_MESSAGE, found.span);
    if (found.kind === ')' || found.kind === ']') {
      const opener = found.kind === ')' ? '(' : '[';
      this.fail(`unmatched '${found.text}': there is no '${opener}' for it to close; remove it`, found.span);
    }
    this.fail(`unexpected '${found.text}'`, this.spanAt(found));
  }

  /** Position of the `]` closing the `[` just consumed, or -1. */
  protected matchingBracket(): number {
    let open = 1;
    for (let i = this.position; i < this.tokens.length; i++) {
      const kind = this.tokens[i].kind;
      if (kind === '[') open++;
      if (kind === ']' && --open === 0) return i;
    }
    return -1;
  }
}
