import { createHash, timingSafeEqual } from 'node:crypto';

/** Role is what a token may do: `viewer` reads, `operator` also acts (undo, pause, resume, restart). */
export type Role = 'viewer' | 'operator';

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
  /** Whether reads need a token: true whenever the API listens beyond loopback. */
  readonly readsNeedToken: boolean;
  /** identify returns the principal of an Authorization header, or null for none/unknown. */
  identify(authorization: string | undefined): Principal | null;
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** isLoopback tells whether a listen host only accepts local connections. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/**
 * authPolicy builds the policy: reads are open on loopback and need a viewer token elsewhere;
 * operator actions always need an operator token. Tokens are compared by SHA-256 digest in
 * constant time, so a token's value is never kept in plain text after start-up.
 */
export function authPolicy(options: { readonly host: string; readonly tokens: readonly TokenSpec[] }): AuthPolicy {
  const digests = options.tokens.map((t) => ({ subject: t.subject, role: t.role, digest: t.sha256 ? Buffer.from(t.sha256, 'hex') : sha256(t.token ?? '') }));
  return {
    readsNeedToken: !isLoopback(options.host),
    identify(authorization) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m) return null;
      const presented = sha256(m[1]!);
      for (const d of digests) if (d.digest.length === presented.length && timingSafeEqual(d.digest, presented)) return { subject: d.subject, role: d.role };
      return null;
    },
  };
}
