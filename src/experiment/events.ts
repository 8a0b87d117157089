/**
 * What a running experiment tells its caller, as typed events instead of console output: the library never writes
 * to the terminal; the CLI renders these (messages as lines on stderr, progress as a bar or lines).
 */
import type { ProgressCounts, ProgressReporter } from '../runner/progress.js';

/** The pipeline's stages, in order. */
export type ExperimentStage = 'config' | 'endpoint' | 'provision' | 'execute' | 'assemble' | 'reports';

export type ExperimentEvent =
  /** A stage begins. */
  | { type: 'stage'; stage: ExperimentStage }
  /** A human-readable note from a stage (what the CLI prints on stderr), e.g. "knowledge base: ingesting 12 documents". */
  | { type: 'message'; text: string }
  /** Model calls: `start` once (with calls already done on a resume), `update` as they finish, `stop` at the end. */
  | ({ type: 'progress'; phase: 'start' | 'update' | 'stop'; total: number; resumed: number } & ProgressCounts)
  /** The run finished and its outputs are written. */
  | { type: 'done'; outDir: string; runJsonPath: string; exitCode: number; headline?: string };

export type ExperimentEventHandler = (event: ExperimentEvent) => void;

/** A runner progress reporter that emits `progress` events (and forwards to `also`, when given). */
export function progressEvents(emit: ExperimentEventHandler, also?: ProgressReporter): ProgressReporter {
  let total = 0;
  let resumed = 0;
  return {
    start(t, alreadyDone) {
      total = t;
      resumed = alreadyDone;
      emit({ type: 'progress', phase: 'start', total, resumed, done: alreadyDone, failed: 0, retries: 0, throttles: 0 });
      also?.start(t, alreadyDone);
    },
    update(c) {
      emit({ type: 'progress', phase: 'update', total, resumed, ...c });
      also?.update(c);
    },
    stop(c) {
      emit({ type: 'progress', phase: 'stop', total, resumed, ...c });
      also?.stop(c);
    },
  };
}
