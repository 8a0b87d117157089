/**
 * The one place the server touches the reference model (src/emulator/model). Everything goes through the contract
 * in model/api.ts; this file only adapts error shapes.
 */
export { embedText, generate, parseTrainingJsonl, trainModel, buildKbIndex, loadKbIndex, countTokens } from './model/index.js';

/** Formats whatever the model reports as a training-data error into "line N: message". */
export function describeDataError(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const o = e as { line?: unknown; message?: unknown; field?: unknown };
    const where = typeof o.line === 'number' ? `line ${o.line}` : '';
    const field = typeof o.field === 'string' ? ` field "${o.field}"` : '';
    return `${where}${field}${where || field ? ': ' : ''}${String(o.message ?? JSON.stringify(e))}`;
  }
  return String(e);
}
