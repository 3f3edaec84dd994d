import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TrackerError } from '../lib/errors.ts';

/**
 * Connection settings for one kubeconfig context, read the way kubectl (client-go's clientcmd) reads
 * them. Written here rather than taken from @kubernetes/client-node because loading that package's
 * KubeConfig costs ~0.7 s of start-up (it imports the whole generated API), which every `wait` in a
 * CI pipeline and every `kubectl rollscope` call would pay. Covered:
 * - files: --kubeconfig, else every file in $KUBECONFIG (merged: the first file to define a name wins,
 *   current-context from the first file that sets one), else ~/.kube/config, else in-cluster;
 * - clusters: server, certificate-authority(-data), insecure-skip-tls-verify, tls-server-name,
 *   disable-compression;
 * - users: token, tokenFile, client-certificate(-data), client-key(-data), username/password, and
 *   exec credential plugins (client.authentication.k8s.io v1 and v1beta1, cached until expiry);
 * - in-cluster: KUBERNETES_SERVICE_HOST/PORT with the service account's token (re-read as it rotates),
 *   CA and namespace.
 * Legacy `auth-provider` users (gcp, azure, oidc) are passed to client-node, loaded only then.
 * Relative file paths are resolved against the kubeconfig file that names them, as clientcmd does.
 */

/** KubeConfigOptions chooses where the connection settings come from. */
export interface KubeConfigOptions {
  /** A kubeconfig file. If unset: $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
  readonly kubeconfig?: string;
  /** The context to use. If unset, the file's current-context. */
  readonly context?: string;
  /** Environment to read ($KUBECONFIG, $HOME, KUBERNETES_SERVICE_*). If unset, process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory of the in-cluster service account files. Default /var/run/secrets/kubernetes.io/serviceaccount. */
  readonly serviceAccountDir?: string;
}

/** TlsSettings are the TLS options of the connection (PEM text, not paths). */
export interface TlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureSkipVerify: boolean;
  readonly serverName?: string;
}

/** Credentials are what one request presents: headers, and client certificates from an exec plugin. */
export interface Credentials {
  readonly headers: Readonly<Record<string, string>>;
  readonly cert?: string;
  readonly key?: string;
}

/**
 * ClusterAccess is one resolved context: where the API server is, how to reach it and who we are.
 * `credentials()` may run an exec plugin or read a rotated token file, so it is async; it never logs
 * the secret it returns.
 */
export interface ClusterAccess {
  /** The server URL without a trailing slash, e.g. https://10.0.0.1:6443. */
  readonly server: string;
  /** The context's name ("in-cluster" inside a pod). */
  readonly contextName: string;
  /** The context's namespace, else the service account's namespace in a pod, else "default". */
  readonly namespace: string;
  /** Where the settings came from, for error messages: a file path or "in-cluster". */
  readonly source: string;
  readonly tls: TlsSettings;
  /**
   * The cluster's `disable-compression: true` (clientcmd's Cluster.DisableCompression, client-go
   * 1.26+): requests do not ask for gzip-compressed answers (see transport.ts). If unset, they do.
   */
  readonly disableCompression?: boolean;
  credentials(): Promise<Credentials>;
}

type Doc = Record<string, unknown>;
const rec = (v: unknown): Doc => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Doc) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

interface Named {
  readonly value: Doc;
  /** Directory of the file that defined the entry (relative paths resolve against it). */
  readonly dir: string;
}

