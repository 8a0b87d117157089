import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { startHarness, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const MICRO = 'amazon.nova-micro-v1:0';
const QUESTION = 'Context: The Quillmere depot ships orders every Tuesday from Harbour Road. Question: When does the Quillmere depot ship orders?';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('Converse', () => {
  it('answers with text, usage and latency through the SDK over HTTP/2', async () => {
    const r = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage(QUESTION), inferenceConfig: { maxTokens: 64 } }));
    const text = r.output?.message?.content?.[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(r.output?.message?.role).toBe('assistant');
    expect(['end_turn', 'max_tokens', 'stop_sequence']).toContain(r.stopReason);
    expect(r.usage?.inputTokens).toBeGreaterThan(10);
    expect(r.usage?.totalTokens).toBe((r.usage?.inputTokens ?? 0) + (r.usage?.outputTokens ?? 0));
    expect(typeof r.metrics?.latencyMs).toBe('number');
  });

  it('is deterministic for a seed', async () => {
    const ask = () => h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage(QUESTION) }));
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(a.output).toEqual(b.output);
    expect(a.usage).toEqual(b.usage);
  });

  it.each([
    ['foundation-model ARN', `arn:aws:bedrock:us-east-1::foundation-model/${MICRO}`],
    ['us. inference profile', `us.${MICRO}`],
    ['global. inference profile', `global.${MICRO}`],
    ['inference-profile ARN', `arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.${MICRO}`],
  ])('accepts a %s', async (_label, modelId) => {
    const r = await h.clients.runtime.send(new ConverseCommand({ modelId, messages: userMessage(QUESTION) }));
    expect(r.output?.message?.content?.[0]?.text).toBeTruthy();
  });

  it('rejects an unknown model id with Bedrock\'s ValidationException', async () => {
    const err = await h.clients.runtime.send(new ConverseCommand({ modelId: 'amazon.nova-mega-v9:0', messages: userMessage('hi') })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationException);
    expect(err.message).toBe('The provided model identifier is invalid.');
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects an embedding model, a custom-model ARN, and unknown provisioned/deployment ARNs', async () => {
    const send = (modelId: string) => h.clients.runtime.send(new ConverseCommand({ modelId, messages: userMessage('hi') })).catch((e) => e);
    expect(await send('amazon.titan-embed-text-v2:0')).toBeInstanceOf(ValidationException);
    expect(await send('arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.nova-micro-v1:0:128k/abcdefabcdef')).toBeInstanceOf(ValidationException);
    expect(await send('arn:aws:bedrock:us-east-1:123456789012:provisioned-model/zzzzzzzzzzzz')).toBeInstanceOf(ResourceNotFoundException);
    expect(await send('arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/zzzzzzzzzzzz')).toBeInstanceOf(ResourceNotFoundException);
  });

  it('validates the body and names the field', async () => {
    const bad = await h.clients.runtime
      .send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi'), inferenceConfig: { temperature: 3 } }))
      .catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationException);
    expect(bad.message).toContain('inferenceConfig.temperature');
    const assistantFirst = await h.clients.runtime
      .send(new ConverseCommand({ modelId: MICRO, messages: [{ role: 'assistant', content: [{ text: 'x' }] }] }))
      .catch((e) => e);
    expect(assistantFirst).toBeInstanceOf(ValidationException);
    const empty = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: [] })).catch((e) => e);
    expect(empty).toBeInstanceOf(ValidationException);
  });

  it('honours maxTokens', async () => {
    const r = await h.clients.runtime.send(
      new ConverseCommand({ modelId: MICRO, messages: userMessage('Write a long description of the Quillmere depot and its many shipping routes across the region.'), inferenceConfig: { maxTokens: 2 } }),
    );
    expect(r.usage?.outputTokens).toBeLessThanOrEqual(2);
  });
});

