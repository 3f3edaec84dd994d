import type { Command } from 'commander';

/** RegisterFn adds one command (with its flags and action) to the program. */
export type RegisterFn = (program: Command) => void;

/**
 * CommandEntry names one CLI command and loads its registration on demand. The CLI imports only the
 * module of the command it runs (each command's module graph — Kubernetes client, stores, servers —
 * costs start-up time), and `rollscope --help` lists the entries without loading any of them.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for the top-level help; the command's own `description` says more. */
  readonly summary: string;
  readonly load: () => Promise<RegisterFn>;
}

/**
 * COMMANDS lists every CLI command, in help order. Add a command by adding its file under `commands/`
 * and one entry here. Keep the command file's static imports to what parsing its flags needs;
 * start-up is measured by `npm run bench` (bench/startup.ts) and checked by cli/lazy-load.test.ts.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'demo', summary: 'simulated cluster with demo traffic, the tracker and the dashboard, all on this machine', load: async () => (await import('./demo.ts')).registerDemo },
  { name: 'sim', summary: 'run only the simulated cluster; write a kubeconfig for kubectl and others', load: async () => (await import('./sim.ts')).registerSim },
  { name: 'serve', summary: 'run the release tracker: watch the cluster, keep the ledger, serve the API, /metrics and the dashboard', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'history', summary: 'list recorded releases from the ledger', load: async () => (await import('./history.ts')).registerHistory },
  { name: 'show', summary: 'one release from the ledger: timeline, phases, diagnosis, events and template diff', load: async () => (await import('./show.ts')).registerShow },
  { name: 'status', summary: 'one rollout verdict now, from the cluster or a file', load: async () => (await import('./status.ts')).registerStatus },
  { name: 'wait', summary: 'block until workloads have rolled out, or fail fast with the reason', load: async () => (await import('./wait.ts')).registerWait },
  { name: 'set-image', summary: 'change container images (as kubectl set image)', load: async () => (await import('./set-image.ts')).registerSetImage },
  { name: 'undo', summary: 'roll back to the previous or a chosen revision or release', load: async () => (await import('./undo.ts')).registerUndo },
  { name: 'pause', summary: 'pause a Deployment rollout', load: async () => (await import('./pause.ts')).registerPause },
  { name: 'resume', summary: 'resume a paused Deployment rollout', load: async () => (await import('./resume.ts')).registerResume },
  { name: 'migrate-selector', summary: 'change a Deployment’s immutable selector with zero downtime: planned, backed up, resumable', load: async () => (await import('./migrate-selector.ts')).registerMigrateSelector },
  { name: 'canary', summary: 'replica-based canary of a Deployment, judged by Prometheus, promoted or aborted on evidence; resumable', load: async () => (await import('./canary.ts')).registerCanary },
  { name: 'restart', summary: 'restart a workload’s pods with a rolling update', load: async () => (await import('./restart.ts')).registerRestart },
];
