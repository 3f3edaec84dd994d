/**
 * goQuote formats a string as Go's `%q` does: double-quoted, with \a \b \f \n \r \t \v, \\ and \"
 * escaped, other control characters as \x.., and printable Unicode kept as is.
 * Examples: foo → "foo"; a"b → "a\"b"; tab → "\t".
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) out += named;
    else {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += ch;
    }
  }
  return `${out}"`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/**
 * goParseInt reads a base-10 int64 as Go's strconv.ParseInt(s, 10, 64) does, or returns its error
 * text. Examples: "3" → 3; "+3" → 3; "x" → `strconv.ParseInt: parsing "x": invalid syntax`.
 */
export function goParseInt(s: string): { readonly value: number } | { readonly error: string } {
  if (!/^[+-]?\d+$/.test(s)) return { error: `strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return { error: `strconv.ParseInt: parsing ${goQuote(s)}: value out of range` };
  return { value: Number(n) };
}
