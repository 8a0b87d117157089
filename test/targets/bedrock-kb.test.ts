import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTokens } from '../../src/util/tokenizer.js';
import {
  createAwsClients,
  createBedrockKbTarget,
  createTarget,
  DEFAULT_RAG_TEMPLATE,
  renderRagPrompt,
  toModelArn,
  type AwsClients,
} from '../../src/targets/index.js';
import { converseFrames, startStub, type StubHandler, type StubServer } from './h2c-stub.js';

const passages = [
  { content: { type: 'TEXT', text: 'Zorblax was founded in 2031 in Oslo.' }, location: { type: 'S3', s3Location: { uri: 's3://kb/history.md' } }, score: 0.91, metadata: { 'x-amz-bedrock-kb-chunk-id': 'c1' } },
  { content: { type: 'TEXT', text: 'Zorblax sells $5 widgets.' }, location: { type: 'S3', s3Location: { uri: 's3://kb/products.md' } }, score: 0.55 },
];

let handler: StubHandler;
let stub: StubServer;
let clients: AwsClients;
beforeAll(async () => {
  stub = await startStub((req) => handler(req));
  clients = createAwsClients({ region: 'us-west-2', endpointUrl: stub.url });
});
afterAll(async () => {
  clients.destroy();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
  handler = (req) => {
    if (req.path.endsWith('/retrieve')) return { json: { retrievalResults: passages } };
    if (req.path.endsWith('/converse-stream')) return { frames: converseFrames(['Founded in 2031 [1].'], { inputTokens: 120, outputTokens: 8 }) };
    if (req.path === '/retrieveAndGenerate') {
      return {
        json: {
          sessionId: 's1',
          output: { text: 'It was founded in 2031.' },
          citations: [
            { generatedResponsePart: { textResponsePart: { text: 'It was founded in 2031.', span: { start: 0, end: 22 } } }, retrievedReferences: [passages[0]] },
            { generatedResponsePart: { textResponsePart: { text: 'It was founded', span: { start: 0, end: 13 } } }, retrievedReferences: [passages[0], passages[1]] },
          ],
        },
      };
    }
    return { error: 'ResourceNotFoundException', status: 404 };
  };
});

const inference = { maxTokens: 100, temperature: 0 };
const signal = () => AbortSignal.timeout(5000);

