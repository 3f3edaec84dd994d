import { TrackerError } from '../lib/errors.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { rfc3339 } from '../lib/timestamps.ts';
import { fieldAt, isUnstructured, stringField, type Unstructured } from '../track/status/fields.ts';

/** CHANGE_CAUSE is the annotation `kubectl rollout history` shows as CHANGE-CAUSE. */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** RESTARTED_AT is the pod-template annotation `kubectl rollout restart` sets (kubernetes.md §4.4). */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** ImageAssignment is one `CONTAINER=IMAGE` argument of set-image; container `*` means every container. */
export interface ImageAssignment {
  readonly container: string;
  readonly image: string;
}

/**
 * parseImageAssignments reads `CONTAINER=IMAGE` arguments. Example: ["web=nginx:1.28"] →
 * [{container: web, image: nginx:1.28}]. Errors: USAGE naming the bad argument.
 */
export function parseImageAssignments(args: readonly string[]): Result<ImageAssignment[], TrackerError> {
  if (args.length === 0) return err(new TrackerError('USAGE', 'set-image needs at least one CONTAINER=IMAGE', { hint: 'e.g. rollscope set-image deployment/web web=nginx:1.28' }));
  const out: ImageAssignment[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    const container = a.slice(0, Math.max(0, eq));
    const image = a.slice(eq + 1);
    if (eq <= 0 || image === '' || /\s/.test(image))
      return err(new TrackerError('USAGE', `cannot read "${a}" as CONTAINER=IMAGE`, { subject: a, hint: 'e.g. web=nginx:1.28, or *=nginx:1.28 for every container' }));
    out.push({ container, image });
  }
  return ok(out);
}

interface NamedContainer {
  readonly name: string;
  readonly image: string;
  readonly init: boolean;
}

function containersOf(workload: Unstructured): NamedContainer[] {
  const read = (path: string, init: boolean): NamedContainer[] => {
    const list = fieldAt(workload, path);
    return Array.isArray(list) ? list.filter(isUnstructured).map((c) => ({ name: stringField(c, 'name'), image: stringField(c, 'image'), init })) : [];
  };
  return [...read('spec.template.spec.initContainers', true), ...read('spec.template.spec.containers', false)];
}

/**
 * setImagePatch builds the strategic merge patch `kubectl set image` sends: the changed
 * containers by name (containers and initContainers lists), plus the change cause annotation on
 * the workload when given. Returns null patch fields for nothing to change (every image already
 * set). Errors: INVALID naming the workload and the containers it has, for an unknown name.
 * Example: web=nginx:1.28 on a Deployment with container web →
 * {spec: {template: {spec: {containers: [{name: web, image: nginx:1.28}]}}}}.
 */
export function setImagePatch(workload: Unstructured, subject: string, assignments: readonly ImageAssignment[], changeCause?: string): Result<{ readonly patch: Unstructured; readonly changed: boolean }, TrackerError> {
  const containers = containersOf(workload);
  const images = new Map<string, NamedContainer & { readonly next: string }>();
  for (const a of assignments) {
    const hits = a.container === '*' ? containers : containers.filter((c) => c.name === a.container);
    if (hits.length === 0)
      return err(
        new TrackerError('INVALID', `${subject} has no container named "${a.container}"`, {
          subject,
          hint: `containers: ${containers.map((c) => `${c.name}${c.init ? ' (init)' : ''}`).join(', ') || '(none)'}; use one of them, or *=IMAGE for all`,
        }),
      );
    for (const c of hits) images.set(`${c.init ? 'i' : 'c'}/${c.name}`, { ...c, next: a.image });
  }
  const changed = [...images.values()].filter((c) => c.image !== c.next);
  const list = (init: boolean): Unstructured[] => changed.filter((c) => c.init === init).map((c) => ({ name: c.name, image: c.next }));
  const spec: Record<string, unknown> = {};
  if (list(false).length > 0) spec.containers = list(false);
  if (list(true).length > 0) spec.initContainers = list(true);
  const patch: Record<string, unknown> = {};
  if (Object.keys(spec).length > 0) patch.spec = { template: { spec } };
  if (changeCause !== undefined) patch.metadata = { annotations: { [CHANGE_CAUSE]: changeCause } };
  return ok({ patch, changed: changed.length > 0 });
}

/** pausePatch is `kubectl rollout pause`'s strategic merge patch. */
export const pausePatch = (): Unstructured => ({ spec: { paused: true } });

/**
 * resumePatch is `kubectl rollout resume`'s strategic merge patch: kubectl sets paused=false, which
 * its two-way merge renders as removing the (omitempty) field.
 */
export const resumePatch = (): Unstructured => ({ spec: { paused: null } });

/**
 * restartPatch is `kubectl rollout restart`'s strategic merge patch: the template annotation
 * RESTARTED_AT set to `now` in RFC 3339 with second precision (UTC).
 * Example: 2024-05-01T10:00:00.123Z → "2024-05-01T10:00:00Z".
 */
export function restartPatch(now: number): Unstructured {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339(now) } } } } };
}

