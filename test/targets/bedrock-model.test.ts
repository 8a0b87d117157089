import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, createBedrockModelTarget, createTarget, TargetError, type AwsClients } from '../../src/targets/index.js';
import { converseFrames, startStub, type StubHandler, type StubServer } from './h2c-stub.js';

let handler: StubHandler = () => ({ frames: converseFrames(['Hel', 'lo']) });
let stub: StubServer;
let clients: AwsClients;

beforeAll(async () => {
  stub = await startStub((req) => handler(req));
  clients = createAwsClients({ region: 'us-east-1', endpointUrl: stub.url });
});
afterAll(async () => {
  clients.destroy();
  await stub.close();
});
afterEach(() => {
  stub.requests.length = 0;
});

const inference = { maxTokens: 64, temperature: 0, system: 'Be brief.' };
const target = () => createBedrockModelTarget({ id: 'base', kind: 'base', modelId: 'amazon.nova-micro-v1:0', runtime: clients.runtime, inference });
const signal = () => AbortSignal.timeout(5000);

async function invokeError(t = target()): Promise<TargetError> {
  try {
    await t.invoke({ itemId: 'q1', prompt: 'hi' }, { signal: signal() });
  } catch (err) {
    expect(err).toBeInstanceOf(TargetError);
    return err as TargetError;
  }
  throw new Error('expected the call to fail');
}

