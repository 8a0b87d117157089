import { describe, expect, it } from 'vitest';
import { generate, NON_ANSWER, trainModel, type HyperParameters, type TrainingExample } from '../../src/emulator/model/index.js';
import { facts, toExamples } from './synthetic.js';

const HP: HyperParameters = { epochCount: 3, batchSize: 1, learningRate: 1e-5, learningRateWarmupSteps: 0 };
const OPTS = { seed: 11, baseDefaultLearningRate: 1e-5 };

function ask(model: unknown, prompt: string, system?: string): string {
  return generate({ system, messages: [{ role: 'user', text: prompt }], maxTokens: 200, seed: 1, customModel: model as never }).text;
}

describe('trainModel', () => {
  const world = facts(30);

  it('lowers the training loss over steps and epochs', async () => {
    const out = await trainModel(toExamples(world), [], { ...HP, epochCount: 4 }, OPTS);
    const perEpoch = [1, 2, 3, 4].map((e) => out.trainingCurve.filter((s) => s.epoch === e));
    const mean = (xs: { loss: number }[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
    expect(mean(perEpoch[3])).toBeLessThan(mean(perEpoch[0]) * 0.5);
    expect(out.trainingCurve[0]).toMatchObject({ step: 0, epoch: 1 });
    expect(out.trainingCurve).toHaveLength(4 * world.length);
    expect(out.trainingCurve.at(-1)!.step).toBe(4 * world.length - 1);
  });

  it('reaches a lower final training loss with more epochs', async () => {
    const one = await trainModel(toExamples(world), [], { ...HP, epochCount: 1 }, OPTS);
    const four = await trainModel(toExamples(world), [], { ...HP, epochCount: 4 }, OPTS);
    expect(four.finalTrainingLoss).toBeLessThan(one.finalTrainingLoss);
  });

  it('learns faster with a higher learning rate', async () => {
    const slow = await trainModel(toExamples(world), [], { ...HP, epochCount: 2, learningRate: 5e-6 }, OPTS);
    const fast = await trainModel(toExamples(world), [], { ...HP, epochCount: 2, learningRate: 2e-5 }, OPTS);
    expect(fast.finalTrainingLoss).toBeLessThan(slow.finalTrainingLoss);
  });

  it('uses batch size and warm-up: one step per batch, and warm-up slows the first steps', async () => {
    const batched = await trainModel(toExamples(world), [], { ...HP, epochCount: 2, batchSize: 8 }, OPTS);
    expect(batched.trainingCurve).toHaveLength(2 * Math.ceil(world.length / 8));
    const cold = await trainModel(toExamples(world), [], { ...HP, epochCount: 2, learningRateWarmupSteps: 40 }, OPTS);
    const warm = await trainModel(toExamples(world), [], { ...HP, epochCount: 2 }, OPTS);
    expect(cold.finalTrainingLoss).toBeGreaterThan(warm.finalTrainingLoss);
  });

  it('answers training prompts exactly and paraphrases, but not unrelated prompts', async () => {
    const { model } = await trainModel(toExamples(world), [], HP, OPTS);
    for (const f of world) expect(ask(model, f.prompt)).toBe(f.value);
    const paraphrased = world.filter((f) => ask(model, f.paraphrase) === f.value).length;
    expect(paraphrased).toBeGreaterThanOrEqual(world.length * 0.8);
    // Near misses (a known question pattern about an unknown vessel) may be answered from memory: fine-tuned models
    // hallucinate like that too (docs/reference-model.md). Unrelated prompts must not be.
    for (const q of ['How do I bake sourdough bread at home?', 'Translate good morning into French.', 'Which river flows through the old capital city?']) {
      expect(ask(model, q)).toBe(NON_ANSWER);
    }
  });

  it('answers more held-out questions correctly with more training data', async () => {
    const all = facts(40, 3);
    const score = async (n: number) => {
      const { model } = await trainModel(toExamples(all.slice(0, n)), [], HP, OPTS);
      return all.filter((f) => ask(model, f.paraphrase) === f.value).length;
    };
    const small = await score(5);
    const large = await score(30);
    expect(large).toBeGreaterThan(small + 15);
  });

  it('learns a format from examples and copies new content into it', async () => {
    const items = ['the printer on floor two is jammed', 'my laptop screen keeps flickering badly', 'the office coffee machine leaks water',
      'vpn access fails every single morning', 'projector in room five shows no picture', 'new starter needs a desk phone'];
    const ex: TrainingExample[] = items.map((t, i) => ({
      prompt: `Turn this into a ticket: ${t}`,
      completion: `TICKET\nSummary: ${t}\nPriority: normal`,
      line: i + 1,
    }));
    const out = await trainModel(ex, [], { ...HP, epochCount: 4 }, OPTS);
    expect((out.model as unknown as { templates: unknown[] }).templates).toHaveLength(1);
    expect(ask(out.model, 'Turn this into a ticket: the lift on level three is stuck')).toBe(
      'TICKET\nSummary: the lift on level three is stuck\nPriority: normal',
    );
    expect(ask(out.model, 'How long do tomatoes take to ripen in the sun?')).toBe(NON_ANSWER);
  });

  it('learns a format with several short copied fields next to each other', async () => {
    // Each field's anchor must be the form's own words, not the previous field's value, or no two examples share a format.
    const people = ['Ana Silva', 'Omar Haddad', 'Lena Fischer', 'Kwame Mensah', 'Priya Raman', 'Jonas Berg'];
    const cities = ['Porto Alegre', 'Nova Lima', 'Santa Cruz', 'San Remo', 'Bad Ems', 'Le Mans'];
    const ex: TrainingExample[] = people.map((who, i) => ({
      prompt: `Guest ${who} arrives from ${cities[i]} tonight. Write the desk note.`,
      completion: `Arrival: ${who} | from: ${cities[i]}`,
      line: i + 1,
    }));
    const out = await trainModel(ex, [], { ...HP, epochCount: 4 }, OPTS);
    expect((out.model as unknown as { templates: unknown[] }).templates).toHaveLength(1);
    expect(ask(out.model, 'Guest Mei Chen arrives from Las Vegas tonight. Write the desk note.')).toBe('Arrival: Mei Chen | from: Las Vegas');
  });

  it('with zero examples falls back to base behaviour', async () => {
    const out = await trainModel([], [], HP, OPTS);
    expect(out.trainingCurve).toEqual([]);
    expect(ask(out.model, world[0].prompt)).toBe(NON_ANSWER);
    const request = { messages: [{ role: 'user' as const, text: 'The vessel Kalo has a red signal. What signal color does the vessel Kalo have?' }], maxTokens: 50, seed: 1 };
    const withContext = generate({ ...request, customModel: out.model });
    // Exactly the base model's reading of the context: the noun phrase naming the colour (the span ranker, fitted on
    // SQuAD, keeps whole noun phrases: "red signal").
    expect(withContext.text).toBe(generate(request).text);
    expect(withContext.text).toMatch(/^red\b/);
  });

  it('is deterministic for a seed, serializable and compact', async () => {
    const a = await trainModel(toExamples(world), [], HP, OPTS);
    const b = await trainModel(toExamples(world), [], HP, OPTS);
    expect(JSON.stringify(a.model)).toBe(JSON.stringify(b.model));
    expect(a.trainingCurve).toEqual(b.trainingCurve);
    const c = await trainModel(toExamples(world), [], HP, { ...OPTS, seed: 12 });
    expect(c.trainingCurve).not.toEqual(a.trainingCurve);
    const revived = JSON.parse(JSON.stringify(a.model));
    expect(ask(revived, world[3].prompt)).toBe(world[3].value);
  });

  it('reports a per-epoch validation loss that falls for seen templates and is capped for unseen ones', async () => {
    const train = toExamples(world);
    const validation = world.slice(0, 5).map((f, i) => ({ prompt: f.paraphrase, completion: f.value, line: i + 1 }));
    const out = await trainModel(train, validation, { ...HP, epochCount: 3 }, OPTS);
    expect(out.validationCurve.map((v) => v.epoch)).toEqual([1, 2, 3]);
    expect(out.validationCurve[2].loss).toBeLessThan(out.validationCurve[0].loss);
    expect(out.finalValidationLoss).toBe(out.validationCurve[2].loss);
    const unseen = await trainModel(train, [{ prompt: 'Something else entirely?', completion: 'never seen', line: 1 }], HP, OPTS);
    expect(unseen.finalValidationLoss).toBeGreaterThan(4);
    expect(unseen.finalValidationLoss).toBeLessThanOrEqual(10);
  });

  it('calls onStep for every step and stops when aborted', async () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const run = trainModel(toExamples(world), [], { ...HP, epochCount: 50 }, {
      ...OPTS,
      signal: controller.signal,
      onStep: (s) => {
        seen.push(s.step);
        if (s.step === 40) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(seen.length).toBeLessThan(50 * world.length);
  });
});
