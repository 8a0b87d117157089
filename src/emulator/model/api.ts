/**
 * The contract between the emulator's server (protocol, state, S3, jobs) and its reference model (tokenizer, generation,
 * training, embeddings, Knowledge Base index). The server never looks inside a model; the model never sees HTTP.
 * Everything here is deterministic for a given seed.
 */

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface GenerateRequest {
  /** System prompt text (joined system blocks). */
  system?: string;
  messages: ChatTurn[];
  maxTokens: number;
  stopSequences?: string[];
  /** Passages the generator must answer from and cite (Knowledge Base generation). */
  passages?: { text: string; uri?: string }[];
  /** The trained weights of a custom model; absent for a base model. */
  customModel?: TrainedModel;
  seed: number;
}

export interface GenerateResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence';
  /** For passage-grounded answers: which passage indices support which answer span. */
  citations?: { start: number; end: number; passageIndexes: number[] }[];
}

/** One normalized training example. Conversation formats are flattened to prompt (system + user turns) and completion. */
export interface TrainingExample {
  prompt: string;
  completion: string;
  /** 1-based line in the uploaded JSONL, for error messages. */
  line: number;
}

export interface HyperParameters {
  epochCount: number;
  batchSize: number;
  learningRate: number;
  learningRateWarmupSteps: number;
}

export interface TrainingStep {
  step: number;
  epoch: number;
  loss: number;
}

export interface TrainingOutcome {
  model: TrainedModel;
  trainingCurve: TrainingStep[];
  /** Loss on the validation set after each epoch (empty without validation data). */
  validationCurve: TrainingStep[];
  finalTrainingLoss: number;
  finalValidationLoss?: number;
}

/** JSON-serializable weights and vocabulary of a custom model, persisted under the emulator's data dir. */
export interface TrainedModel {
  format: string;
  [key: string]: unknown;
}

export interface KbDocument {
  uri: string;
  text: string;
  metadata?: Record<string, unknown>;
}

export interface KbChunk {
  chunkId: string;
  uri: string;
  text: string;
  metadata?: Record<string, unknown>;
}

export interface KbHit {
  chunk: KbChunk;
  score: number;
}

export interface KbIndex {
  readonly chunkCount: number;
  retrieve(query: string, k: number, searchType?: 'HYBRID' | 'SEMANTIC'): KbHit[];
  /** JSON-serializable form, persisted under the data dir. */
  toJSON(): unknown;
}
