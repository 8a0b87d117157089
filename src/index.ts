/**
 * ftrag as a library: the same pipeline the CLI runs, callable from a program (`import { runExperiment } from 'ftrag'`).
 * The CLI in src/cli is a thin layer over these exports.
 */
export { runExperiment, DEMO_CONFIG, type RunOptions, type RunOutcome } from './experiment/experiment.js';
export type { ExperimentEvent, ExperimentEventHandler, ExperimentStage } from './experiment/events.js';
export { loadConfig, findConfigFile, resolveConfigPath } from './config/load.js';
export type { ExperimentConfig, SystemSpec } from './config/schema.js';
export { loadEvalSet } from './datasets/load.js';
export type { EvalSet, EvalItem } from './datasets/types.js';
export { createScorers, scoreOne as score, METRIC_NAMES, type MetricName } from './scoring/index.js';
export { compareSystems as compare } from './stats/compare.js';
export { costForSystem as estimateCost, loadCatalog, breakEvenMonthlyQueries } from './cost/index.js';
export { recommend } from './recommend/index.js';
export { evaluateGate as gate, loadGateRules, defaultGateRules } from './gate/index.js';
export { writeReports as renderReports, renderHtml, renderMarkdown, renderJUnit } from './report/index.js';
export { readRunResult } from './schema/read.js';
export { runItems, readRunItems, readRun, itemStreamOf, collectItems, type ItemStream, type RunWithItems } from './schema/items.js';
export type { RunResult, RunSummary, ItemResult, ItemsRef } from './schema/run-result.js';
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './emulator/index.js';
export { runTrain, type TrainOptions } from './training/train.js';
export { exportBedrockEval } from './bedrock-eval/export.js';
export { importBedrockEval } from './bedrock-eval/import.js';
export { readJobOutput } from './bedrock-eval/job-output.js';
export { runShadow, type ShadowOptions, type ShadowOutcome } from './shadow/run.js';
