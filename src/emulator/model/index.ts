/**
 * The emulator's reference model: a small, explainable model that really reads context, really learns from its
 * fine-tuning data and really retrieves (docs/reference-model.md). The emulator server only uses what is exported here.
 */
export type * from './api.js';
export { embedText, type EmbeddingDimensions } from './embed.js';
export { generate, CONFIDENCE_THRESHOLD } from './generate.js';
export { NON_ANSWER, MIN_COVERAGE } from './reader.js';
export { parseTrainingJsonl, type CustomizationType, type ParsedTrainingData } from './training-data.js';
export { trainModel, BASE_STEP, type TrainOptions } from './train.js';
export { pretrainModel, recallText, isSentenceMemory, MEMORY_FORMAT, MEMORY_SLOTS, RECALL_THRESHOLD } from './pretrain.js';
export { buildKbIndex, loadKbIndex, type ChunkingOptions } from './kb.js';
export { countTokens } from '../../util/tokenizer.js';
export { MODEL_FORMAT } from './classifier.js';
