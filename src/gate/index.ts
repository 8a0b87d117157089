/** The CI gate: compare a current run against a baseline run and decide pass/fail with evidence. */
export { evaluateGate, assertSameEvalSet } from './evaluate.js';
export type { EvaluateGateOptions } from './evaluate.js';
export { loadGateRules, defaultGateRules, rulesFromRun, DEFAULT_ALPHA, DEFAULT_MIN_EFFECT, DEFAULT_MAX_ERROR_RATE } from './rules.js';
export { renderGateMarkdown, renderGateJUnit, renderGateLines, xmlEscape } from './render.js';
export type { GateReport, GateOutcome, GateEvidence, SystemFlips, FlippedItem, GateRunRef } from './types.js';
