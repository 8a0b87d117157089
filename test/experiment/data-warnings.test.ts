import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig } from '../../src/config/schema.js';
import { loadEvalSet } from '../../src/datasets/load.js';
import { contaminationByTrainingFile, contaminationOfRun, dataWarnings } from '../../src/experiment/data-warnings.js';
import { tempDir } from '../e2e/cli.js';
import { writeNewUserFiles } from '../init/fixtures.js';

function configFor(files: { evalSet: string; documents: string; training: string }) {
  return ExperimentConfig.parse({
    evalSet: files.evalSet,
    systems: [
      { id: 'ft', kind: 'fine-tuned', pricingModelId: 'amazon.nova-micro-v1:0', training: { baseModelId: 'amazon.nova-micro-v1:0:128k', trainingData: files.training } },
      { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { documents: files.documents } },
    ],
  });
}

describe('the warnings ftrag run prints before it starts', () => {
  it('says nothing when the test items are not in the training data and the documents hold every answer', async () => {
    const files = writeNewUserFiles(tempDir('ftrag-warn-'));
    expect(await dataWarnings(configFor(files), await loadEvalSet(files.evalSet), (p) => resolve(p))).toEqual([]);
  });

  it('names contaminated items and the training lines they match, and items whose answers are not in the documents', async () => {
    const files = writeNewUserFiles(tempDir('ftrag-warn-'));
    // Two held-out questions copied into the training file, and one answer removed from the documents.
    appendFileSync(files.training, `${JSON.stringify({ prompt: 'What is the main stop of the Osmer Tram?', completion: 'Old Mill' })}\n`);
    appendFileSync(files.training, `${JSON.stringify({ prompt: 'What is the main stop of the Kettle Line?', completion: 'Market Hall' })}\n`);
    writeFileSync(join(files.documents, 'line-4.md'), '# Varn Shuttle\n\nA shuttle service.\n');
    const lines = await dataWarnings(configFor(files), await loadEvalSet(files.evalSet), (p) => resolve(p));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warning: contamination: 2 of 12 test items also appear in the training data .*\(2 exact, 0 near; e\.g\. stop-2 prompt = training line 19\)/);
    expect(lines[0]).toMatch(/Items: stop-2, stop-3\./);
    expect(lines[1]).toMatch(/^warning: KB coverage: the answers of 2 of 12 answerable test items are not in the documents .*\(covered per category: stops 5\/6, facts 5\/6\)/);
    expect(lines[1]).toMatch(/Items: stop-4, fact-4\./);
  });
});

describe("run.json's contamination check", () => {
  it('checks the test prompts against a local training file, and leaves out training data already in S3', async () => {
    const files = writeNewUserFiles(tempDir('ftrag-warn-'));
    appendFileSync(files.training, `${JSON.stringify({ prompt: 'What is the main stop of the Osmer Tram?', completion: 'Old Mill' })}\n`);
    const evalSet = await loadEvalSet(files.evalSet);
    const ofRun = async (config: ExperimentConfig) => contaminationOfRun(config, await contaminationByTrainingFile(config, evalSet, (p) => resolve(p)));
    expect(await ofRun(configFor(files))).toMatchObject({ checked: 12, exact: 1 });
    expect(await ofRun(configFor({ ...files, training: 's3://bucket/train.jsonl' }))).toBeUndefined();
  });
});
