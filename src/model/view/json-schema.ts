import { z } from 'zod';
import { failureView, releaseEventView, releaseView, workloadRefView } from './release-view.ts';
import { canaryMeasurementView, canaryStepView, canarySummaryView, canaryView, failingMetricView } from './canary-view.ts';
import { liveEventView } from './live-event-view.ts';
import { clusterListView } from './cluster-view.ts';
import { releaseDetailView, templateChangeView } from './release-detail-view.ts';
import { releaseSummaryView, workloadEventView, workloadView } from './workload-view.ts';

/**
 * publicJsonSchema is the JSON Schema (draft 2020-12) of every public view, generated from the zod
 * definitions: the document published as docs/api/schemas.json (a test keeps the file current).
 * Each view is one entry of `$defs`; references between them use `#/$defs/<Name>`.
 */
export function publicJsonSchema(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named: readonly [string, z.ZodType][] = [
    ['Release', releaseView],
    ['WorkloadRef', workloadRefView],
    ['ReleaseEvent', releaseEventView],
    ['Failure', failureView],
    ['Workload', workloadView],
    ['ReleaseSummary', releaseSummaryView],
    ['WorkloadEvent', workloadEventView],
    ['LiveEvent', liveEventView],
    ['ReleaseDetail', releaseDetailView],
    ['TemplateChange', templateChangeView],
    ['ClusterList', clusterListView],
    ['Canary', canaryView],
    ['CanarySummary', canarySummaryView],
    ['CanaryStep', canaryStepView],
    ['CanaryMeasurement', canaryMeasurementView],
    ['FailingMetric', failingMetricView],
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/$defs/${id}` }) as { schemas: Record<string, Record<string, unknown>> };
  const defs: Record<string, unknown> = {};
  for (const [id] of named) {
    const { $schema: _schema, $id: _id, ...rest } = schemas[id] ?? {};
    defs[id] = rest;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://rollscope.dev/api/v1/schemas.json',
    title: 'rollscope public views',
    description: 'The shapes of a release, workload, event and canary as the HTTP API, SSE stream, CLI -o json|yaml and webhooks show them. Generated from src/model/view/*.ts; do not edit.',
    $defs: defs,
  };
}
