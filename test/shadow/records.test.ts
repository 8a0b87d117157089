import { describe, expect, it } from 'vitest';
import { parseRecord, RecordProblem, RecordSkipped } from '../../src/shadow/records.js';
import { converseRecord } from './fixtures.js';

const at = { file: 'f.jsonl', line: 1 };

describe('invocation log records', () => {
  it('reads a Converse record: request turns, system, inference settings, answer, tokens and service latency', async () => {
    const r = await parseRecord(converseRecord({ id: 'r1', prompt: 'What is the refund window?', answer: '30 days.', system: 'Be brief.', history: [{ role: 'user', text: 'hi' }, { role: 'assistant', text: 'hello' }] }), at);
    expect(r.requestId).toBe('r1');
    expect(r.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(r.request.messages.at(-1)!.text).toBe('What is the refund window?');
    expect(r.request).toMatchObject({ system: 'Be brief.', maxTokens: 200, temperature: 0.2, topP: 0.9 });
    expect(r.request.stopSequences).toBeUndefined();
    expect(r.production).toEqual({ output: '30 days.', inputTokens: 12, outputTokens: 7, latencyMs: 300, stopReason: 'end_turn' });
  });

  it('reads a ConverseStream record logged as a list of stream events', async () => {
    const rec = converseRecord({ id: 's1', prompt: 'q', answer: 'x', operation: 'ConverseStream' });
    (rec.output as Record<string, unknown>).outputBodyJson = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { delta: { text: 'Hel' }, contentBlockIndex: 0 } },
      { contentBlockDelta: { delta: { text: 'lo' }, contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'max_tokens' } },
      { metadata: { usage: { inputTokens: 3, outputTokens: 2 }, metrics: { latencyMs: 41 } } },
    ];
    const r = await parseRecord(rec, at);
    expect(r.production.output).toBe('Hello');
    expect(r.production.stopReason).toBe('max_tokens');
    expect(r.production.latencyMs).toBe(41);
  });

  it('reads InvokeModel bodies of Anthropic messages and Titan Text, and a response stream of chunks', async () => {
    const base = converseRecord({ id: 'i1', prompt: 'q', answer: 'a', operation: 'InvokeModel', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' });
    base.input.inputBodyJson = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, system: 'sys', messages: [{ role: 'user', content: 'Name a colour' }] } as never;
    base.output.outputBodyJson = { type: 'message', content: [{ type: 'text', text: 'Blue' }], stop_reason: 'end_turn' } as never;
    const a = await parseRecord(base, at);
    expect(a.request).toMatchObject({ system: 'sys', maxTokens: 50, messages: [{ role: 'user', text: 'Name a colour' }] });
    expect(a.production.output).toBe('Blue');

    const titan = converseRecord({ id: 'i2', prompt: 'q', answer: 'a', operation: 'InvokeModelWithResponseStream', modelId: 'amazon.titan-text-lite-v1' });
    titan.input.inputBodyJson = { inputText: 'Say hi', textGenerationConfig: { maxTokenCount: 20, temperature: 0 } } as never;
    titan.output.outputBodyJson = [{ outputText: 'Hi' }, { outputText: ' there', 'amazon-bedrock-invocationMetrics': { invocationLatency: 88 } }] as never;
    const t = await parseRecord(titan, at);
    expect(t.request).toMatchObject({ maxTokens: 20, temperature: 0, messages: [{ role: 'user', text: 'Say hi' }] });
    expect(t.production).toMatchObject({ output: 'Hi there', latencyMs: 88 });
  });

  it('reads a body delivered to S3 (large-data delivery) through the fetcher, and names the path when it cannot', async () => {
    const rec = converseRecord({ id: 'big', prompt: 'q', answer: 'long answer' });
    const body = rec.output.outputBodyJson;
    delete (rec.output as Record<string, unknown>).outputBodyJson;
    (rec.output as Record<string, unknown>).outputBodyS3Path = 's3://logs/data/big-output.json';
    const r = await parseRecord(rec, at, async (p) => (p === 's3://logs/data/big-output.json' ? body : undefined));
    expect(r.production.output).toBe('long answer');
    await expect(parseRecord(rec, at)).rejects.toThrow(/s3:\/\/logs\/data\/big-output\.json/);
  });

  it('refuses records that are not usable, with the reason and field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...converseRecord({ id: 'x', prompt: 'q', answer: 'a' }), schemaType: 'Other' }, /schemaType/],
      [{ ...converseRecord({ id: 'x', prompt: 'q', answer: 'a' }), operation: 'ApplyGuardrail' }, /operation "ApplyGuardrail"/],
      [{ ...converseRecord({ id: 'x', prompt: 'q', answer: 'a' }), requestId: undefined }, /requestId/],
      [{ ...converseRecord({ id: 'x', prompt: 'q', answer: 'a' }), timestamp: 'yesterday' }, /timestamp/],
      ['a string', /not a JSON object/],
    ];
    for (const [raw, message] of cases) {
      const err = await parseRecord(raw, at).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecordProblem);
      expect((err as Error).message).toMatch(message);
    }
    const failed = { ...converseRecord({ id: 'x', prompt: 'q', answer: 'a' }), errorCode: 'ThrottlingException' };
    await expect(parseRecord(failed, at)).rejects.toBeInstanceOf(RecordSkipped);
  });
});
