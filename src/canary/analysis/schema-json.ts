import { z } from 'zod';
import { ANALYSIS_FILE_SCHEMA } from './schema.ts';

/**
 * analysisJsonSchema is the analysis file's JSON Schema (draft 2020-12, input form: defaults
 * shown, fields with defaults optional), published as docs/canary-analysis.schema.json for
 * editors (`# yaml-language-server: $schema=…`). Cross-field rules (exactly one of query/builtin,
 * at least one condition, condition syntax, unique names) are checked by validateAnalysis only.
 */
export function analysisJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(ANALYSIS_FILE_SCHEMA, { io: 'input', target: 'draft-2020-12' }), title: 'rollscope canary analysis file' };
}
