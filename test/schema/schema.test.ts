import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { runResultJsonSchema } from '../../src/schema/json-schema.js';
import { parseRunResult } from '../../src/schema/read.js';

/** What `fn` throws; fails the test when it returns instead. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, but the call returned');
}

describe('committed JSON Schemas', () => {
  it('run.v2.schema.json is generated from the zod source (run `npm run schema:generate`)', () => {
    const committed = JSON.parse(readFileSync('schema/run.v2.schema.json', 'utf8'));
    expect(committed).toEqual(runResultJsonSchema());
  });
  it('run.v1.schema.json stays for readers of v1 files: items inline, where v2 names the sidecar', () => {
    const v1 = JSON.parse(readFileSync('schema/run.v1.schema.json', 'utf8'));
    expect(v1.properties.schemaVersion.const).toBe(1);
    expect(v1.properties.items.type).toBe('array');
    expect(runResultJsonSchema()).toMatchObject({ properties: { schemaVersion: { const: 2 }, items: { type: 'object', required: ['path', 'count', 'sha256'] } } });
  });
  it('config.schema.json is generated from the zod source', () => {
    const committed = JSON.parse(readFileSync('schema/config.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });
});

describe('src/schema is a leaf', () => {
  it('imports nothing from the rest of src: only zod, node built-ins and its own files', () => {
    const dir = 'src/schema';
    const imports = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => `${f}: ${m[1]}`));
    expect(imports.length).toBeGreaterThan(0);
    const outside = imports.filter((i) => !/: (zod|node:[a-z/]+|\.\/[\w.-]+)$/.test(i));
    expect(outside).toEqual([]);
  });
});

describe('readRunResult versioning', () => {
  it('refuses a newer schemaVersion with exit code 2 and names the field', () => {
    expect(() => parseRunResult({ schemaVersion: 3 }, 'x/run.json')).toThrowError(/schemaVersion 3 is newer/);
    const err = thrownBy(() => parseRunResult({ schemaVersion: 99 }, 'x/run.json'));
    expect(err).toMatchObject({ exitCode: 2 });
    expect((err as Error).message).toContain('x/run.json');
  });
  it('rejects a document without schemaVersion', () => {
    expect(() => parseRunResult({}, 'r.json')).toThrowError(/schemaVersion/);
  });
});
