import { err, ok, type Result } from '../../lib/result.ts';

/**
 * Conditions of an analysis metric: a small expression language over the measured value.
 *   result >= 0.99
 *   result <= stable * 1.5 + 0.05 && result < 1
 * Names: `result` (the canary's value) and `stable` (the same query for the stable track, or the
 * baseline with --baseline). Numbers, + - * /, parentheses, comparisons (< <= > >= == !=), !, &&
 * and ||. Evaluation is three-valued: when an operand a comparison needs is missing or NaN the
 * comparison is unknown, and an unknown condition makes the measurement inconclusive — never a
 * pass. Hand-written (about 100 lines) rather than a general expression library: the grammar is
 * tiny, must be checked when the analysis file is loaded, and must never run arbitrary code.
 */

type Node =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'var'; readonly name: 'result' | 'stable' }
  | { readonly t: 'bin'; readonly op: string; readonly a: Node; readonly b: Node }
  | { readonly t: 'not'; readonly a: Node };

/** Condition is a parsed condition: its source text and the names it uses. */
export interface Condition {
  readonly text: string;
  readonly usesStable: boolean;
  readonly ast: Node;
}

const TOKEN = /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|result|stable|&&|\|\||<=|>=|==|!=|[-+*/()<>!])/y;

function tokenize(text: string): Result<string[], string> {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) return err(`unexpected ${JSON.stringify(text.slice(pos).trim().slice(0, 12))} at column ${pos + 1} (names: result, stable)`);
    out.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  return ok(out);
}

/** parseCondition parses and checks a condition; the error says where it went wrong. */
export function parseCondition(text: string): Result<Condition, string> {
  const toks = tokenize(text);
  if (!toks.ok) return toks;
  const ts = toks.value;
  let i = 0;
  const peek = (): string | undefined => ts[i];
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at token ${i + 1}${ts[i] === undefined ? ' (end)' : ` (${JSON.stringify(ts[i])})`}`);
  };
  const binary = (next: () => Node, ops: readonly string[]) => (): Node => {
    let a = next();
    while (ops.includes(peek() ?? '')) {
      const op = ts[i++]!;
      a = { t: 'bin', op, a, b: next() };
    }
    return a;
  };
  const primary = (): Node => {
    const tk = ts[i];
    if (tk === undefined) return fail('expected a value');
    if (tk === '(') {
      i++;
      const e = or();
      if (ts[i] !== ')') fail('expected )');
      i++;
      return e;
    }
    if (tk === '!') {
      i++;
      return { t: 'not', a: primary() };
    }
    if (tk === '-') {
      i++;
      return { t: 'bin', op: '-', a: { t: 'num', v: 0 }, b: primary() };
    }
    if (tk === 'result' || tk === 'stable') {
      i++;
      return { t: 'var', name: tk };
    }
    if (/^\d/.test(tk)) {
      i++;
      return { t: 'num', v: Number(tk) };
    }
    return fail('expected a number, result, stable or (');
  };
  const mul = binary(primary, ['*', '/']);
  const add = binary(mul, ['+', '-']);
  const cmp = binary(add, ['<', '<=', '>', '>=', '==', '!=']);
  const and = binary(cmp, ['&&']);
  const or = binary(and, ['||']);
  try {
    const ast = or();
    if (i < ts.length) fail('unexpected extra input');
    if (!isBoolean(ast)) return err(`${JSON.stringify(text)} is not a comparison (e.g. result >= 0.99)`);
    return ok({ text, usesStable: uses(ast, 'stable'), ast });
  } catch (e) {
    return err(`${JSON.stringify(text)}: ${(e as Error).message}`);
  }
}

const BOOL_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', '&&', '||']);
function isBoolean(n: Node): boolean {
  return n.t === 'not' || (n.t === 'bin' && BOOL_OPS.has(n.op));
}
function uses(n: Node, name: string): boolean {
  if (n.t === 'var') return n.name === name;
  if (n.t === 'not') return uses(n.a, name);
  if (n.t === 'bin') return uses(n.a, name) || uses(n.b, name);
  return false;
}

/** Values are the operands: null (or NaN) when there was no data. */
export interface Values {
  readonly result: number | null;
  readonly stable: number | null;
}

type V = number | boolean | null;

function ev(n: Node, vals: Values): V {
  switch (n.t) {
    case 'num':
      return n.v;
    case 'var': {
      const v = vals[n.name];
      return v === null || Number.isNaN(v) ? null : v;
    }
    case 'not': {
      const a = ev(n.a, vals);
      return a === null ? null : !a;
    }
    case 'bin': {
      const a = ev(n.a, vals);
      const b = ev(n.b, vals);
      // Kleene logic: false && unknown = false, true || unknown = true
      if (n.op === '&&') return a === false || b === false ? false : a === null || b === null ? null : true;
      if (n.op === '||') return a === true || b === true ? true : a === null || b === null ? null : false;
      if (a === null || b === null) return null;
      const x = Number(a);
      const y = Number(b);
      switch (n.op) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return y === 0 ? null : x / y;
        case '<': return x < y;
        case '<=': return x <= y;
        case '>': return x > y;
        case '>=': return x >= y;
        case '==': return x === y;
        default: return x !== y;
      }
    }
  }
}

/** evaluate is true, false, or null when it cannot be decided without data. */
export function evaluate(c: Condition, vals: Values): boolean | null {
  const v = ev(c.ast, vals);
  return v === null ? null : Boolean(v);
}
