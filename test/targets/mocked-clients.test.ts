import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockRuntimeClient, ConverseStreamCommand, ThrottlingException, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient, RetrieveAndGenerateCommand, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { createBedrockKbTarget, createBedrockModelTarget, endpointKeyOf, TargetError, toTargetError } from '../../src/targets/index.js';

async function* events(list: unknown[]) {
  for (const e of list) yield e;
}

const inference = { maxTokens: 32, temperature: 0 };

describe('targets against aws-sdk-client-mock', () => {
  it('collects a mocked ConverseStream', async () => {
    const runtime = new BedrockRuntimeClient({ region: 'us-east-1' });
    const mock = mockClient(runtime);
    mock.on(ConverseStreamCommand).resolves({
      stream: events([
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { delta: { text: 'Paris' }, contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'max_tokens' } },
        { metadata: { usage: { inputTokens: 4, outputTokens: 1, totalTokens: 5 }, metrics: { latencyMs: 7 } } },
      ]) as any,
    });
    const t = createBedrockModelTarget({ id: 'b', kind: 'base', modelId: 'us.amazon.nova-lite-v1:0', runtime, inference });
    const r = await t.invoke({ itemId: '1', prompt: 'Capital of France?' }, { signal: new AbortController().signal });
    expect(r).toMatchObject({ output: 'Paris', usage: { inputTokens: 4, outputTokens: 1 }, serviceLatencyMs: 7, stopReason: 'max_tokens' });
    expect(mock.commandCalls(ConverseStreamCommand)[0].args[0].input.modelId).toBe('us.amazon.nova-lite-v1:0');
  });

  it('maps typed SDK exceptions', async () => {
    const runtime = new BedrockRuntimeClient({ region: 'us-east-1' });
    const mock = mockClient(runtime);
    mock
      .on(ConverseStreamCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Too many tokens', $metadata: { httpStatusCode: 429 } }))
      .rejects(new ValidationException({ message: 'The provided model identifier is invalid.', $metadata: { httpStatusCode: 400 } }));
    const t = createBedrockModelTarget({ id: 'b', kind: 'base', modelId: 'bad', runtime, inference });
    const s = new AbortController().signal;
    await expect(t.invoke({ itemId: '1', prompt: 'x' }, { signal: s })).rejects.toMatchObject({ code: 'ThrottlingException', throttled: true, retryable: true });
    await expect(t.invoke({ itemId: '1', prompt: 'x' }, { signal: s })).rejects.toMatchObject({ code: 'ValidationException', retryable: false });
  });

  it('RetrieveAndGenerate with no citations still estimates usage from prompt and output', async () => {
    const agentRuntime = new BedrockAgentRuntimeClient({ region: 'us-east-1' });
    const mock = mockClient(agentRuntime);
    mock.on(RetrieveAndGenerateCommand).resolves({ sessionId: 's', output: { text: 'I do not know.' }, citations: [] });
    mock.on(RetrieveCommand).rejects(new Error('should not be called'));
    const t = createBedrockKbTarget({
      id: 'r', kind: 'rag', knowledgeBaseId: 'KB', modelId: 'arn:aws:bedrock:us-east-1::foundation-model/x', mode: 'retrieve-and-generate',
      numberOfResults: 5, runtime: new BedrockRuntimeClient({ region: 'us-east-1' }), agentRuntime, inference, region: 'us-east-1',
    });
    const r = await t.invoke({ itemId: '1', prompt: 'Unknown?' }, { signal: new AbortController().signal });
    expect(r.usage?.estimated).toBe(true);
    expect(r.usage!.outputTokens).toBeGreaterThan(0);
    expect(r.contexts).toEqual([]);
    expect(mock.commandCalls(RetrieveAndGenerateCommand)[0].args[0].input.retrieveAndGenerateConfiguration?.knowledgeBaseConfiguration?.modelArn).toBe(
      'arn:aws:bedrock:us-east-1::foundation-model/x',
    );
  });

  it('maps network errors and keeps unknown client errors non-retryable', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(toTargetError(reset)).toMatchObject({ code: 'ECONNRESET', retryable: true, throttled: false });
    const h2 = Object.assign(new Error('Stream closed with error code NGHTTP2_INTERNAL_ERROR'), { code: 'ERR_HTTP2_STREAM_ERROR' });
    expect(toTargetError(h2).retryable).toBe(true);
    const weird = Object.assign(new Error('nope'), { name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
    expect(toTargetError(weird)).toMatchObject({ code: 'ConflictException', retryable: false });
    const bad502 = Object.assign(new Error('bad gateway'), { name: 'BadGatewayException', $metadata: { httpStatusCode: 502 } });
    expect(toTargetError(bad502).retryable).toBe(true);
    const te = new TargetError('x', 'Custom', { retryable: false });
    expect(toTargetError(te)).toBe(te);
  });

  it('gives every endpoint its own cache key', () => {
    expect(endpointKeyOf({ region: 'us-east-1' })).toBe('aws:us-east-1');
    expect(endpointKeyOf({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4000/' })).toBe(endpointKeyOf({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4000' }));
    expect(endpointKeyOf({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4000' })).not.toBe(endpointKeyOf({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:4001' }));
  });
});
