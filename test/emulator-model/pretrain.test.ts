/**
 * Continued pre-training of the reference model on unlabeled text, in a domain unlike the demo (a fictional network
 * of mountain observatories, prose in varied sentence shapes): it must learn something (recall facts stated in the
 * documents when asked without context), never answer with a fact the documents do not hold, and its recall must
 * depend on training (epochs, learning rate) and fall as more text competes for its fixed memory.
 */
import { describe, expect, it } from 'vitest';
import { generate, NON_ANSWER, pretrainModel, type TrainedModel } from '../../src/emulator/model/index.js';
import { squadF1 } from '../../src/scoring/squad.js';

const PEAKS = ['Askerfell', 'Brannoch', 'Corvel', 'Dunmarrow', 'Elsket', 'Fennhold', 'Garrowby', 'Hestmoor', 'Ilvane', 'Jorsk', 'Kelbrae', 'Lornach'];
const LENSES = ['refractor', 'reflector', 'astrograph', 'coronagraph'];

interface Fact {
  question: string;
  answer: string;
}

/** One document per observatory; each fact in its own sentence, in one of several phrasings. */
function observatories(count: number, offset = 0): { texts: string[]; facts: Fact[] } {
  const texts: string[] = [];
  const facts: Fact[] = [];
  for (let i = 0; i < count; i++) {
    const k = i + offset;
    const name = `${PEAKS[k % PEAKS.length]}${k >= PEAKS.length ? ` ${Math.floor(k / PEAKS.length) + 1}` : ''} Observatory`;
    const altitude = `${1200 + ((k * 137) % 2300)} metres`;
    const director = ['Ione Vasquel', 'Tamsin Oreby', 'Halvor Quist', 'Marit Selden', 'Odile Fanshaw', 'Rurik Delmonte'][k % 6];
    const year = String(1931 + ((k * 7) % 80));
    const lens = LENSES[k % LENSES.length];
    const shapes = [
      `${name} sits at an altitude of ${altitude} above sea level.`,
      `Since its founding, ${name} has been led by its director, ${director}.`,
      `Construction of ${name} was completed in ${year}, after four summers of work.`,
      `The main instrument at ${name} is a ${lens} with a mirror cast in the valley.`,
    ];
    texts.push(`# ${name}\n\n${shapes.join(' ')}\n\nVisitors reach the site by a cable car from the village below.`);
    facts.push(
      { question: `What is the altitude of ${name}?`, answer: altitude },
      { question: `Who is the director of ${name}?`, answer: director },
      { question: `In which year was construction of ${name} completed?`, answer: year },
      { question: `What is the main instrument at ${name}?`, answer: lens },
    );
  }
  return { texts, facts };
}

const HP = { epochCount: 5, batchSize: 1, learningRate: 1e-5, learningRateWarmupSteps: 5 };

async function pretrain(texts: string[], hp = HP): Promise<TrainedModel> {
  return (await pretrainModel(texts, [], hp, { seed: 11, baseDefaultLearningRate: 1e-5 })).model;
}

function ask(model: TrainedModel | undefined, question: string): string {
  return generate({ messages: [{ role: 'user', text: question }], maxTokens: 64, seed: 1, customModel: model }).text;
}

function meanF1(model: TrainedModel | undefined, facts: Fact[]): number {
  return facts.reduce((s, f) => s + squadF1(ask(model, f.question), [f.answer]), 0) / facts.length;
}

describe('continued pre-training (reference model)', () => {
  it('recalls facts stated in its documents when asked without context, where the base model cannot', async () => {
    const { texts, facts } = observatories(8);
    const model = await pretrain(texts);
    expect(meanF1(undefined, facts)).toBe(0);
    const f1 = meanF1(model, facts);
    if (process.env.CPT_FIGURES) console.log("cpt recall F1", f1);
    expect(f1).toBeGreaterThan(0.25);
  });

  it('never answers with a fact the documents do not hold, and abstains on unrelated questions', async () => {
    const { texts } = observatories(8);
    const model = await pretrain(texts);
    const absent = observatories(4, 8).facts; // observatories it was never shown
    for (const f of absent) expect(squadF1(ask(model, f.question), [f.answer])).toBe(0);
    expect(ask(model, 'What is the boiling point of liquid nitrogen?')).toBe(NON_ANSWER);
    // Whatever it says comes from the training text.
    const corpus = texts.join(' ');
    for (const f of absent) {
      const a = ask(model, f.question);
      if (a !== NON_ANSWER) expect(corpus).toContain(a);
    }
  });

  it('learns less with too little training: one epoch at a tenth of the learning rate recalls less than the defaults', async () => {
    const { texts, facts } = observatories(8);
    const trained = meanF1(await pretrain(texts), facts);
    const under = meanF1(await pretrain(texts, { ...HP, epochCount: 1, learningRate: 1e-6 }), facts);
    if (process.env.CPT_FIGURES) console.log("trained", trained, "under", under);
    expect(under).toBeLessThan(trained - 0.2);
  });

  it('recalls a smaller share of the same facts when much more text competes for its fixed memory', async () => {
    const small = observatories(6);
    const large = observatories(400);
    const fewF1 = meanF1(await pretrain(small.texts), small.facts);
    const manyF1 = meanF1(await pretrain(large.texts), small.facts);
    if (process.env.CPT_FIGURES) console.log("few", fewF1, "many", manyF1);
    expect(manyF1).toBeLessThan(fewF1 - 0.1);
  });

  it('is deterministic for a seed', async () => {
    const { texts } = observatories(5);
    const a = await pretrain(texts);
    const b = await pretrain(texts);
    expect(a.weights).toBe(b.weights);
  });
});
