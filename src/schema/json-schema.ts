import { z } from 'zod';
import { RunResult } from './run-result.js';

/** The run.json JSON Schema generated from the zod source; committed under `schema/` and checked by a test. */
export function runResultJsonSchema(): Record<string, unknown> {
  return { $id: 'https://ftrag.dev/schema/run.v2.schema.json', title: 'ftrag run.json v2', ...z.toJSONSchema(RunResult) };
}