describe('bedrock-model target through the real SDK over h2c', () => {
  it('streams text, usage, service latency, stop reason and first-token time', async () => {
    handler = () => ({ frames: converseFrames(['The answer', ' is 42.'], { inputTokens: 17, outputTokens: 5 }, 33), frameDelayMs: 5 });
    const r = await target().invoke({ itemId: 'q1', prompt: 'What is it?' }, { signal: signal() });
    expect(r.output).toBe('The answer is 42.');
    expect(r.usage).toEqual({ inputTokens: 17, outputTokens: 5 });
    expect(r.serviceLatencyMs).toBe(33);
    expect(r.stopReason).toBe('end_turn');
    expect(r.firstTokenMs).toBeGreaterThan(0);
    expect(r.firstTokenMs!).toBeLessThanOrEqual(r.latencyMs);
    const req = stub.requests[0];
    expect(req.path).toBe('/model/amazon.nova-micro-v1:0/converse-stream');
    expect(req.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'What is it?' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0 },
    });
  });

  it('passes ARNs through as the model id and lets the request override inference settings', async () => {
    handler = () => ({ frames: converseFrames(['ok']) });
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:custom-model-deployment/abc123def456';
    const t = createTarget({ type: 'bedrock-model', id: 'ft', kind: 'fine-tuned', modelId: arn, inference }, clients);
    await t.invoke({ itemId: 'q', prompt: 'p', system: 'Own system', maxTokens: 9, temperature: 0.5 }, { signal: signal() });
    expect(stub.requests[0].path).toBe(`/model/${arn}/converse-stream`);
    expect(stub.requests[0].body).toMatchObject({ system: [{ text: 'Own system' }], inferenceConfig: { maxTokens: 9, temperature: 0.5 } });
  });

  it('uses Converse (no first-token time) when streaming is off', async () => {
    handler = (req) =>
      req.path.endsWith('/converse')
        ? { json: { output: { message: { role: 'assistant', content: [{ text: 'Plain ' }, { text: 'answer' }] } }, stopReason: 'max_tokens', usage: { inputTokens: 8, outputTokens: 2, totalTokens: 10 }, metrics: { latencyMs: 21 } } }
        : { error: 'ValidationException', status: 400 };
    const t = createBedrockModelTarget({ id: 'b', kind: 'base', modelId: 'amazon.nova-micro-v1:0', runtime: clients.runtime, inference: { ...inference, streaming: false } });
    const r = await t.invoke({ itemId: 'q', prompt: 'p' }, { signal: signal() });
    expect(r).toMatchObject({ output: 'Plain answer', usage: { inputTokens: 8, outputTokens: 2 }, serviceLatencyMs: 21, stopReason: 'max_tokens' });
    expect(r.firstTokenMs).toBeUndefined();
    expect(stub.requests[0].path).toBe('/model/amazon.nova-micro-v1:0/converse');
  });

  it('omits usage (not zero) when the stream has no metadata event', async () => {
    handler = () => ({ frames: converseFrames(['x']).filter((f) => !('event' in f) || f.event !== 'metadata') });
    const r = await target().invoke({ itemId: 'q', prompt: 'p' }, { signal: signal() });
    expect(r.output).toBe('x');
    expect(r.usage).toBeUndefined();
  });

  it.each([
    ['ThrottlingException', 429, { retryable: true, throttled: true }],
    ['ModelNotReadyException', 429, { retryable: true, throttled: true }],
    ['InternalServerException', 500, { retryable: true, throttled: false }],
    ['ServiceUnavailableException', 503, { retryable: true, throttled: false }],
    ['ModelTimeoutException', 408, { retryable: true, throttled: false }],
    ['ValidationException', 400, { retryable: false, throttled: false }],
    ['AccessDeniedException', 403, { retryable: false, throttled: false }],
    ['ResourceNotFoundException', 404, { retryable: false, throttled: false }],
  ] as const)('maps HTTP %s (%i) to a TargetError', async (name, status, expected) => {
    handler = () => ({ error: name, status, message: `${name} happened` });
    const err = await invokeError();
    expect(err.code).toBe(name);
    expect({ retryable: err.retryable, throttled: err.throttled }).toEqual(expected);
    expect(err.message).toContain('happened');
  });

  it('treats an unknown 429 with the "Too many requests" message as throttling', async () => {
    handler = () => ({ error: 'SomethingNew', status: 429, message: 'Too many requests, please wait before trying again.' });
    const err = await invokeError();
    expect(err.throttled).toBe(true);
    expect(err.retryable).toBe(true);
  });

  it.each([
    ['throttlingException', { retryable: true, throttled: true }],
    ['internalServerException', { retryable: true, throttled: false }],
    ['modelStreamErrorException', { retryable: true, throttled: false }],
    ['validationException', { retryable: false, throttled: false }],
  ] as const)('maps a mid-stream %s exception event', async (member, expected) => {
    handler = () => ({ frames: [...converseFrames(['partial']).slice(0, 2), { exception: member, body: { message: 'mid-stream' } }] });
    const err = await invokeError();
    expect({ retryable: err.retryable, throttled: err.throttled }).toEqual(expected);
    expect(err.code.toLowerCase()).toBe(member.toLowerCase());
  });

  it('turns a reset stream into a retryable network error', async () => {
    handler = () => ({ frames: converseFrames(['a', 'b']).slice(0, 2), resetAfterFrames: true });
    const err = await invokeError();
    expect(err.retryable).toBe(true);
    expect(err.throttled).toBe(false);
  });

  it('aborts a hung call when the timeout fires (retryable Timeout) and on cancel (not retryable)', async () => {
    handler = () => ({ hang: true });
    const timedOut = await target()
      .invoke({ itemId: 'q', prompt: 'p' }, { signal: AbortSignal.timeout(50) })
      .catch((e: unknown) => e as TargetError);
    expect(timedOut).toBeInstanceOf(TargetError);
    expect((timedOut as TargetError).code).toBe('Timeout');
    expect((timedOut as TargetError).retryable).toBe(true);

    const controller = new AbortController();
    const pending = target().invoke({ itemId: 'q', prompt: 'p' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 20);
    const cancelled = await pending.catch((e: unknown) => e as TargetError);
    expect((cancelled as TargetError).code).toBe('Aborted');
    expect((cancelled as TargetError).retryable).toBe(false);
  });

  it('aborts a stream that stalls after the first token', async () => {
    handler = () => ({ frames: [...converseFrames(['a']).slice(0, 2), ...converseFrames(['b']).slice(1)], frameDelayMs: 2000 });
    const err = await target()
      .invoke({ itemId: 'q', prompt: 'p' }, { signal: AbortSignal.timeout(100) })
      .catch((e: unknown) => e as TargetError);
    expect((err as TargetError).code).toBe('Timeout');
  });
});
