/** `ftrag export bedrock-eval RUN_JSON`: a run as Amazon Bedrock Evaluations bring-your-own-inference datasets. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { exportBedrockEval, MANIFEST_NAME, MAX_PROMPTS_PER_JOB } from '../../bedrock-eval/export.js';
import { readRun } from '../../schema/items.js';
import { InputError } from '../../util/errors.js';
import type { CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'export <target> <runJson>',
  describe: 'Write a run as Amazon Bedrock Evaluations datasets with your own inference responses (one set per system)',
  builder: (y: Argv) =>
    y
      .positional('target', { choices: ['bedrock-eval'] as const, describe: 'bedrock-eval' })
      .positional('runJson', { type: 'string', describe: 'A run.json written by `ftrag run`', demandOption: true })
      .option('out', { type: 'string', describe: 'Folder for the datasets (default: bedrock-eval/ next to run.json)' })
      .option('systems', { type: 'string', describe: 'Comma-separated system ids (default: every system)' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a folder that already holds an export' }),
  run: async (args) => {
    const file = String(args.runJson);
    const saved = await readRun(file);
    const { run } = saved;
    const outDir = resolve(typeof args.out === 'string' && args.out ? args.out : join(dirname(resolve(file)), 'bedrock-eval'));
    if (!args.force && existsSync(join(outDir, MANIFEST_NAME))) {
      throw new InputError('already holds an export; ftrag never overwrites one (pass --force or another --out)', { file: outDir, field: '--out' });
    }
    const systems = typeof args.systems === 'string' ? args.systems.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const manifest = await exportBedrockEval(saved, outDir, { systems });
    for (const f of manifest.files) {
      const id = f.jobType === 'model-evaluation' ? 'precomputedInferenceSource.inferenceSourceIdentifier' : 'precomputedRagSourceConfig ragSourceIdentifier';
      process.stdout.write(`${join(outDir, f.file)}  ${f.itemIds.length} prompts, ${f.jobType} job, ${id} "${f.sourceIdentifier}"\n`);
    }
    for (const [s, n] of Object.entries(manifest.skippedFailed)) if (n > 0) process.stdout.write(`  ${s}: ${n} failed item(s) left out (no response to evaluate)\n`);
    process.stdout.write(`manifest: ${join(outDir, MANIFEST_NAME)} (at most ${MAX_PROMPTS_PER_JOB} prompts per job file; upload each file to S3 and start one job per file)\n`);
    return 0;
  },
};
export default command;
