/**
 * Kubernetes resource quantities (`resource.Quantity`) as the simulator needs them: CPU in
 * millicores and memory in bytes. Unparseable input reads as `undefined`, so callers decide.
 */

const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** parseQuantity reads a quantity such as `500m`, `1.5`, `128Mi`, `1e3` as a plain number of base units. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}

/** cpuMillis reads a CPU quantity in millicores, rounded up as Kubernetes does (`MilliValue`). */
export function cpuMillis(value: unknown): number | undefined {
  const v = parseQuantity(value);
  return v === undefined ? undefined : Math.ceil(Math.round(v * 1e9) / 1e6);
}

/** memoryBytes reads a memory quantity in bytes, rounded up. */
export function memoryBytes(value: unknown): number | undefined {
  const v = parseQuantity(value);
  return v === undefined ? undefined : Math.ceil(v);
}

/** formatCpu renders millicores as the API server does: whole cores as `4`, else `500m`. */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** formatMemory renders bytes as `Ki` when divisible by 1024 (as kubelets report node memory), else plain bytes. */
export function formatMemory(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}Ki` : String(bytes);
}