interface Merged {
  readonly clusters: Map<string, Named>;
  readonly users: Map<string, Named>;
  readonly contexts: Map<string, Named>;
  currentContext: string | undefined;
  readonly files: string[];
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function configError(message: string, subject: string, hint: string, cause?: unknown): TrackerError {
  return new TrackerError('CONFIG_INVALID', message, { subject, hint, ...(cause === undefined ? {} : { cause }) });
}

function readKubeconfigFile(path: string, into: Merged, text?: string): void {
  let doc: Doc;
  try {
    doc = rec(parseYaml(text ?? readFileSync(path, 'utf8')));
  } catch (cause) {
    throw configError(`cannot read kubeconfig ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, path, 'pass --kubeconfig with a readable kubeconfig file', cause);
  }
  const dir = dirname(path);
  const add = (list: unknown, key: string, map: Map<string, Named>): void => {
    for (const entry of arr(list)) {
      const name = str(rec(entry).name);
      if (name !== undefined && !map.has(name)) map.set(name, { value: rec(rec(entry)[key]), dir });
    }
  };
  add(doc.clusters, 'cluster', into.clusters);
  add(doc.users, 'user', into.users);
  add(doc.contexts, 'context', into.contexts);
  into.currentContext ??= str(doc['current-context']);
  into.files.push(path);
}

/** kubeconfigFiles lists the files to merge, in precedence order, as kubectl chooses them. */
function kubeconfigFiles(options: KubeConfigOptions, env: Readonly<Record<string, string | undefined>>): string[] {
  if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) throw configError(`kubeconfig ${options.kubeconfig} does not exist`, options.kubeconfig, 'pass --kubeconfig with the path of an existing kubeconfig file');
    return [options.kubeconfig];
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) return fromEnv.filter((p) => existsSync(p));
  const home = env.HOME ?? homedir();
  const file = join(home, '.kube', 'config');
  return existsSync(file) ? [file] : [];
}

/** loadKubeConfig resolves the connection settings (see the file comment). Throws CONFIG_INVALID naming the file or context. */
export function loadKubeConfig(options: KubeConfigOptions = {}): ClusterAccess {
  const env = options.env ?? process.env;
  const files = kubeconfigFiles(options, env);
  if (files.length === 0) {
    const inCluster = inClusterAccess(env, options.serviceAccountDir ?? SA_DIR);
    if (inCluster !== undefined) return inCluster;
    throw configError('no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a cluster', 'kubeconfig', 'pass --kubeconfig, set KUBECONFIG, or run inside a pod with a service account');
  }
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, files: [] };
  for (const f of files) readKubeconfigFile(f, merged);
  return resolveContext(merged, files, options.context);
}

/** kubeConfigFromYaml resolves a kubeconfig given as text (relative paths resolve against `baseDir`, default the working directory). */
export function kubeConfigFromYaml(text: string, options: { readonly context?: string; readonly baseDir?: string } = {}): ClusterAccess {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, files: [] };
  const path = join(options.baseDir ?? process.cwd(), '(inline kubeconfig)');
  readKubeconfigFile(path, merged, text);
  return resolveContext(merged, [], options.context);
}

function resolveContext(merged: Merged, files: readonly string[], wanted: string | undefined): ClusterAccess {
  const source = merged.files.join(delimiter);
  const contextName = wanted ?? merged.currentContext;
  if (contextName === undefined) throw configError(`the kubeconfig ${source} sets no current-context`, source, `pass --context (one of: ${[...merged.contexts.keys()].join(', ') || 'none'})`);
  const context = merged.contexts.get(contextName);
  if (context === undefined)
    throw configError(`context ${contextName} is not in the kubeconfig ${source}`, `context ${contextName}`, `choose one of: ${[...merged.contexts.keys()].join(', ') || '(none)'}`);
  const clusterName = str(context.value.cluster) ?? '';
  const cluster = merged.clusters.get(clusterName);
  const server = str(cluster?.value.server);
  if (cluster === undefined || server === undefined)
    throw configError(`context ${contextName} names cluster ${clusterName || '(none)'}, which has no server in ${source}`, `context ${contextName}`, 'fix the clusters section of the kubeconfig');
  const user = merged.users.get(str(context.value.user) ?? '') ?? { value: {}, dir: cluster.dir };
  const tls: TlsSettings = {
    insecureSkipVerify: cluster.value['insecure-skip-tls-verify'] === true,
    ...pem('ca', cluster.value['certificate-authority-data'], cluster.value['certificate-authority'], cluster.dir, contextName),
    ...pem('cert', user.value['client-certificate-data'], user.value['client-certificate'], user.dir, contextName),
    ...pem('key', user.value['client-key-data'], user.value['client-key'], user.dir, contextName),
    ...(str(cluster.value['tls-server-name']) === undefined ? {} : { serverName: str(cluster.value['tls-server-name'])! }),
  };
  const namespace = str(context.value.namespace) ?? 'default';
  return {
    server: server.replace(/\/+$/, ''),
    contextName,
    namespace,
    source,
    tls,
    ...(cluster.value['disable-compression'] === true ? { disableCompression: true } : {}),
    credentials: userCredentials(user, { server, contextName, source, insecure: tls.insecureSkipVerify, ...(tls.ca === undefined ? {} : { ca: tls.ca }) }, files, wanted),
  };
}

/** pem reads inline base64 data, else a file (relative to the kubeconfig that names it). */
function pem(field: 'ca' | 'cert' | 'key', data: unknown, file: unknown, dir: string, context: string): Partial<Record<'ca' | 'cert' | 'key', string>> {
  const inline = str(data);
  if (inline !== undefined) return { [field]: Buffer.from(inline, 'base64').toString('utf8') };
  const path = str(file);
  if (path === undefined) return {};
  const full = isAbsolute(path) ? path : join(dir, path);
  try {
    return { [field]: readFileSync(full, 'utf8') };
  } catch (cause) {
    throw configError(`context ${context}: cannot read ${full}: ${cause instanceof Error ? cause.message : String(cause)}`, full, 'fix the path in the kubeconfig, or inline the data with the -data field', cause);
  }
}

interface ExecCluster {
  readonly server: string;
  readonly contextName: string;
  readonly source: string;
  readonly insecure: boolean;
  readonly ca?: string;
}

function userCredentials(user: Named, cluster: ExecCluster, files: readonly string[], context: string | undefined): () => Promise<Credentials> {
  const u = user.value;
  const token = str(u.token);
  if (token !== undefined) return () => Promise.resolve({ headers: { Authorization: `Bearer ${token}` } });
  const tokenFile = str(u.tokenFile);
  if (tokenFile !== undefined) return rotatingToken(isAbsolute(tokenFile) ? tokenFile : join(user.dir, tokenFile), cluster.contextName);
  const username = str(u.username);
  if (username !== undefined) {
    const basic = Buffer.from(`${username}:${str(u.password) ?? ''}`).toString('base64');
    return () => Promise.resolve({ headers: { Authorization: `Basic ${basic}` } });
  }
  if (Object.keys(rec(u.exec)).length > 0) return execCredentials(rec(u.exec), user.dir, cluster);
  if (Object.keys(rec(u['auth-provider'])).length > 0) return clientNodeCredentials(files, context);
  return () => Promise.resolve({ headers: {} });
}

/** rotatingToken re-reads a token file at most once a minute (bound service-account tokens rotate; client-go does the same). */
function rotatingToken(path: string, context: string): () => Promise<Credentials> {
  let cached: { token: string; at: number } | undefined;
  return () => {
    const now = performance.now();
    if (cached === undefined || now - cached.at > 60_000) {
      try {
        cached = { token: readFileSync(path, 'utf8').trim(), at: now };
      } catch (cause) {
        return Promise.reject(new TrackerError('KUBE_UNAUTHORIZED', `context ${context}: cannot read token file ${path}`, { subject: path, hint: 'check the tokenFile path and its permissions', cause }));
      }
    }
    return Promise.resolve({ headers: { Authorization: `Bearer ${cached.token}` } });
  };
}

/**
 * execCredentials runs an exec credential plugin (as kubectl does for EKS, GKE, AKS, OIDC helpers):
 * KUBERNETES_EXEC_INFO carries the ExecCredential request; stdout is an ExecCredential whose status
 * holds a token or a client certificate, cached until `expirationTimestamp` (or for the process's life).
 */
function execCredentials(exec: Doc, dir: string, cluster: ExecCluster): () => Promise<Credentials> {
  const command = str(exec.command);
  const apiVersion = str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1';
  const args = arr(exec.args).filter((a): a is string => typeof a === 'string');
  const extraEnv: Record<string, string> = {};
  for (const e of arr(exec.env)) {
    const name = str(rec(e).name);
    if (name !== undefined) extraEnv[name] = str(rec(e).value) ?? '';
  }
  let cached: { creds: Credentials; expires: number } | undefined;
  return async () => {
    if (cached !== undefined && Date.now() < cached.expires) return cached.creds;
    if (command === undefined) throw configError(`context ${cluster.contextName}: the exec user has no command`, cluster.source, 'fix the users[].user.exec section');
    const bin = command.includes('/') && !isAbsolute(command) ? join(dir, command) : command;
    const info = {
      apiVersion,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(exec.provideClusterInfo === true
          ? { cluster: { server: cluster.server, 'insecure-skip-tls-verify': cluster.insecure, ...(cluster.ca === undefined ? {} : { 'certificate-authority-data': Buffer.from(cluster.ca).toString('base64') }) } }
          : {}),
      },
    };
    const stdout = await new Promise<string>((ok, fail) =>
      execFile(bin, args, { env: { ...process.env, ...extraEnv, KUBERNETES_EXEC_INFO: JSON.stringify(info) }, timeout: 60_000, maxBuffer: 1 << 20 }, (err, out, errOut) => {
        if (err === null) ok(out);
        else
          fail(
            new TrackerError('KUBE_UNAUTHORIZED', `context ${cluster.contextName}: credential plugin ${command} failed: ${errOut.trim().split('\n').slice(-3).join(' ') || err.message}`, {
              subject: command,
              hint: str(exec.installHint) ?? `run ${command} by hand to see why; it must print an ExecCredential`,
              cause: err,
            }),
          );
      }),
    );
    let status: Doc;
    try {
      status = rec(rec(JSON.parse(stdout)).status);
    } catch (cause) {
      throw new TrackerError('KUBE_UNAUTHORIZED', `context ${cluster.contextName}: credential plugin ${command} printed no ExecCredential JSON`, { subject: command, hint: `run ${command} by hand; its stdout must be an ExecCredential`, cause });
    }
    const token = str(status.token);
    const creds: Credentials = {
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      ...(str(status.clientCertificateData) === undefined ? {} : { cert: str(status.clientCertificateData)! }),
      ...(str(status.clientKeyData) === undefined ? {} : { key: str(status.clientKeyData)! }),
    };
    const expiry = str(status.expirationTimestamp);
    cached = { creds, expires: expiry === undefined ? Number.POSITIVE_INFINITY : Date.parse(expiry) - 10_000 };
    return creds;
  };
}

/** clientNodeCredentials lets client-node handle legacy auth-provider users (gcp, azure, oidc); loaded only for them. */
function clientNodeCredentials(files: readonly string[], context: string | undefined): () => Promise<Credentials> {
  return async () => {
    const { KubeConfig, RequestContext } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromFile(files[0]!);
    if (context !== undefined) kc.setCurrentContext(context);
    const ctx = new RequestContext(kc.getCurrentCluster()?.server ?? '', 'GET');
    await kc.applySecurityAuthentication(ctx);
    return { headers: ctx.getHeaders() };
  };
}

/** inClusterAccess is the pod's service-account configuration, if this process runs in a pod. */
function inClusterAccess(env: Readonly<Record<string, string | undefined>>, dir: string): ClusterAccess | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenPath = join(dir, 'token');
  if (host === undefined || host === '' || port === undefined || port === '' || !existsSync(tokenPath)) return undefined;
  const caPath = join(dir, 'ca.crt');
  const nsPath = join(dir, 'namespace');
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${h}:${port}`,
    contextName: 'in-cluster',
    namespace: existsSync(nsPath) ? readFileSync(nsPath, 'utf8').trim() || 'default' : 'default',
    source: 'in-cluster',
    tls: { insecureSkipVerify: false, ...(existsSync(caPath) ? { ca: readFileSync(caPath, 'utf8') } : {}) },
    credentials: rotatingToken(tokenPath, 'in-cluster'),
  };
}
