import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_SERVICE_LATENCY_HEADER } from '../../src/targets/connections.js';
import { SERVICE_LATENCY_HEADER } from '../../src/emulator/latency.js';
import { createAwsClients, createTarget, type AwsClients } from '../../src/targets/index.js';
import { converseFrames, startStub, type StubServer } from './h2c-stub.js';

const reply = { json: { output: { message: { role: 'assistant', content: [{ text: 'ok' }] } }, stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 }, metrics: { latencyMs: 7 } } };

let stub: StubServer | undefined;
let clients: AwsClients | undefined;
afterEach(async () => {
  clients?.destroy();
  await stub?.close();
  stub = undefined;
  clients = undefined;
});

async function setUp(opts: { maxStreamsPerSession?: number; gate?: Promise<void> } = {}) {
  stub = await startStub(async (req) => {
    await opts.gate;
    return req.path.endsWith('/converse-stream') ? { frames: converseFrames(['o', 'k']) } : reply;
  });
  clients = createAwsClients({ region: 'us-east-1', endpointUrl: stub.url, maxStreamsPerSession: opts.maxStreamsPerSession });
  return clients;
}

const model = (c: AwsClients, streaming: boolean) =>
  createTarget({ type: 'bedrock-model', id: streaming ? 's' : 'u', kind: 'base', modelId: 'm', inference: { maxTokens: 8, temperature: 0, streaming } }, c);
const ask = (t: ReturnType<typeof model>, i: number) => t.invoke({ itemId: `q${i}`, prompt: `question ${i}` }, { signal: AbortSignal.timeout(10_000) });

describe('one pooled HTTP/2 session per endpoint', () => {
  it('serves ConverseStream and Converse calls, one after another and concurrently, over a single connection', async () => {
    const c = await setUp();
    const streamed = model(c, true);
    const unstreamed = model(c, false);
    const first = await ask(streamed, 0);
    const rest = [];
    for (let i = 1; i < 10; i++) rest.push(await ask(i % 2 ? unstreamed : streamed, i));
    rest.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => ask(i % 2 ? unstreamed : streamed, 100 + i)))));
    expect(stub!.sessionsOpened()).toBe(1);
    expect(c.connections().runtime).toBe(1);
    // Only the call that found no connection paid for one; its set-up time is reported beside its latency.
    expect(first.connectionSetup).toBe(true);
    expect(first.connectionSetupMs).toBeGreaterThanOrEqual(0);
    for (const r of rest) expect(r.connectionSetup).toBeUndefined();
    expect(streamed.connections!.opened + unstreamed.connections!.opened).toBe(1);
    expect(rest.filter((r) => r.firstTokenMs !== undefined)).toHaveLength(14);
  });

  it('opens another session only when every open one has its maximum of concurrent streams', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = await setUp({ maxStreamsPerSession: 2, gate });
    const t = model(c, true);
    const calls = Array.from({ length: 6 }, (_, i) => ask(t, i));
    // Every call is in flight before the server answers any.
    while (stub!.requests.length < 6) await new Promise((r) => setTimeout(r, 5));
    release();
    const answers = await Promise.all(calls);
    expect(stub!.sessionsOpened()).toBe(3);
    expect(answers.filter((r) => r.connectionSetup)).toHaveLength(3);
  });

  it('attributes each new connection to its own call when concurrent calls share one abort signal', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = await setUp({ maxStreamsPerSession: 1, gate });
    const t = model(c, true);
    const shared = AbortSignal.timeout(10_000);
    const calls = Array.from({ length: 3 }, (_, i) => t.invoke({ itemId: `s${i}`, prompt: `question ${i}` }, { signal: shared }));
    while (stub!.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
    release();
    const answers = await Promise.all(calls);
    expect(stub!.sessionsOpened()).toBe(3);
    expect(answers.map((r) => r.connectionSetup)).toEqual([true, true, true]);
    expect(t.connections!.opened).toBe(3);
  });

  it('counts a reconnect after the server drops the session, and flags the call that paid it', async () => {
    const c = await setUp();
    const t = model(c, true);
    await ask(t, 0);
    expect((await ask(t, 1)).connectionSetup).toBeUndefined();
    stub!.dropSessions();
    // Wait for the client to see the close (an event, not a fixed delay: a loaded machine may take longer).
    while (c.connectionsClosed().runtime < 1) await new Promise((r) => setTimeout(r, 5));
    const after = await ask(t, 2);
    expect(after.connectionSetup).toBe(true);
    expect(c.connections().runtime).toBe(2);
    expect(stub!.sessionsOpened()).toBe(2);
  });

  it('drops the SDK logger middleware from the data-plane clients only (it filtered every call for a no-op logger)', async () => {
    const c = await setUp();
    expect(c.runtime.middlewareStack.identify().some((m) => m.startsWith('loggerMiddleware'))).toBe(false);
    expect(c.agentRuntime.middlewareStack.identify().some((m) => m.startsWith('loggerMiddleware'))).toBe(false);
    expect(c.bedrock.middlewareStack.identify().some((m) => m.startsWith('loggerMiddleware'))).toBe(true);
    expect((await ask(model(c, true), 1)).output).toBe('ok');
  });

  it('reads the emulator service-time header under the name the emulator sends', () => {
    expect(EMULATOR_SERVICE_LATENCY_HEADER).toBe(SERVICE_LATENCY_HEADER);
  });
});
