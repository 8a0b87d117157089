/**
 * How the CLI shows a running experiment: the library emits typed events; messages become lines on stderr and
 * model-call counts a bar (terminal) or plain lines (CI, pipes), or nothing when quiet.
 */
import type { ExperimentEvent, ExperimentEventHandler } from '../experiment/events.js';
import { createProgress, type ProgressMode } from '../runner/progress.js';

export function renderEvents(opts: { quiet: boolean; progress: ProgressMode; stream?: NodeJS.WriteStream }): ExperimentEventHandler {
  const stream = opts.stream ?? process.stderr;
  const progress = createProgress(opts.quiet ? 'none' : opts.progress, stream);
  return (event: ExperimentEvent) => {
    if (event.type === 'message') {
      if (!opts.quiet) stream.write(`${event.text}\n`);
    } else if (event.type === 'progress') {
      if (event.phase === 'start') progress.start(event.total, event.resumed);
      else progress[event.phase](event);
    }
  };
}
