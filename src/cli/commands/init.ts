/**
 * `ftrag init`: asks on a terminal (or takes flags) for the eval set, the documents folder, the training file and
 * the model, then writes a commented ftrag.yaml that runs on the emulator. `--yes` never asks: missing optional
 * inputs are left out (no documents: no RAG systems; no training file: no fine-tuned systems).
 */
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { relative, resolve } from 'node:path';
import type { CommandModule } from '../command.js';
import { InputError } from '../../util/errors.js';

interface Answers {
  evalSet?: string;
  documents?: string;
  training?: string;
  model?: string;
}

/** Guesses from the folder's contents, offered as defaults at the prompts. */
async function guesses(dir: string): Promise<Answers> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'reports').map((e) => e.name);
  const pick = (names: string[], re: RegExp) => names.find((n) => re.test(n));
  const data = files.filter((f) => /\.(jsonl|csv|json)$/i.test(f));
  return {
    evalSet: pick(data, /test|eval|question|held/i),
    training: pick(data, /train|fine|tune/i),
    documents: pick(folders, /doc|kb|knowledge|corpus/i),
  };
}

async function ask(dir: string, given: Answers): Promise<Answers> {
  const guess = await guesses(dir);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const question = async (label: string, value: string | undefined, fallback: string | undefined): Promise<string | undefined> => {
      if (value !== undefined) return value;
      const answer = (await rl.question(`${label}${fallback ? ` [${fallback}]` : ''}: `)).trim();
      if (answer === '-') return undefined;
      return answer || fallback;
    };
    process.stderr.write('ftrag init: Enter accepts the [default]; "-" leaves an optional input out.\n');
    const evalSet = await question('Held-out eval set (JSONL, CSV, Bedrock evaluation JSONL, SQuAD JSON)', given.evalSet, guess.evalSet);
    const documents = await question('Knowledge Base documents folder (optional, for the RAG systems)', given.documents, guess.documents);
    const training = await question('Training file (optional, for the fine-tuned systems)', given.training, guess.training);
    const model = await question('Base model id', given.model, 'amazon.nova-micro-v1:0');
    return { evalSet, documents, training, model };
  } finally {
    rl.close();
  }
}

const command: CommandModule = {
  command: 'init',
  describe: 'Write a commented ftrag.yaml for your own data that runs on the emulator as written',
  builder: (y) =>
    y
      .option('eval-set', { type: 'string', describe: 'Held-out eval set (JSONL, CSV, Bedrock evaluation JSONL, SQuAD v2 JSON)' })
      .option('documents', { type: 'string', describe: 'Folder of Knowledge Base documents (adds the rag and rag-fine-tuned systems)' })
      .option('training', { type: 'string', describe: 'Training file (adds fine-tuned and rag-fine-tuned; converted when the model needs another format)' })
      .option('model', { type: 'string', describe: 'Base model id (default amazon.nova-micro-v1:0)' })
      .option('dir', { type: 'string', default: '.', describe: 'Folder to write ftrag.yaml in' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask; use the flags only' })
      .option('force', { type: 'boolean', default: false, describe: 'Replace an existing ftrag.yaml / converted file' }),
  run: async (args) => {
    const dir = resolve(String(args.dir ?? '.'));
    let answers: Answers = {
      evalSet: args['eval-set'] as string | undefined,
      documents: args.documents as string | undefined,
      training: args.training as string | undefined,
      model: args.model as string | undefined,
    };
    const interactive = !args.yes && process.stdin.isTTY === true;
    if (interactive) answers = await ask(dir, answers);
    if (!answers.evalSet) {
      throw new InputError(
        interactive ? 'an eval set is required' : 'ftrag init needs --eval-set FILE (not a terminal, or --yes: nothing is asked)',
        { field: '--eval-set' },
      );
    }
    const { initExperiment } = await import('../../init/init.js');
    const result = await initExperiment({ dir, evalSet: answers.evalSet, documents: answers.documents, training: answers.training, modelId: answers.model, force: args.force === true });
    for (const line of result.summary) process.stdout.write(`${line}\n`);
    const cfg = relative(process.cwd(), result.configFile) || result.configFile;
    process.stdout.write(`wrote ${cfg}\n`);
    const runHint = resolve(process.cwd()) === dir ? 'npx ftrag run' : `npx ftrag run --config ${cfg}`;
    process.stdout.write(`next: ${runHint}   (on the emulator; see the "AWS:" comments in ${cfg} to run on Amazon Bedrock)\n`);
    return 0;
  },
};
export default command;