describe('ConverseStream', () => {
  it('streams deltas whose concatenation equals the Converse text, then metadata with usage', async () => {
    const whole = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage(QUESTION) }));
    const s = await h.clients.runtime.send(new ConverseStreamCommand({ modelId: MICRO, messages: userMessage(QUESTION) }));
    const events: ConverseStreamOutput[] = [];
    for await (const ev of s.stream!) events.push(ev);
    const kinds = events.map((e) => Object.keys(e).find((k) => k !== '$unknown'));
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
    const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text).toBe(whole.output?.message?.content?.[0]?.text);
    const meta = events.at(-1)!.metadata!;
    expect(meta.usage).toEqual(whole.usage);
    expect(typeof meta.metrics?.latencyMs).toBe('number');
    expect(events.find((e) => e.messageStop)?.messageStop?.stopReason).toBe(whole.stopReason);
  });

  it('splits a longer answer into several deltas of a few words each', async () => {
    const prompt = `${QUESTION} Also, the depot on Harbour Road is run by Mira Okafor and opens at 7 am.`;
    const messages = userMessage(prompt);
    const system = [{ text: 'Answer in full sentences.' }];
    const whole = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, system, messages }));
    const words = (whole.output?.message?.content?.[0]?.text ?? '').match(/\S+/g) ?? [];
    const s = await h.clients.runtime.send(new ConverseStreamCommand({ modelId: MICRO, system, messages }));
    let deltas = 0;
    for await (const ev of s.stream!) if (ev.contentBlockDelta) deltas++;
    expect(deltas).toBe(Math.ceil(words.length / 3));
  });
});

describe('InvokeModel (Titan Text Embeddings V2)', () => {
  const invoke = (body: unknown) =>
    h.clients.runtime.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', accept: 'application/json', body: JSON.stringify(body) }));

  it('returns an embedding of the requested size with the input token count (body and header)', async () => {
    const r = await invoke({ inputText: 'Harbour Road depot', dimensions: 256 });
    const out = JSON.parse(new TextDecoder().decode(r.body));
    expect(out.embedding).toHaveLength(256);
    expect(out.inputTextTokenCount).toBeGreaterThan(0);
    const norm = Math.sqrt(out.embedding.reduce((s: number, x: number) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 5);
    const d = await invoke({ inputText: 'Harbour Road depot' });
    expect(JSON.parse(new TextDecoder().decode(d.body)).embedding).toHaveLength(1024);
  });

  it('returns embeddingsByType when asked and rejects bad dimensions', async () => {
    const r = await invoke({ inputText: 'x y z', dimensions: 512, embeddingTypes: ['float', 'binary'] });
    const out = JSON.parse(new TextDecoder().decode(r.body));
    expect(out.embeddingsByType.float).toHaveLength(512);
    expect(new Set(out.embeddingsByType.binary)).toEqual(new Set([0, 1]));
    await expect(invoke({ inputText: 'x', dimensions: 300 })).rejects.toBeInstanceOf(ValidationException);
    await expect(invoke({ dimensions: 256 })).rejects.toBeInstanceOf(ValidationException);
  });

  it('refuses a text model', async () => {
    const err = await h.clients.runtime
      .send(new InvokeModelCommand({ modelId: MICRO, contentType: 'application/json', body: JSON.stringify({ messages: [] }) }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationException);
  });
});

describe('CountTokens', () => {
  const HAIKU35 = 'anthropic.claude-3-5-haiku-20241022-v1:0';
  it('counts a Converse input exactly as Converse charges it', async () => {
    const messages = userMessage(QUESTION);
    const system = [{ text: 'Answer briefly.' }];
    const counted = await h.clients.runtime.send(new CountTokensCommand({ modelId: HAIKU35, input: { converse: { messages, system } } }));
    const charged = await h.clients.runtime.send(new ConverseCommand({ modelId: HAIKU35, messages, system }));
    expect(counted.inputTokens).toBe(charged.usage?.inputTokens);
  });

  it('counts an InvokeModel body', async () => {
    const r = await h.clients.runtime.send(
      new CountTokensCommand({ modelId: HAIKU35, input: { invokeModel: { body: new TextEncoder().encode(JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 10, messages: [{ role: 'user', content: 'one two three' }] })) } } }),
    );
    expect(r.inputTokens).toBe(3);
  });

  it('refuses models CountTokens does not serve (Nova, Llama, Titan) as Bedrock does', async () => {
    for (const modelId of [MICRO, 'meta.llama3-1-8b-instruct-v1:0', 'amazon.titan-embed-text-v2:0']) {
      const err = await h.clients.runtime.send(new CountTokensCommand({ modelId, input: { converse: { messages: userMessage('hi') } } })).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationException);
      expect(err.message).toBe("The provided model doesn't support counting tokens.");
    }
  });
});
