/**
 * Every departure from Bedrock listed in issue 16, through the raw SDK: each row is a request Bedrock refuses, with
 * the error type and message Bedrock gives (or, where the emulator cannot serve something, its own clear refusal).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConverseCommand, ConverseStreamCommand, CountTokensCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { RetrieveAndGenerateCommand, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { CreateKnowledgeBaseCommand, GetKnowledgeBaseCommand } from '@aws-sdk/client-bedrock-agent';
import { knowledgeBaseOf } from './kb-fixture.js';
import { startHarness, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const MICRO = 'amazon.nova-micro-v1:0';
const LLAMA = 'meta.llama3-1-8b-instruct-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const MICRO_ARN = `arn:aws:bedrock:us-east-1::foundation-model/${MICRO}`;
const WEATHER_TOOL = { toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } } };

let h: Harness;
let kbId: string;
beforeAll(async () => {
  h = await startHarness();
  kbId = await knowledgeBaseOf(h, 'parity-docs', { 'a.txt': 'The Orlen ferry leaves Haddock Pier at 7 am every weekday.' });
});
afterAll(async () => {
  await h.stop();
});

const converse = (input: Partial<ConverseCommandInput>) => h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi'), ...input } as ConverseCommandInput));
const big = (tokens: number) => 'lorem '.repeat(tokens);

type Row = [string, () => Promise<unknown>, string, string | RegExp];

const rows: Row[] = [
  ['a blank text block', () => converse({ messages: [{ role: 'user', content: [{ text: '   ' }] }] }), 'ValidationException', 'The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to the text field, and try again.'],
  ['an empty content array', () => converse({ messages: [{ role: 'user', content: [] }] }), 'ValidationException', 'The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again.'],
  ['toolConfig.tools: []', () => converse({ toolConfig: { tools: [] } }), 'ValidationException', "1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1"],
  ['tools on a model without tool use (Titan Text)', () => converse({ modelId: TITAN, toolConfig: { tools: [WEATHER_TOOL] } }), 'ValidationException', "This model doesn't support tool use."],
  ['toolChoice any on Llama 3.1', () => converse({ modelId: LLAMA, toolConfig: { tools: [WEATHER_TOOL], toolChoice: { any: {} } } }), 'ValidationException', "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again."],
  [
    'toolUse blocks without toolConfig',
    () =>
      converse({
        messages: [
          { role: 'user', content: [{ text: 'Weather in Oslo?' }] },
          { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: { city: 'Oslo' } } }] },
          { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'Sunny, 21 C' }] } }] },
        ],
      }),
    'ValidationException',
    'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
  ],
  ['unknown additionalModelRequestFields (Nova)', () => converse({ additionalModelRequestFields: { reasoning_effort: 'high' } as never }), 'ValidationException', 'Malformed input request: #: extraneous key [reasoning_effort] is not permitted, please reformat your input and try again.'],
  ['maxTokens over the model limit', () => converse({ inferenceConfig: { maxTokens: 20_000 } }), 'ValidationException', 'The maximum tokens you requested exceeds the model limit of 10000. Try again with a maximum tokens value that is lower than 10000.'],
  ['an input over the context window (Nova Micro, 128k)', () => converse({ messages: userMessage(big(200_000)) }), 'ValidationException', 'Input is too long for requested model.'],
  ['an unknown guardrail', () => converse({ guardrailConfig: { guardrailIdentifier: 'nosuchguard1', guardrailVersion: 'DRAFT' } }), 'ValidationException', 'The guardrail identifier or version provided in the request does not exist.'],
  ['tool use in ConverseStream on Llama 3.1', () => h.clients.runtime.send(new ConverseStreamCommand({ modelId: LLAMA, messages: userMessage('hi'), toolConfig: { tools: [WEATHER_TOOL] } })), 'ValidationException', "This model doesn't support tool use in streaming mode."],
  ['CountTokens on a model it does not serve (Nova)', () => h.clients.runtime.send(new CountTokensCommand({ modelId: MICRO, input: { converse: { messages: userMessage('hi') } } })), 'ValidationException', "The provided model doesn't support counting tokens."],
  ['Retrieve with rerankingConfiguration', () => h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'ferry' }, retrievalConfiguration: { vectorSearchConfiguration: { rerankingConfiguration: { type: 'BEDROCK_RERANKING_MODEL', bedrockRerankingConfiguration: { modelConfiguration: { modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0' } } } } } })), 'ValidationException', /does not serve reranking/],
  ['Retrieve with an unknown guardrail', () => h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'ferry' }, guardrailConfiguration: { guardrailId: 'nosuchguard1', guardrailVersion: '1' } })), 'ValidationException', 'The guardrail identifier or version provided in the request does not exist.'],
  ['a malformed Knowledge Base id in Retrieve', () => h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: 'not-a-kb', retrievalQuery: { text: 'ferry' } })), 'ValidationException', "1 validation error detected: Value 'not-a-kb' at 'knowledgeBaseId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z]{10}"],
  ['a malformed Knowledge Base id in GetKnowledgeBase', () => h.clients.agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: 'kb_1' })), 'ValidationException', /at 'knowledgeBaseId' failed to satisfy constraint: Member must satisfy regular expression pattern: \[0-9a-zA-Z\]\{10\}/],
  [
    'an unknown RetrieveAndGenerate sessionId',
    () => h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ sessionId: 'made-up-session', input: { text: 'When does the ferry leave?' }, retrieveAndGenerateConfiguration: { type: 'KNOWLEDGE_BASE', knowledgeBaseConfiguration: { knowledgeBaseId: kbId, modelArn: MICRO_ARN } } })),
    'ValidationException',
    'Session with Id made-up-session is not valid. Please check and try again.',
  ],
  [
    'RetrieveAndGenerate with an unknown guardrail',
    () =>
      h.clients.agentRuntime.send(
        new RetrieveAndGenerateCommand({
          input: { text: 'When does the ferry leave?' },
          retrieveAndGenerateConfiguration: { type: 'KNOWLEDGE_BASE', knowledgeBaseConfiguration: { knowledgeBaseId: kbId, modelArn: MICRO_ARN, generationConfiguration: { guardrailConfiguration: { guardrailId: 'nosuchguard1', guardrailVersion: 'DRAFT' } } } },
        }),
      ),
    'ValidationException',
    'The guardrail identifier or version provided in the request does not exist.',
  ],
  [
    'CreateKnowledgeBase without storageConfiguration',
    () => h.clients.agent.send(new CreateKnowledgeBaseCommand({ name: 'nostore', roleArn: 'arn:aws:iam::123456789012:role/r', knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } } })),
    'ValidationException',
    /storage configuration is missing/,
  ],
];

describe('refused as Bedrock refuses', () => {
  it.each(rows)('%s', async (_label, call, type, message) => {
    const err = (await call().then(
      () => undefined,
      (e) => e,
    )) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
    expect(err, 'expected the call to be refused').toBeDefined();
    expect(err!.name).toBe(type);
    if (typeof message === 'string') expect(err!.message).toBe(message);
    else expect(err!.message).toMatch(message);
    expect(err!.$metadata.httpStatusCode).toBe(400);
  });
});
