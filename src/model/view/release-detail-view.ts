import { z } from 'zod';
import type { Release } from '../release.ts';
import { diffTemplates } from '../template-diff.ts';
import { releaseView, toReleaseView } from './release-view.ts';

/**
 * The public view of one release in detail, as `GET /api/v1/releases/{id}` and `rollscope show -o
 * json|yaml` give it: the release, the release it replaced, and what changed in the pod template.
 */

/** templateChangeView is one difference between two redacted pod templates (model/template-diff.ts). */
export const templateChangeView = z.strictObject({
  path: z.string().describe('JSON path, named array items by name, e.g. `spec.containers[web].image`'),
  op: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional().describe('the old value; absent when added'),
  after: z.unknown().optional().describe('the new value; absent when removed'),
});

/** releaseDetailView is a release with its previous release and the template diff against it. */
export const releaseDetailView = z
  .strictObject({
    release: releaseView,
    previous: releaseView.nullable().describe('the release this one replaced (`previousReleaseId`), null for a first release or one no longer in the ledger'),
    diff: z.array(templateChangeView).describe('template changes from `previous` to `release`; empty without a previous release'),
    stuck: z.boolean().describe('true while the release is failed and still its workload\'s latest: no newer release has superseded it and it has not recovered (GET /api/v1/rollouts/stuck lists these)'),
  })
  .describe('One release in detail');

export type TemplateChangeView = z.infer<typeof templateChangeView>;
export type ReleaseDetailView = z.infer<typeof releaseDetailView>;

/** toReleaseDetailView builds the detail of `release`; `previous` is the release named by its previousReleaseId, when found; `stuck` as store/stuck.ts decides it. */
export function toReleaseDetailView(release: Release, previous: Release | null, stuck: boolean): ReleaseDetailView {
  return {
    release: toReleaseView(release),
    previous: previous ? toReleaseView(previous) : null,
    diff: previous ? diffTemplates(previous.template, release.template) : [],
    stuck,
  };
}
