import type { Instant } from '../../lib/clock.ts';

/** LogLine is one line a container wrote to stdout/stderr, with the simulated instant it was written. */
export interface LogLine {
  readonly at: Instant;
  readonly text: string;
}

/** LogOwner says whose a container run is: its pod's uid and the container's name. */
export interface LogOwner {
  readonly podUid: string;
  readonly container: string;
}

/** LogFollower receives each new line of a run, then `null` once the run has ended (the container exited or the pod is gone). */
export type LogFollower = (line: LogLine | null) => void;

interface RunLog {
  readonly lines: LogLine[];
  ended: boolean;
  readonly followers: Set<LogFollower>;
}

/** MAX_LINES_PER_RUN caps what a run keeps (the kubelet rotates container logs at 10 MiB; the oldest lines go first). */
export const MAX_LINES_PER_RUN = 2_000;

/** RUNS_KEPT is how many runs of one container keep their log: the current one and the previous one, as the kubelet's container GC leaves them. */
export const RUNS_KEPT = 2;

/**
 * ContainerLogs is the simulated nodes' container log files, one per container run, keyed by the
 * run's container ID (the `containerID` of `state`/`lastState` in the pod's status): the kubelet
 * (sim/node) writes them, the API server's `pods/log` (sim/apiserver) reads and follows them. Each
 * container keeps its last RUNS_KEPT runs; a pod's logs go when the pod is deleted.
 */
export class ContainerLogs {
  readonly #runs = new Map<string, RunLog>();
  /** pod uid → container name → its container IDs, oldest first. */
  readonly #byPod = new Map<string, Map<string, string[]>>();

  /** start opens the log of a new run (a no-op if it exists); the oldest runs beyond RUNS_KEPT are dropped. */
  start(owner: LogOwner, containerID: string): void {
    if (this.#runs.has(containerID)) return;
    this.#runs.set(containerID, { lines: [], ended: false, followers: new Set() });
    let containers = this.#byPod.get(owner.podUid);
    if (!containers) {
      containers = new Map();
      this.#byPod.set(owner.podUid, containers);
    }
    const ids = containers.get(owner.container) ?? [];
    ids.push(containerID);
    while (ids.length > RUNS_KEPT) this.#drop(ids.shift() ?? '');
    containers.set(owner.container, ids);
  }

  /** append writes a line to a started, not yet ended run (otherwise ignored). */
  append(containerID: string, line: LogLine): void {
    const log = this.#runs.get(containerID);
    if (!log || log.ended) return;
    log.lines.push(line);
    if (log.lines.length > MAX_LINES_PER_RUN) log.lines.splice(0, log.lines.length - MAX_LINES_PER_RUN);
    for (const f of log.followers) f(line);
  }

  /** end marks a run finished: followers get `null` and are dropped. */
  end(containerID: string): void {
    const log = this.#runs.get(containerID);
    if (!log || log.ended) return;
    log.ended = true;
    for (const f of log.followers) f(null);
    log.followers.clear();
  }

  /** has tells whether a run's log is kept. */
  has(containerID: string): boolean {
    return this.#runs.has(containerID);
  }

  /** lines returns the lines of a run ([] if unknown). */
  lines(containerID: string): readonly LogLine[] {
    return this.#runs.get(containerID)?.lines ?? [];
  }

  /** follow calls `f` for each later line of a run, then with null when it ends; returns the unsubscribe function. */
  follow(containerID: string, f: LogFollower): () => void {
    const log = this.#runs.get(containerID);
    if (!log || log.ended) {
      f(null);
      return () => undefined;
    }
    log.followers.add(f);
    return () => log.followers.delete(f);
  }

  /** forgetPod drops every log of a pod (ending its runs first). */
  forgetPod(podUid: string): void {
    const containers = this.#byPod.get(podUid);
    if (!containers) return;
    for (const ids of containers.values()) for (const id of ids) this.#drop(id);
    this.#byPod.delete(podUid);
  }

  #drop(containerID: string): void {
    this.end(containerID);
    this.#runs.delete(containerID);
  }
}
