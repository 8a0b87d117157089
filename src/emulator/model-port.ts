/**
 * The one place the server touches the reference model (src/emulator/model). Everything goes through the contract
 * in model/api.ts; this file only adapts error shapes.
 */
export { embedText, generate, parseTrainingJsonl, trainModel, pretrainModel, buildKbIndex, loadKbIndex, countTokens, NON_ANSWER } from './model/index.js';

/** Formats whatever the model reports as a training-data error into "line N: message". */
export function describeDataError(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const o = e as { line?: unknown; message?: unknown; field?: unknown };
    const where = typeof o.line === 'number' ? `line ${o.line}` : '';
    const field = typeof o.field === 'string' ? ` field "${o.field}"` : '';
    return `${where}${field}${where || field ? ': ' : ''}${withoutContent(String(o.message ?? 'invalid record'))}`;
  }
  return String(e);
}

/**
 * A JSON parser's message quotes the text it choked on; a job's failureMessage must never echo file content, so
 * quoted excerpts are dropped and only the kind of error and its position remain.
 */
function withoutContent(message: string): string {
  if (!message.startsWith('invalid JSON')) return message;
  const at = /position (\d+)/.exec(message);
  return `invalid JSON${at ? ` at position ${at[1]}` : ''} (each line must be one JSON object)`;
}
