export { runEval, defaultRequest, type RunEvalOptions, type RunOutcome, type SystemLimits, type SystemCounters, type BackoffOptions } from './run-eval.js';
export { readJournal, readJournalEntries, repairTornTail, pairKey, JOURNAL_VERSION, type JournalRecord } from './journal.js';
export { ResponseCache, stableStringify, type CacheOptions } from './cache.js';
export { createProgress, lineReporter, type ProgressMode, type ProgressReporter, type ProgressCounts } from './progress.js';
export { JournalIndex, type PairLine } from './journal-index.js';