describe('bedrock-kb target, retrieve-then-converse', () => {
  it('retrieves, prompts the generator with numbered passages, measures usage and reports contexts and citations', async () => {
    const t = createTarget(
      { type: 'bedrock-kb', id: 'rag', kind: 'rag', knowledgeBaseId: 'KB12345678', modelId: 'amazon.nova-lite-v1:0', mode: 'retrieve-then-converse', numberOfResults: 2, searchType: 'SEMANTIC', inference },
      clients,
    );
    const r = await t.invoke({ itemId: 'q1', prompt: 'When was Zorblax founded?' }, { signal: signal() });
    expect(r.output).toBe('Founded in 2031 [1].');
    expect(r.usage).toEqual({ inputTokens: 120, outputTokens: 8 });
    expect(r.contexts).toEqual([
      { text: passages[0].content.text, uri: 's3://kb/history.md', score: 0.91, metadata: { 'x-amz-bedrock-kb-chunk-id': 'c1' } },
      { text: passages[1].content.text, uri: 's3://kb/products.md', score: 0.55 },
    ]);
    // The answer cites [1] only, so only that passage is reported as used.
    expect(r.citations).toEqual([{ text: r.output, references: [r.contexts![0]] }]);
    expect(r.firstTokenMs).toBeGreaterThan(0);

    const [retrieve, converse] = stub.requests;
    expect(retrieve.path).toBe('/knowledgebases/KB12345678/retrieve');
    expect(retrieve.body).toEqual({
      retrievalQuery: { text: 'When was Zorblax founded?' },
      retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 2, overrideSearchType: 'SEMANTIC' } },
    });
    expect(converse.path).toBe('/model/amazon.nova-lite-v1:0/converse-stream');
    const prompt = (converse.body as { messages: Array<{ content: Array<{ text: string }> }> }).messages[0].content[0].text;
    expect(prompt).toContain('[1] Zorblax was founded in 2031 in Oslo.');
    expect(prompt).toContain('[2] Zorblax sells $5 widgets.');
    expect(prompt.endsWith('Question: When was Zorblax founded?')).toBe(true);
  });

  it('reports the service latency as Retrieve time plus the Converse metrics.latencyMs', async () => {
    const converseServiceMs = 987_654; // far from any real wall time, so the sum is recognisable
    handler = (req) => {
      if (req.path.endsWith('/retrieve')) return { json: { retrievalResults: passages } };
      return { frames: converseFrames(['Founded in 2031 [1].'], { inputTokens: 120, outputTokens: 8 }, converseServiceMs) };
    };
    const t = createBedrockKbTarget({ id: 'rag', kind: 'rag', knowledgeBaseId: 'KB1', modelId: 'm', mode: 'retrieve-then-converse', numberOfResults: 2, runtime: clients.runtime, agentRuntime: clients.agentRuntime, inference });
    const r = await t.invoke({ itemId: 'q', prompt: 'When?' }, { signal: signal() });
    const retrievePart = r.serviceLatencyMs! - converseServiceMs;
    // The Retrieve share is a real, positive part of the call, never more than the whole call's client time.
    expect(retrievePart).toBeGreaterThan(0);
    expect(retrievePart).toBeLessThanOrEqual(r.latencyMs);
  });

  it('substitutes $search_results$ and $query$ in a user template literally', () => {
    const out = renderRagPrompt('Q=$query$ | $search_results$', 'cost in $$?', [{ text: 'costs $& $1' }]);
    expect(out).toBe('Q=cost in $$? | [1] costs $& $1');
    expect(DEFAULT_RAG_TEMPLATE).toContain('$search_results$');
  });

  it('maps a Retrieve throttle from the agent runtime', async () => {
    handler = () => ({ error: 'ThrottlingException', status: 429 });
    const t = createBedrockKbTarget({ id: 'rag', kind: 'rag', knowledgeBaseId: 'KB1', modelId: 'm', mode: 'retrieve-then-converse', numberOfResults: 3, runtime: clients.runtime, agentRuntime: clients.agentRuntime, inference });
    const err = await t.invoke({ itemId: 'q', prompt: 'p' }, { signal: signal() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TargetError', code: 'ThrottlingException', retryable: true, throttled: true });
  });
});

describe('bedrock-kb target, retrieve-and-generate', () => {
  it('sends the generator as a foundation-model ARN, returns citations and contexts, estimates usage', async () => {
    const t = createBedrockKbTarget({
      id: 'rag-rag', kind: 'rag', knowledgeBaseId: 'KB12345678', modelId: 'amazon.nova-lite-v1:0', mode: 'retrieve-and-generate', numberOfResults: 4,
      runtime: clients.runtime, agentRuntime: clients.agentRuntime, inference,
    });
    const r = await t.invoke({ itemId: 'q1', prompt: 'When was Zorblax founded?' }, { signal: signal() });
    expect(r.output).toBe('It was founded in 2031.');
    const body = stub.requests[0].body as any;
    expect(stub.requests[0].path).toBe('/retrieveAndGenerate');
    expect(body.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration).toMatchObject({
      knowledgeBaseId: 'KB12345678',
      modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0',
      retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 4 } },
      generationConfiguration: { inferenceConfig: { textInferenceConfig: { maxTokens: 100, temperature: 0 } } },
    });
    // Unique passages across citations become the contexts.
    expect(r.contexts!.map((c) => c.uri)).toEqual(['s3://kb/history.md', 's3://kb/products.md']);
    expect(r.citations![0]).toMatchObject({ text: 'It was founded in 2031.', span: { start: 0, end: 22 } });
    expect(r.citations![1].references).toHaveLength(2);
    const expectedInput = countTokens('When was Zorblax founded?') + countTokens(passages[0].content.text) + countTokens(passages[1].content.text);
    expect(r.usage).toEqual({ inputTokens: expectedInput, outputTokens: countTokens('It was founded in 2031.'), estimated: true });
    expect(r.firstTokenMs).toBeUndefined();
    // RetrieveAndGenerate reports no service time: absent, never guessed.
    expect(r.serviceLatencyMs).toBeUndefined();
  });

  it('passes ARNs through untouched', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc';
    expect(toModelArn(arn, 'us-east-1')).toBe(arn);
    expect(toModelArn('amazon.nova-micro-v1:0', 'eu-west-1')).toBe('arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0');
  });
});
