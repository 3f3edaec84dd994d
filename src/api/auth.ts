import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/**
 * Role is what a token may do: `viewer` reads, `operator` also acts (undo, pause, resume,
 * restart), `scrape` only reads `/metrics` (the token a Prometheus scrape job is given).
 */
export type Role = 'viewer' | 'operator' | 'scrape';

/** ROLES lists every role, for config validation. */
export const ROLES = ['viewer', 'operator', 'scrape'] as const satisfies readonly Role[];

/** TokenSpec is one configured bearer token. Store `sha256` (hex) rather than the token where you can. */
export interface TokenSpec {
  readonly subject: string;
  readonly role: Role;
  readonly token?: string;
  readonly sha256?: string;
}

/** Principal is who made a request. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
}

/** AuthPolicy decides who may do what. */
export interface AuthPolicy {
  /** Whether every endpoint but /healthz needs a token: true whenever the API listens beyond loopback. */
  readonly readsNeedToken: boolean;
  /** Whether the API listens on loopback only, so requests must name a loopback host (DNS-rebinding defence). */
  readonly loopbackOnly: boolean;
  /** identify returns the principal of an Authorization header, or null for none/unknown. */
  identify(authorization: string | undefined): Principal | null;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** LOOPBACK holds 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8 (RFC 1122 §3.2.1.3, RFC 4291 §2.5.3). */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** isLoopbackName tells whether a name resolves to loopback by definition: `localhost` and `*.localhost` (RFC 6761 §6.3). */
const isLoopbackName = (name: string): boolean => {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
};

/**
 * isLoopback tells whether a listen host (an address or name, IPv6 optionally in brackets) only
 * accepts local connections. Addresses are parsed, not prefix-matched: `127.attacker.example` is a
 * name, not a loopback address, and is not loopback.
 */
export function isLoopback(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(h);
  if (family === 4) return LOOPBACK.check(h, 'ipv4');
  if (family === 6) return LOOPBACK.check(h, 'ipv6');
  return isLoopbackName(h);
}

/**
 * isLoopbackHostHeader tells whether an HTTP `Host` value (`name[:port]`, `[v6][:port]`) names a
 * loopback host. A page that re-binds its own DNS name to 127.0.0.1 still sends its own name, so
 * refusing other names stops it reading a loopback-only API.
 */
export function isLoopbackHostHeader(hostHeader: string): boolean {
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  return m !== null && isLoopback(m[1]!);
}

/**
 * authPolicy builds the policy: reads are open on loopback and need a token elsewhere;
 * operator actions always need an operator token. Tokens are compared by SHA-256 digest in
 * constant time, so a token's value is never kept in plain text after start-up.
 */
export function authPolicy(options: { readonly host: string; readonly tokens: readonly TokenSpec[] }): AuthPolicy {
  const digests = options.tokens.map((t) => ({ subject: t.subject, role: t.role, digest: t.sha256 ? Buffer.from(t.sha256, 'hex') : sha256(t.token ?? '') }));
  const loopback = isLoopback(options.host);
  return {
    readsNeedToken: !loopback,
    loopbackOnly: loopback,
    identify(authorization) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m) return null;
      const presented = sha256(m[1]!);
      for (const d of digests) if (d.digest.length === presented.length && timingSafeEqual(d.digest, presented)) return { subject: d.subject, role: d.role };
      return null;
    },
  };
}
