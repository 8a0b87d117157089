import { z } from 'zod';
import { ExperimentConfig } from './schema.js';

/** The config JSON Schema for editors, generated from the zod source; committed under `schema/` and checked by a test. */
export function configJsonSchema(): Record<string, unknown> {
  return { $id: 'https://ftrag.dev/schema/config.schema.json', title: 'ftrag experiment config', ...z.toJSONSchema(ExperimentConfig, { io: 'input' }) };
}
