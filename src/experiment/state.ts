import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * What ftrag created on an endpoint (custom models, deployments, Knowledge Bases), keyed by a hash of the inputs that
 * made it, so an unchanged training file or document folder reuses the resource instead of paying for it again.
 * Kept per endpoint: a model trained on the emulator means nothing on AWS.
 */
export interface ModelRecord {
  /** Set once CreateModelCustomizationJob returned: a resume attaches to this job instead of starting another. */
  jobArn: string;
  /** Written just before CreateModelCustomizationJob, so a kill before its answer still finds the job by name. */
  pendingJobName?: string;
  /** Set once the job completed. */
  customModelArn?: string;
  /** Set as soon as CreateProvisionedModelThroughput / CreateCustomModelDeployment returned (before it is ready). */
  servingArn?: string;
  servingType?: string;
  systemId?: string;
  runId?: string;
}

export interface KnowledgeBaseRecord {
  knowledgeBaseId: string;
  dataSourceId?: string;
  ingestionJobId?: string;
  /** Ingestion completed: the KB can be queried. */
  ready?: boolean;
  systemId?: string;
  runId?: string;
}

/** A JumpStart arm on SageMaker: each name is recorded as soon as its Create call returned (or just before, for the job). */
export interface SageMakerRecord {
  systemId?: string;
  runId?: string;
  /** Written just before CreateTrainingJob, so a kill before its answer still finds the job by name. */
  trainingJobName?: string;
  trainingJobDone?: boolean;
  artifactsS3Uri?: string;
  modelName?: string;
  endpointConfigName?: string;
  endpointName?: string;
  /** Instance type and count of the endpoint, for the hourly cost `ftrag resources` shows. */
  endpointInstanceType?: string;
  endpointInstanceCount?: number;
}

/**
 * Saved after each resource is created (atomically: write a temp file, then rename), so a run killed at any point
 * and resumed finds every resource it already paid for and creates each one exactly once.
 */
export interface ProvisionState {
  models: Record<string, ModelRecord>;
  knowledgeBases: Record<string, KnowledgeBaseRecord>;
  /** SageMaker training jobs, models, endpoint configs and endpoints (absent in state files written before them). */
  sagemaker?: Record<string, SageMakerRecord>;
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
