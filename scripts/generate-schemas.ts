import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';
import { runResultJsonSchema } from '../src/schema/json-schema.js';

// schema/run.v1.schema.json is kept as committed for readers of v1 files; only the current version is generated.
writeFileSync('schema/run.v2.schema.json', `${JSON.stringify(runResultJsonSchema(), null, 2)}\n`);
writeFileSync('schema/config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote schema/run.v2.schema.json and schema/config.schema.json');
