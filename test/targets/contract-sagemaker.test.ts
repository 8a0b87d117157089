/**
 * The SageMaker endpoint adapter through the Target contract (./contract.ts), in both container formats: against
 * the emulator (a JumpStart endpoint deployed through the real SageMaker SDK; faults injected on the data plane),
 * and against aws-sdk-client-mock replaying bodies shaped as TGI's router and the Messages API document them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { InvokeEndpointCommand, InvokeEndpointWithResponseStreamCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTarget, type SageMakerEndpointSpec, type TargetRequest } from '../../src/targets/index.js';
import type { ContainerFormat } from '../../src/models/jumpstart.js';
import { CONTRACT_CREDENTIALS, CONTRACT_RUNS, CONTRACT_SECRETS, FAULT_KINDS, targetContract, type ContractBackend, type FaultKind } from './contract.js';
import { deployEndpoint, smClients } from '../emulator/sagemaker-fixture.js';

const request: TargetRequest = { itemId: 'q0001', prompt: 'When does the Harrow rowing club boathouse open on weekdays?' };
const spec = (format: ContainerFormat, endpointName = 'contract-ep', streaming = true): SageMakerEndpointSpec => ({
  type: 'sagemaker-endpoint',
  id: 'jumpstart',
  kind: 'base',
  endpointName,
  modelId: endpointName,
  format,
  inference: { maxTokens: 64, temperature: 0, streaming },
});
const runtimeAt = (url: string) => new SageMakerRuntimeClient({ region: 'us-east-1', endpoint: url, credentials: CONTRACT_CREDENTIALS, maxAttempts: 1 });

type World = Record<'ok' | 'throttle' | 'server' | 'hang', { emu: RunningEmulator; runtime: SageMakerRuntimeClient }>;
let world: Promise<World> | undefined;
function emulators(): Promise<World> {
  world ??= (async () => {
    const start = async (faults?: string) => {
      const emu = await startEmulator({ dataDir: mkdtempSync(join(tmpdir(), 'ftrag-contract-sm-')), quiet: true, seed: 7, latencyProfile: 'none', provisioningDelayMs: 0, ...(faults ? { faults } : {}) });
      const c = smClients(emu.url, CONTRACT_CREDENTIALS);
      await deployEndpoint(c, 'contract-ep'); // control-plane calls never see injected faults
      c.sm.destroy();
      c.s3.destroy();
      return { emu, runtime: runtimeAt(emu.url) };
    };
    const [ok, throttle, server, hang] = await Promise.all([start(), start('throttle=1'), start('server-error=1'), start('slow=1,slow-ms=600000')]);
    return { ok, throttle, server, hang };
  })();
  return world;
}
afterAll(async () => {
  if (!world) return;
  for (const w of Object.values(await world)) {
    w.runtime.destroy();
    await w.emu.close();
  }
});

const EMULATOR_FAULTS: FaultKind[] = ['throttle', 'server', 'fatal', 'hang'];
function emulatorBackend(format: ContainerFormat): () => Promise<ContractBackend> {
  return async () => {
    const w = await emulators();
    const make = (runtime: SageMakerRuntimeClient, endpoint?: string) => createTarget(spec(format, endpoint), { runtime: undefined as never, agentRuntime: undefined as never, sagemakerRuntime: runtime });
    return {
      target: make(w.ok.runtime),
      request,
      faulty: (kind) => (kind === 'fatal' ? make(w.ok.runtime, 'no-such-endpoint') : make(w[kind as 'throttle' | 'server' | 'hang'].runtime)),
      secrets: CONTRACT_SECRETS,
      close: async () => undefined,
    };
  };
}

// Messages API endpoints report usage (prompt/completion tokens in the last chunk); TGI's stream reports only the
// generated tokens, so the input count is ftrag's tokenizer's and the usage is marked estimated.
targetContract(
  { adapter: 'sagemaker-endpoint messages', backend: 'emulator', usage: 'reported', serviceLatency: true, citations: false, output: /\S/, faults: EMULATOR_FAULTS },
  emulatorBackend('messages'),
);
targetContract(
  { adapter: 'sagemaker-endpoint tgi', backend: 'emulator', usage: 'estimated', serviceLatency: true, citations: false, output: /\S/, faults: EMULATOR_FAULTS },
  emulatorBackend('tgi'),
);

// aws-sdk-client-mock: documented bodies; the endpoint name picks the fault. AWS reports no model latency in the response.
const FAULTS: Record<string, { name: string; status: number; message: string }> = {
  'fault-throttle': { name: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
  'fault-server': { name: 'InternalFailure', status: 500, message: 'An internal failure occurred.' },
  'fault-fatal': { name: 'ValidationError', status: 400, message: 'Endpoint fault-fatal of account 123456789012 not found.' },
};
const sse = (events: unknown[]) => new TextEncoder().encode(events.map((e) => `data:${JSON.stringify(e)}\n\n`).join(''));
const STREAMS: Record<ContainerFormat, Uint8Array> = {
  tgi: sse([
    { index: 1, token: { id: 1, text: 'It opens', logprob: -0.1, special: false }, generated_text: null, details: null },
    { index: 2, token: { id: 2, text: ' at 6 am.', logprob: -0.1, special: false }, generated_text: 'It opens at 6 am.', details: { finish_reason: 'eos_token', generated_tokens: 6, seed: null } },
  ]),
  messages: sse([
    { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'It opens' }, finish_reason: null }] },
    { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: ' at 6 am.' }, finish_reason: 'stop' }] },
    { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 22, completion_tokens: 6, total_tokens: 28 } },
  ]),
};
const WHOLE: Record<ContainerFormat, unknown> = {
  tgi: [{ generated_text: 'It opens at 6 am.', details: { finish_reason: 'eos_token', generated_tokens: 6, seed: null, prefill: Array.from({ length: 22 }, (_, id) => ({ id, text: '', logprob: null })), tokens: [] } }],
  messages: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'It opens at 6 am.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 22, completion_tokens: 6, total_tokens: 28 } },
};

function mockBackend(format: ContainerFormat, streaming: boolean): () => Promise<ContractBackend> {
  return async () => {
    const runtime = runtimeAt('http://127.0.0.1:9');
    const mock = mockClient(runtime);
    const fail = (endpoint: string | undefined) => {
      const f = endpoint ? FAULTS[endpoint] : undefined;
      if (!f) return undefined;
      return Object.assign(new Error(f.message), { name: f.name, $metadata: { httpStatusCode: f.status }, $fault: f.status >= 500 ? 'server' : 'client' });
    };
    mock.on(InvokeEndpointWithResponseStreamCommand).callsFake((input: { EndpointName?: string }) => {
      const err = fail(input.EndpointName);
      if (err) throw err;
      const bytes = STREAMS[format];
      // Split the SSE bytes into three PayloadParts at arbitrary positions, as the service may.
      const cuts = [0, 17, 61, bytes.length];
      return { Body: (async function* () { for (let i = 0; i < 3; i++) yield { PayloadPart: { Bytes: bytes.subarray(cuts[i], cuts[i + 1]) } }; })() };
    });
    mock.on(InvokeEndpointCommand).callsFake((input: { EndpointName?: string }) => {
      const err = fail(input.EndpointName);
      if (err) throw err;
      return { Body: new TextEncoder().encode(JSON.stringify(WHOLE[format])), ContentType: 'application/json' };
    });
    const make = (endpoint: string) => createTarget(spec(format, endpoint, streaming), { runtime: undefined as never, agentRuntime: undefined as never, sagemakerRuntime: runtime });
    return { target: make('contract-ep'), request, faulty: (kind) => make(`fault-${kind}`), secrets: CONTRACT_SECRETS, close: async () => { mock.restore(); runtime.destroy(); } };
  };
}

const MOCK_FAULTS: FaultKind[] = ['throttle', 'server', 'fatal'];
for (const streaming of [true, false]) {
  targetContract(
    // Streaming TGI reports no input count; the whole answer's prefill does.
    { adapter: 'sagemaker-endpoint tgi', backend: 'aws-sdk-client-mock', usage: streaming ? 'estimated' : 'reported', serviceLatency: false, citations: false, output: /^It opens at 6 am\.$/, faults: MOCK_FAULTS },
    mockBackend('tgi', streaming),
  );
  targetContract(
    { adapter: 'sagemaker-endpoint messages', backend: 'aws-sdk-client-mock', usage: 'reported', serviceLatency: false, citations: false, output: /^It opens at 6 am\.$/, faults: MOCK_FAULTS },
    mockBackend('messages', streaming),
  );
}

describe('SageMaker contract coverage', () => {
  it('both container formats meet every fault on some backend', () => {
    for (const adapter of ['sagemaker-endpoint messages', 'sagemaker-endpoint tgi'] as const) {
      const covered = new Set(CONTRACT_RUNS.filter((r) => r.adapter === adapter).flatMap((r) => r.faults));
      for (const k of FAULT_KINDS) expect(covered.has(k), `${adapter}: ${k}`).toBe(true);
    }
  });
});
