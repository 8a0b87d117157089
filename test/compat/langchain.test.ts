/**
 * LangChain JS (@langchain/aws) against a fresh emulator, configured the ways docs/emulator.md shows: a runtime
 * client passed in (LangChain's own endpointHost forces https and it overwrites clientOptions.endpoint), and
 * clientOptions for the Knowledge Base retriever (which keeps them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatBedrockConverse, BedrockEmbeddings, AmazonKnowledgeBaseRetriever } from '@langchain/aws';
import { HumanMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { knowledgeBaseOf } from '../emulator/kb-fixture.js';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { credentials, startHarness, userMessage } from '../emulator/helpers.js';
import type { Harness } from '../emulator/helpers.js';

const MODEL = 'amazon.nova-micro-v1:0';
const QUESTION = 'Context: The Saltmarsh ferry departs from Pier 4 at 06:15. Question: When does the Saltmarsh ferry depart?';

let h: Harness;
let kbId: string;
/** What the raw SDK gets for the same prompt: the client must deliver exactly that answer. */
let expected: string;
beforeAll(async () => {
  h = await startHarness();
  const direct = await h.clients.runtime.send(new ConverseCommand({ modelId: MODEL, messages: userMessage(QUESTION), inferenceConfig: { maxTokens: 200 } }));
  expected = direct.output!.message!.content![0].text!;
  kbId = await knowledgeBaseOf(h, 'lc-docs', { 'ferry.txt': 'The Saltmarsh ferry departs from Pier 4 at 06:15 on weekdays.', 'cafe.txt': 'The harbour cafe opens at 8.' });
});
afterAll(async () => {
  await h.stop();
});

const chat = () => new ChatBedrockConverse({ model: MODEL, region: 'us-east-1', client: h.clients.runtime, maxTokens: 200 });

describe('LangChain ChatBedrockConverse', () => {
  it('invoke', async () => {
    const msg = await chat().invoke([new HumanMessage(QUESTION)]);
    expect(String(msg.content)).toBe(expected);
    expect(msg.usage_metadata?.input_tokens).toBeGreaterThan(5);
  });

  it('stream', async () => {
    let text = '';
    for await (const chunk of await chat().stream([new HumanMessage(QUESTION)])) text += String(chunk.content);
    expect(text).toBe(expected);
  });

  it('bindTools: the model calls the tool with arguments read from the prompt', async () => {
    const weather = { name: 'get_weather', description: 'Current weather for a city', schema: z.object({ city: z.string().describe('The city name') }) };
    const msg = await chat().bindTools([weather]).invoke([new HumanMessage('What is the weather in Bergen right now?')]);
    expect(msg.tool_calls?.[0]).toMatchObject({ name: 'get_weather', args: { city: 'Bergen' } });
  });

  it.each([
    // LangChain forces the tool only for Claude; for Nova it sends toolChoice auto and relies on the model calling it.
    ['Nova Micro (toolChoice auto)', MODEL],
    ['Claude 3 Haiku (toolChoice tool)', 'anthropic.claude-3-haiku-20240307-v1:0'],
  ])('withStructuredOutput on %s', async (_label, model) => {
    const schema = z.object({ name: z.string().describe('The person name'), age: z.number().describe('Age in years') });
    const llm = new ChatBedrockConverse({ model, region: 'us-east-1', client: h.clients.runtime });
    const out = await llm.withStructuredOutput(schema, { name: 'person' }).invoke('Record this: Ada Lovelace, age 36.');
    expect(out).toEqual({ name: 'Ada Lovelace', age: 36 });
  });
});

describe('LangChain AmazonKnowledgeBaseRetriever and BedrockEmbeddings', () => {
  it('retrieves documents from the Knowledge Base', async () => {
    const retriever = new AmazonKnowledgeBaseRetriever({ knowledgeBaseId: kbId, topK: 2, region: 'us-east-1', clientOptions: { endpoint: h.emu.url, credentials } });
    const docs = await retriever.invoke('When does the Saltmarsh ferry depart?');
    expect(docs[0].pageContent).toContain('06:15');
  });

  it('embeds with Titan Text Embeddings V2', async () => {
    const embeddings = new BedrockEmbeddings({ model: 'amazon.titan-embed-text-v2:0', region: 'us-east-1', client: h.clients.runtime });
    const v = await embeddings.embedQuery('ferry timetable');
    expect(v).toHaveLength(1024);
    const [a, b] = await embeddings.embedDocuments(['ferry timetable', 'ferry timetable']);
    expect(a).toEqual(b);
  });
});
