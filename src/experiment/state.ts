import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What ftrag created on an endpoint (custom models, deployments, Knowledge Bases), keyed by a hash of the inputs that
 * made it, so an unchanged training file or document folder reuses the resource instead of paying for it again.
 * Kept per endpoint: a model trained on the emulator means nothing on AWS.
 */
export interface ProvisionState {
  models: Record<string, { customModelArn: string; jobArn: string; servingArn?: string; servingType?: string }>;
  knowledgeBases: Record<string, { knowledgeBaseId: string; dataSourceId: string }>;
}

type StateFile = Record<string, ProvisionState>;

export class ProvisionStateStore {
  constructor(private readonly file: string, private readonly endpointKey: string) {}

  async load(): Promise<ProvisionState> {
    const all = await this.readAll();
    return all[this.endpointKey] ?? { models: {}, knowledgeBases: {} };
  }

  async save(state: ProvisionState): Promise<void> {
    const all = await this.readAll();
    all[this.endpointKey] = state;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`);
    await rename(tmp, this.file);
  }

  private async readAll(): Promise<StateFile> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as StateFile;
    } catch {
      return {};
    }
  }
}
