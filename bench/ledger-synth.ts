// Synthetic ledgers for the ledger benchmarks (stats-load, ledger-scale): deterministic releases
// shaped like the tracker's (phases, a few events, a pod template with env and resources), spread
// over workloads, namespaces, clusters and a time span, and a fast batched fill that writes them
// with multi-row INSERTs in one transaction per batch — the bulk path, not the store's upsert.
import type { Outcome, Release, ReleaseId, Trigger, WorkloadKind } from '../src/model/release.ts';
import type { SqlDriver } from '../src/store/sql/driver.ts';
import { JSON_RELEASE_COLUMNS, RELEASE_COLUMNS, encodeRelease, encodeTemplate } from '../src/store/sql/release-row.ts';

/**
 * SYNTH_VERSION changes whenever syntheticRelease generates different releases for the same shape:
 * the ledger benchmarks' fill cache (ledger-cache.ts) keys filled ledgers by it.
 */
export const SYNTH_VERSION = 1;

/** LedgerShape says how many releases over how many workloads, namespaces and clusters, in which span. */
export interface LedgerShape {
  readonly releases: number;
  readonly workloads: number;
  readonly namespaces: number;
  readonly clusters: number;
  /** Releases start evenly over [end − spanMs, end). */
  readonly end: number;
  readonly spanMs: number;
}

const OUTCOMES: readonly Outcome[] = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'superseded', 'failed', 'rolled-back', 'succeeded'];
const TRIGGERS: readonly Trigger[] = ['image', 'image', 'image', 'config', 'restart', 'image', 'rollback', 'image'];
const KINDS: readonly WorkloadKind[] = ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet'];

