/** TypeName is a `TYPE/NAME` argument split into its parts, both still unchecked. */
export interface TypeName {
  readonly type: string;
  readonly name: string;
}

/**
 * splitTypeName reads kubectl's `TYPE/NAME` form, given as one argument or as two (`TYPE NAME`);
 * undefined when the arguments have any other shape (a part empty, extra slashes or arguments).
 * Examples: ["deploy/web"] → {deploy, web}; ["sts", "db"] → {sts, db}; ["a/b", "c"] → undefined.
 */
export function splitTypeName(args: readonly string[]): TypeName | undefined {
  const [first = '', second] = args;
  const slash = first.indexOf('/');
  const [type, name] = second !== undefined && slash < 0 ? [first, second] : [first.slice(0, Math.max(0, slash)), first.slice(slash + 1)];
  if (args.length > 2 || (second !== undefined && slash >= 0) || type === '' || name === '' || name.includes('/')) return undefined;
  return { type, name };
}
