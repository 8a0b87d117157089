import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ContentBlock, Message, Tool } from '@aws-sdk/client-bedrock-runtime';
import { CreateGuardrailCommand, CreateGuardrailVersionCommand, GetGuardrailCommand } from '@aws-sdk/client-bedrock';
import { startHarness, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const MICRO = 'amazon.nova-micro-v1:0';
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

const tool = (name: string, description: string, properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Tool => ({
  toolSpec: { name, description, inputSchema: { json: { type: 'object', properties, required } as never } },
});
const WEATHER = tool('get_weather', 'Current weather for a city', { city: { type: 'string', description: 'The city name' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, ['city']);
const BOOKING = tool('book_table', 'Reserve a restaurant table', { restaurant: { type: 'string' }, guests: { type: 'integer', description: 'Number of guests' } });

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

describe('tool use', () => {
  it('answers in text by default when the prompt does not ask for what a tool does', async () => {
    const r = await h.clients.runtime.send(
      new ConverseCommand({ modelId: MICRO, messages: userMessage('Context: The Velmar bridge opened in 1931. Question: When did the Velmar bridge open?'), toolConfig: { tools: [WEATHER] } }),
    );
    expect(r.stopReason).toBe('end_turn');
    expect(r.output?.message?.content?.[0]?.text).toContain('1931');
  });

  it('calls the tool whose purpose the prompt asks for, filling its schema from the prompt', async () => {
    const r = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage("What's the weather like in Porto today, in celsius?"), toolConfig: { tools: [BOOKING, WEATHER] } }));
    expect(r.stopReason).toBe('tool_use');
    const call = r.output?.message?.content?.[0]?.toolUse;
    expect(call?.name).toBe('get_weather');
    expect(call?.toolUseId).toMatch(/^tooluse_/);
    expect(call?.input).toEqual({ city: 'Porto', unit: 'celsius' });
  });

  it('calls the named tool when toolChoice requires it, with typed values copied from the prompt', async () => {
    const r = await h.clients.runtime.send(
      new ConverseCommand({ modelId: HAIKU, messages: userMessage('Please sort out dinner: 6 people at Casa Lumo on Friday.'), toolConfig: { tools: [WEATHER, BOOKING], toolChoice: { tool: { name: 'book_table' } } } }),
    );
    expect(r.stopReason).toBe('tool_use');
    expect(r.output?.message?.content?.[0]?.toolUse).toMatchObject({ name: 'book_table', input: { restaurant: 'Casa Lumo', guests: 6 } });
  });

  it('reads a toolResult turn as context and answers from it', async () => {
    const first = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('What is the weather in Porto?'), toolConfig: { tools: [WEATHER] } }));
    const call = first.output!.message!.content![0].toolUse!;
    const messages: Message[] = [
      ...userMessage('What is the weather in Porto?'),
      { role: 'assistant', content: first.output!.message!.content as ContentBlock[] },
      { role: 'user', content: [{ toolResult: { toolUseId: call.toolUseId!, content: [{ json: { weather: 'light rain', temperature: '14 C' } }] } }] },
    ];
    const second = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages, toolConfig: { tools: [WEATHER] } }));
    expect(second.stopReason).toBe('end_turn');
    // The answer is read from what the tool returned (the reader picks the span; both values come only from the tool).
    expect(second.output?.message?.content?.[0]?.text).toMatch(/light rain|14 C/);
  });

  it('streams a tool call as contentBlockStart + toolUse input deltas that join into the same input', async () => {
    const r = await h.clients.runtime.send(new ConverseStreamCommand({ modelId: MICRO, messages: userMessage('Weather in Tallinn please'), toolConfig: { tools: [WEATHER], toolChoice: { any: {} } } }));
    let start: { name?: string; toolUseId?: string } | undefined;
    let json = '';
    let stop: string | undefined;
    for await (const ev of r.stream!) {
      if (ev.contentBlockStart?.start?.toolUse) start = ev.contentBlockStart.start.toolUse;
      if (ev.contentBlockDelta?.delta?.toolUse) json += ev.contentBlockDelta.delta.toolUse.input ?? '';
      if (ev.messageStop) stop = ev.messageStop.stopReason;
    }
    expect(start?.name).toBe('get_weather');
    expect(stop).toBe('tool_use');
    expect(JSON.parse(json)).toEqual({ city: 'Tallinn' });
  });
});

describe('guardrails', () => {
  it('are created through the control plane and intervene on a blocked word in the input', async () => {
    const g = await h.clients.bedrock.send(
      new CreateGuardrailCommand({
        name: 'no-codenames',
        blockedInputMessaging: 'Sorry, I cannot discuss that.',
        blockedOutputsMessaging: 'Sorry, I cannot answer with that.',
        wordPolicyConfig: { wordsConfig: [{ text: 'Project Falcon' }] },
      }),
    );
    expect(g.guardrailId).toMatch(/^[a-z0-9]{12}$/);
    expect(g.version).toBe('DRAFT');
    const v = await h.clients.bedrock.send(new CreateGuardrailVersionCommand({ guardrailIdentifier: g.guardrailId! }));
    expect(v.version).toBe('1');
    const got = await h.clients.bedrock.send(new GetGuardrailCommand({ guardrailIdentifier: g.guardrailArn!, guardrailVersion: '1' }));
    expect(got.name).toBe('no-codenames');
    const blocked = await h.clients.runtime.send(
      new ConverseCommand({ modelId: MICRO, messages: userMessage('Tell me about project falcon.'), guardrailConfig: { guardrailIdentifier: g.guardrailId!, guardrailVersion: '1' } }),
    );
    expect(blocked.stopReason).toBe('guardrail_intervened');
    expect(blocked.output?.message?.content?.[0]?.text).toBe('Sorry, I cannot discuss that.');
    const allowed = await h.clients.runtime.send(
      new ConverseCommand({ modelId: MICRO, messages: userMessage('Context: The falcon is a bird. Question: What is the falcon?'), guardrailConfig: { guardrailIdentifier: g.guardrailId!, guardrailVersion: 'DRAFT' } }),
    );
    expect(allowed.stopReason).toBe('end_turn');
    const missingVersion = await h.clients.runtime
      .send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi'), guardrailConfig: { guardrailIdentifier: g.guardrailId!, guardrailVersion: '7' } }))
      .catch((e) => e);
    expect(missingVersion.message).toBe('The guardrail identifier or version provided in the request does not exist.');
  });
});