/** mix scrambles an index (a 32-bit integer hash), so outcomes do not line up with workloads or namespaces. */
function mix(i: number): number {
  let x = Math.imul(i ^ (i >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** workloadOf is the identity of workload `w` (0-based) in a shape: cluster, namespace, kind, name, uid. */
export function workloadOf(shape: LedgerShape, w: number): Release['workload'] {
  return {
    cluster: `cluster-${w % shape.clusters}`,
    namespace: `team-${w % shape.namespaces}`,
    kind: KINDS[w % KINDS.length] ?? 'Deployment',
    name: `svc-${w}`,
    uid: `00000000-0000-4000-8000-${String(w).padStart(12, '0')}`,
  };
}

/**
 * syntheticRelease is release `i` (0-based) of a shape: workload i mod workloads, release number
 * i div workloads + 1, started at an even step through the span (so each workload's releases are
 * in start order). The last release of each workload is still progressing.
 */
export function syntheticRelease(shape: LedgerShape, i: number): Release {
  const w = i % shape.workloads;
  const n = Math.floor(i / shape.workloads) + 1;
  const last = i + shape.workloads >= shape.releases;
  const workload = workloadOf(shape, w);
  const startedAt = shape.end - shape.spanMs + Math.floor((i * shape.spanMs) / shape.releases);
  const outcome: Outcome = last ? 'progressing' : (OUTCOMES[mix(i) % OUTCOMES.length] ?? 'succeeded');
  const finishedAt = outcome === 'progressing' ? null : startedAt + 20_000 + ((i * 7919) % 240_000);
  const image = `registry.example/${workload.namespace}/${workload.name}:1.${n}.${i % 10}`;
  const at = (ms: number): number => startedAt + ms;
  return {
    id: `rel-${String(i).padStart(8, '0')}` as ReleaseId,
    workload,
    releaseNumber: n,
    revision: String(n),
    templateHash: `h${(i * 2654435761) % 4294967296}`,
    trigger: n === 1 ? 'create' : (TRIGGERS[i % TRIGGERS.length] ?? 'image'),
    images: [{ container: 'app', image }, { container: 'proxy', image: 'registry.example/mesh/proxy:1.22.3' }],
    actor: { manager: 'argocd-controller', user: 'system:serviceaccount:argocd:argocd-application-controller' },
    changeCause: n % 3 === 0 ? `deploy ${image}` : null,
    previousReleaseId: n === 1 ? null : (`rel-${String(i - shape.workloads).padStart(8, '0')}` as ReleaseId),
    startedAt,
    finishedAt,
    outcome,
    failure: outcome === 'failed' ? { code: 'ProgressDeadlineExceeded', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet ${workload.name} has timed out progressing`, object: `Deployment ${workload.namespace}/${workload.name}` } : null,
    phases: finishedAt === null
      ? { templateObserved: at(0), revisionCreated: at(40) }
      : { templateObserved: at(0), revisionCreated: at(40), firstPodScheduled: at(300), firstImagePulled: at(4_000), firstPodReady: at(9_000), allUpdated: at(15_000), allAvailable: finishedAt, oldReplicasGone: finishedAt + 2_000 },
    replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
    events: [
      { time: at(40), type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${workload.name}-${n} to 1`, object: `Deployment ${workload.namespace}/${workload.name}`, count: 1 },
      { time: at(300), type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${workload.namespace}/${workload.name}-${n}-x7k2p to node-${i % 20}`, object: `Pod ${workload.namespace}/${workload.name}-${n}-x7k2p`, count: 1 },
      { time: at(4_000), type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, object: `Pod ${workload.namespace}/${workload.name}-${n}-x7k2p`, count: 1 },
    ],
    template: {
      metadata: { labels: { app: workload.name, team: workload.namespace } },
      spec: {
        containers: [
          { name: 'app', image, env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'PORT', value: '8080' }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, ports: [{ containerPort: 8080 }] },
          { name: 'proxy', image: 'registry.example/mesh/proxy:1.22.3' },
        ],
      },
    },
    backfilled: false,
  };
}

/**
 * fillLedger writes releases [from, to) of a shape with multi-row INSERTs, `batch` rows per
 * statement, one transaction per `perTx` rows (bulk load: no merge, no numbering — the rows are
 * consistent by construction), each release's template into `release_templates`. Where the dialect
 * clusters releases by workload (SQLite, migration 0010), workload `w` gets key w + 1 and its n-th
 * release seq (w + 1) × span + n — what the upsert would give them on a fresh ledger. Returns the rows written.
 */
export async function fillLedger(driver: SqlDriver, shape: LedgerShape, from = 0, to = shape.releases, batch = 200, perTx = 20_000): Promise<number> {
  const d = driver.dialect;
  const rowSql = (columns: readonly string[], base: number): string =>
    `(${columns.map((c, k) => (JSON_RELEASE_COLUMNS.has(c) || c === 'template' ? d.json(d.placeholder(base + k + 1)) : d.placeholder(base + k + 1))).join(', ')})`;
  const statements = new Map<string, string>();
  const insert = (table: string, columns: readonly string[], rows: number): string => {
    const key = `${table}:${rows}`;
    let s = statements.get(key);
    if (s === undefined) {
      s = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, (_, r) => rowSql(columns, r * columns.length)).join(', ')}`;
      statements.set(key, s);
    }
    return s;
  };
  const seq = d.releaseSeq;
  const columns = seq === null ? RELEASE_COLUMNS : ['seq', ...RELEASE_COLUMNS];
  if (seq !== null) {
    await driver.transaction(async (tx) => {
      for (let w = 0; w < shape.workloads; w++)
        await tx.query(`INSERT INTO release_workload_keys (key, workload_uid) VALUES (${d.placeholder(1)}, ${d.placeholder(2)}) ON CONFLICT DO NOTHING`, [w + 1, workloadOf(shape, w).uid]);
    });
  }
  for (let t = from; t < to; t += perTx) {
    const end = Math.min(to, t + perTx);
    await driver.transaction(async (tx) => {
      for (let b = t; b < end; b += batch) {
        const n = Math.min(batch, end - b);
        const params = [];
        const templates = [];
        for (let i = b; i < b + n; i++) {
          const r = syntheticRelease(shape, i);
          if (seq !== null) params.push((i % shape.workloads + 1) * seq.span + Math.floor(i / shape.workloads) + 1);
          params.push(...encodeRelease(r));
          templates.push(r.id, encodeTemplate(r));
        }
        await tx.query(insert('releases', columns, n), params);
        await tx.query(insert('release_templates', ['id', 'template'], n), templates);
      }
    });
  }
  return to - from;
}
