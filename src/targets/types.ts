/** The one contract every system under test implements. */

export type SystemKind = 'base' | 'fine-tuned' | 'rag' | 'rag-fine-tuned';

export interface TargetRequest {
  itemId: string;
  prompt: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  /**
   * Earlier turns of a conversation, oldest first, sent before `prompt` (a replayed multi-turn request). Model targets
   * send them as Converse messages; RAG targets retrieve with `prompt` alone.
   */
  history?: { role: 'user' | 'assistant'; text: string }[];
  /** Converse `requestMetadata` (key-value pairs Bedrock records in invocation logs, e.g. to tell replays apart). */
  requestMetadata?: Record<string, string>;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the service reported no usage and the numbers come from our tokenizer. */
  estimated?: boolean;
}

export interface RetrievedContext {
  text: string;
  /** Source location, e.g. `s3://bucket/doc.md`. */
  uri?: string;
  score?: number;
  /** Chunk id or other metadata the KB returned. */
  metadata?: Record<string, unknown>;
}

export interface Citation {
  /** The part of the answer this citation supports. */
  text: string;
  span?: { start: number; end: number };
  references: RetrievedContext[];
}

export interface TargetResponse {
  output: string;
  /** Client wall-clock time of the call, from send to last byte, excluding client-side queueing. */
  latencyMs: number;
  /** Time to the first content token (streaming only). */
  firstTokenMs?: number;
  /**
   * The service's own latency, when reported: Converse/ConverseStream `metrics.latencyMs`; for retrieve-then-converse,
   * Retrieve's time plus Converse's `metrics.latencyMs`. Absent for RetrieveAndGenerate (the service reports none).
   */
  serviceLatencyMs?: number;
  /** True when this call had to open a new connection. */
  connectionSetup?: boolean;
  /** Time that connection took to open: reported here and left out of `latencyMs` and `firstTokenMs`. */
  connectionSetupMs?: number;
  /** Absent (not zero) when the service does not report it and no estimate was made. */
  usage?: TokenUsage;
  contexts?: RetrievedContext[];
  citations?: Citation[];
  stopReason?: string;
}

export interface InvokeOptions {
  signal: AbortSignal;
}

export interface Target {
  readonly id: string;
  readonly kind: SystemKind;
  /** Model id or ARN that answers (the generator, for RAG). */
  readonly modelId: string;
  invoke(request: TargetRequest, options: InvokeOptions): Promise<TargetResponse>;
}

/** A failed call. `retryable` says whether the runner may try again (throttling, 5xx, timeouts, resets). */
export class TargetError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly throttled: boolean;
  constructor(message: string, code: string, opts: { retryable: boolean; throttled?: boolean; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.name = 'TargetError';
    this.code = code;
    this.retryable = opts.retryable;
    this.throttled = opts.throttled ?? false;
  }
}
