/**
 * The Vercel AI SDK Bedrock provider (@ai-sdk/amazon-bedrock with `ai`) against a fresh emulator. It speaks HTTP/1.1
 * through fetch and signs with aws4fetch, so this also covers a second SigV4 implementation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { embed, generateObject, generateText, streamText } from 'ai';
import { z } from 'zod';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { credentials, startHarness, userMessage } from '../emulator/helpers.js';
import type { Harness } from '../emulator/helpers.js';

const QUESTION = 'Context: The Saltmarsh ferry departs from Pier 4 at 06:15. Question: When does the Saltmarsh ferry depart?';

let h: Harness;
/** What the raw SDK gets for the same prompt: the client must deliver exactly that answer. */
let expected: string;
let bedrock: ReturnType<typeof createAmazonBedrock>;
beforeAll(async () => {
  h = await startHarness();
  const direct = await h.clients.runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage(QUESTION) }));
  expected = direct.output!.message!.content![0].text!;
  bedrock = createAmazonBedrock({ region: 'us-east-1', baseURL: h.emu.url, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey });
});
afterAll(async () => {
  await h.stop();
});

describe('AI SDK Bedrock provider', () => {
  it('generateText', async () => {
    const r = await generateText({ model: bedrock('amazon.nova-micro-v1:0'), prompt: QUESTION });
    expect(r.text).toBe(expected);
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.usage.inputTokens).toBeGreaterThan(5);
  });

  it('streamText', async () => {
    const r = streamText({ model: bedrock('amazon.nova-micro-v1:0'), prompt: QUESTION });
    let text = '';
    for await (const part of r.textStream) text += part;
    expect(text).toBe(expected);
  });

  it('generateObject (a forced json tool)', async () => {
    const { object } = await generateObject({
      model: bedrock('amazon.nova-micro-v1:0'),
      schema: z.object({ city: z.string().describe('The city'), population: z.number().describe('Number of inhabitants') }),
      prompt: 'Fill in the record: Tromso has 77000 inhabitants.',
    });
    expect(object).toEqual({ city: 'Tromso', population: 77000 });
  });

  it('embed', async () => {
    const { embedding } = await embed({ model: bedrock.embedding('amazon.titan-embed-text-v2:0'), value: 'ferry timetable' });
    expect(embedding).toHaveLength(1024);
  });
});
