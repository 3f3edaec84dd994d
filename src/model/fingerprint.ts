/**
 * Fingerprints of JSON values: equal values (whatever their key order) get equal fingerprints.
 *
 * Why this hash: the pure core may not import `node:crypto`, and a fingerprint only has to tell
 * templates of ONE workload apart (tens to hundreds of values), not resist an attacker. We use a
 * cyrb53-style hash widened to 64 bits: two 32-bit lanes over the UTF-16 code units, each
 * multiplied with `Math.imul` by a different odd constant and cross-mixed at the end
 * (avalanche like MurmurHash3's fmix). It runs at several hundred MB/s in V8, needs no encoding
 * step (so lone surrogates cannot throw), and at 64 bits the chance of a collision among 10^4
 * templates is about 3·10^-12. FNV-1a would be as simple but mixes worse on short inputs.
 */

/**
 * canonicalJson serialises a JSON value with object keys sorted, so that key order never changes
 * the result. `undefined` object fields are dropped (as JSON.stringify does); non-finite numbers
 * become null. Example: canonicalJson({b: 1, a: [true, null]}) → '{"a":[true,null],"b":1}'.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

// One string built by appending (no parts array, no per-key closures): every workload and
// ReplicaSet event fingerprints its template and spec, so this runs on the ingest path.
function write(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? JSON.stringify(v) : 'null';
  }
  if (Array.isArray(v)) {
    const list = v as readonly unknown[];
    let out = '[';
    for (let i = 0; i < list.length; i++) out += i > 0 ? `,${write(list[i])}` : write(list[i]);
    return `${out}]`;
  }
  const obj = v as Readonly<Record<string, unknown>>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const item = obj[k];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${write(item)}`;
    first = false;
  }
  return `${out}}`;
}

/** The two lanes of the hash being computed (hashing is synchronous and never re-entered). */
let lane1 = 0;
let lane2 = 0;

function start(seed: number): void {
  lane1 = 0xdeadbeef ^ seed;
  lane2 = 0x41c6ce57 ^ seed;
}

/** feed hashes the UTF-16 code units of `s` into the lanes. */
function feed(s: string): void {
  let h1 = lane1;
  let h2 = lane2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  lane1 = h1;
  lane2 = h2;
}

function finish(): string {
  let h1 = lane1;
  let h2 = lane2;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return hex64(h2 >>> 0, h1 >>> 0);
}

/**
 * hash64 hashes a string to 16 lowercase hex digits (two 32-bit lanes, cyrb53-style).
 * Example: hash64('a') and hash64('b') differ in about half of their 64 bits.
 */
export function hash64(s: string, seed = 0): string {
  start(seed);
  feed(s);
  return finish();
}

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const hexCodes: number[] = new Array<number>(16).fill(0);

/**
 * hex64 writes two 32-bit lanes as 16 hex digits in one String.fromCharCode call, so the result is
 * one flat string (joining two halves would leave a cons string: 80 bytes instead of 32, kept by
 * every record that holds a fingerprint).
 */
function hex64(hi: number, lo: number): string {
  for (let i = 7; i >= 0; i--) {
    hexCodes[i] = HEX_DIGITS[hi & 15] as number;
    hexCodes[i + 8] = HEX_DIGITS[lo & 15] as number;
    hi >>>= 4;
    lo >>>= 4;
  }
  return String.fromCharCode.apply(null, hexCodes);
}

/**
 * fingerprint is hash64 of canonicalJson: the stable identity of a JSON value. The canonical text
 * is hashed as it is walked, never built (every workload and ReplicaSet event fingerprints its
 * spec and template, and building the text was most of a Deployment's projection).
 */
export function fingerprint(value: unknown): string {
  start(0);
  feedValue(value);
  return finish();
}

/**
 * fingerprintWithout is the fingerprint of a copy of `obj` without the keys in `skip`, made without
 * the copy (a workload's spec is fingerprinted without its template, replicas and paused on every
 * event). Example: fingerprintWithout({a: 1, b: 2}, new Set(['b'])) === fingerprint({a: 1}).
 */
export function fingerprintWithout(obj: Readonly<Record<string, unknown>>, skip: ReadonlySet<string>): string {
  start(0);
  feedObject(obj, skip);
  return finish();
}

/** feedValue hashes canonicalJson(v) piece by piece, as `write` would write it. */
function feedValue(v: unknown): void {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'string') feedString(v);
    else feed(typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? JSON.stringify(v) : 'null');
    return;
  }
  if (Array.isArray(v)) {
    const list = v as readonly unknown[];
    feed('[');
    for (let i = 0; i < list.length; i++) {
      if (i > 0) feed(',');
      feedValue(list[i]);
    }
    feed(']');
    return;
  }
  feedObject(v as Readonly<Record<string, unknown>>, undefined);
}

/** feedObject hashes canonicalJson of `obj` without the keys in `skip`. */
function feedObject(obj: Readonly<Record<string, unknown>>, skip: ReadonlySet<string> | undefined): void {
  const keys = Object.keys(obj).sort();
  feed('{');
  let first = true;
  for (const k of keys) {
    const item = obj[k];
    if (item === undefined || skip?.has(k) === true) continue;
    if (!first) feed(',');
    feedString(k);
    feed(':');
    feedValue(item);
    first = false;
  }
  feed('}');
}

/**
 * feedString hashes JSON.stringify(s): a string JSON.stringify writes as it is between quotes (no
 * quote, backslash, control character or surrogate) is hashed without making that text.
 */
function feedString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      feed(JSON.stringify(s));
      return;
    }
  }
  feed('"');
  feed(s);
  feed('"');
}
