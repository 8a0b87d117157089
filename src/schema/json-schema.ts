import { z } from 'zod';
import { ExperimentConfig } from '../config/schema.js';
import { RunResult } from './run-result.js';

/** The JSON Schemas generated from the zod sources; committed under `schema/` and checked by a test. */
export function runResultJsonSchema(): Record<string, unknown> {
  return { $id: 'https://ftrag.dev/schema/run.v1.schema.json', title: 'ftrag run.json v1', ...z.toJSONSchema(RunResult) };
}

export function configJsonSchema(): Record<string, unknown> {
  return { $id: 'https://ftrag.dev/schema/config.schema.json', title: 'ftrag experiment config', ...z.toJSONSchema(ExperimentConfig, { io: 'input' }) };
}
