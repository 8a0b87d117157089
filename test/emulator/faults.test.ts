import { afterEach, describe, expect, it } from 'vitest';
import { ConverseCommand, ConverseStreamCommand, InternalServerException, ServiceUnavailableException, ThrottlingException, BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { RetrieveCommand, ThrottlingException as AgentThrottlingException } from '@aws-sdk/client-bedrock-agent-runtime';
import { ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import { parseFaults, drawFault } from '../../src/emulator/faults.js';
import { clientsFor, destroyClients, startHarness, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const MICRO = 'amazon.nova-micro-v1:0';
let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});


describe('fault injection', () => {
  it('parses the --faults syntax and rejects nonsense', () => {
    expect(parseFaults('throttle=0.1,server-error=0.02,slow=0.05,reset=0.01')).toEqual({ throttle: 0.1, serverError: 0.02, slow: 0.05, reset: 0.01 });
    expect(() => parseFaults('explode=0.1')).toThrow(/unknown fault/);
    expect(() => parseFaults('throttle=2')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('throttle=0.7,reset=0.5')).toThrow(/must not exceed 1/);
  });

  it('draws are seeded: same seed and request number, same fault; rates are honoured', () => {
    const rates = { throttle: 0.3, serverError: 0.1 };
    const a = Array.from({ length: 2000 }, (_, i) => drawFault(rates, 5, i).kind);
    const b = Array.from({ length: 2000 }, (_, i) => drawFault(rates, 5, i).kind);
    expect(a).toEqual(b);
    const share = (k: string) => a.filter((x) => x === k).length / a.length;
    expect(share('throttle')).toBeGreaterThan(0.25);
    expect(share('throttle')).toBeLessThan(0.35);
    expect(share('server-error')).toBeGreaterThan(0.07);
    expect(share('server-error')).toBeLessThan(0.13);
  });

  it('throttles with a typed ThrottlingException (429) when retries are off', async () => {
    h = await startHarness({ faults: 'throttle=1' });
    const client = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const err = await client.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    client.destroy();
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err.$metadata.httpStatusCode).toBe(429);
    const agent = clientsFor(h.emu, { maxAttempts: 1 });
    const agentErr = await agent.agentRuntime
      .send(new RetrieveCommand({ knowledgeBaseId: 'KB00000000', retrievalQuery: { text: 'x' } }))
      .catch((e) => e);
    destroyClients(agent);
    expect(agentErr).toBeInstanceOf(AgentThrottlingException);
  });

  it('never injects faults into the control plane', async () => {
    h = await startHarness({ faults: 'throttle=1' });
    const r = await h.clients.bedrock.send(new ListFoundationModelsCommand({}));
    expect(r.modelSummaries?.length).toBeGreaterThan(0);
  });

  it('the SDK retry recovers from injected throttling (throttle=0.5, seeded)', async () => {
    h = await startHarness({ faults: 'throttle=0.5', seed: 3 });
    const client = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 4 });
    let recovered = 0;
    let attemptsTotal = 0;
    for (let i = 0; i < 4; i++) {
      const r = await client.send(new ConverseCommand({ modelId: MICRO, messages: userMessage(`question ${i}`) })).catch((e) => e);
      if (r instanceof Error) continue;
      attemptsTotal += r.$metadata.attempts ?? 1;
      if ((r.$metadata.attempts ?? 1) > 1) recovered++;
    }
    client.destroy();
    expect(recovered).toBeGreaterThan(0);
    expect(attemptsTotal).toBeGreaterThan(4);
  });

  it.each([
    ['server-error=1', InternalServerException, 500],
    ['unavailable=1', ServiceUnavailableException, 503],
  ] as const)('%s gives a typed exception', async (faults, type, status) => {
    h = await startHarness({ faults });
    const client = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const err = await client.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    client.destroy();
    expect(err).toBeInstanceOf(type);
    expect(err.$metadata.httpStatusCode).toBe(status);
  });

  it('reset drops the stream without a response', async () => {
    h = await startHarness({ faults: 'reset=1' });
    const client = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const err = await client.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    client.destroy();
    expect(err).toBeInstanceOf(Error);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
  });

  it('mid-stream faults arrive as typed exception events after some deltas', async () => {
    h = await startHarness({ faults: 'throttle=1' });
    const client = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    // Half of stream faults are mid-stream (seeded); try a few requests and require at least one of each kind.
    let midStream = 0;
    let beforeStream = 0;
    for (let i = 0; i < 8; i++) {
      try {
        const s = await client.send(new ConverseStreamCommand({ modelId: MICRO, messages: userMessage('Context: The depot opens at 7. Question: When does the depot open?') }));
        let sawEvent = false;
        try {
          for await (const ev of s.stream!) if (ev.messageStart) sawEvent = true;
        } catch (e) {
          expect(e).toBeInstanceOf(ThrottlingException);
          expect(sawEvent).toBe(true);
          midStream++;
        }
      } catch (e) {
        expect(e).toBeInstanceOf(ThrottlingException);
        beforeStream++;
      }
    }
    client.destroy();
    expect(midStream).toBeGreaterThan(0);
    expect(beforeStream).toBeGreaterThan(0);
  });
});
