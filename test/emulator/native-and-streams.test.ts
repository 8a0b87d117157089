import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { RetrieveAndGenerateCommand, RetrieveAndGenerateStreamCommand, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { knowledgeBaseOf } from './kb-fixture.js';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

const CONTEXT = 'The Kestrel observatory opens its dome at 21:30 on clear nights.';
const QUESTION = 'When does the Kestrel observatory open its dome?';
const MICRO_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0';

const DOCS = {
  'guides/dome.txt': 'The Kestrel observatory opens its dome at 21:30 on clear nights. Visitors enter through the north gate.',
  'guides/cafe.txt': 'The observatory cafe serves soup until 20:00. The cafe is next to the north gate.',
  'archive/dome-1990.txt': 'In 1990 the Kestrel observatory opened its dome at 22:00 on clear nights.',
};
const META = { 'guides/dome.txt': { year: 2024, topic: 'dome' }, 'guides/cafe.txt': { year: 2024, topic: 'cafe' }, 'archive/dome-1990.txt': { year: { value: { type: 'NUMBER', numberValue: 1990 } }, topic: 'dome' } };

let h: Harness;
let kbId: string;
beforeAll(async () => {
  h = await startHarness();
  kbId = await knowledgeBaseOf(h, 'observatory', DOCS, META);
});
afterAll(async () => {
  await h.stop();
});

const invoke = async (modelId: string, body: unknown) => {
  const r = await h.clients.runtime.send(new InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json' }));
  return JSON.parse(new TextDecoder().decode(r.body)) as Record<string, any>;
};

describe('InvokeModel with native text bodies', () => {
  it('Nova messages-v1', async () => {
    const out = await invoke('amazon.nova-micro-v1:0', { schemaVersion: 'messages-v1', system: [{ text: CONTEXT }], messages: [{ role: 'user', content: [{ text: QUESTION }] }], inferenceConfig: { max_new_tokens: 50 } });
    expect(out.output.message.content[0].text).toContain('21:30');
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage.totalTokens).toBe(out.usage.inputTokens + out.usage.outputTokens);
  });

  it('Anthropic Messages', async () => {
    const out = await invoke('anthropic.claude-3-haiku-20240307-v1:0', { anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, system: CONTEXT, messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }] }] });
    expect(out).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(out.content[0].text).toContain('21:30');
    expect(out.usage.input_tokens).toBeGreaterThan(5);
  });

  it('Llama prompt (chat template split into turns)', async () => {
    const prompt = `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n${CONTEXT}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n${QUESTION}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`;
    const out = await invoke('meta.llama3-1-8b-instruct-v1:0', { prompt, max_gen_len: 64 });
    expect(out.generation).toContain('21:30');
    expect(out.stop_reason).toBe('stop');
    expect(out.prompt_token_count).toBeGreaterThan(10);
  });

  it('Titan Text', async () => {
    const out = await invoke('amazon.titan-text-express-v1', { inputText: `User: ${CONTEXT} ${QUESTION}\nBot:`, textGenerationConfig: { maxTokenCount: 64 } });
    expect(out.results[0].outputText).toContain('21:30');
    expect(out.results[0].completionReason).toBe('FINISH');
  });

  it('refuses a key the model family does not know', async () => {
    const err = await invoke('amazon.nova-micro-v1:0', { messages: [{ role: 'user', content: [{ text: 'hi' }] }], max_tokens: 5 }).catch((e) => e);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('Malformed input request: #: extraneous key [max_tokens] is not permitted, please reformat your input and try again.');
  });
});

describe('InvokeModelWithResponseStream', () => {
  it('streams chunks whose decoded text equals the InvokeModel answer, with invocation metrics last', async () => {
    const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, system: CONTEXT, messages: [{ role: 'user', content: QUESTION }] };
    const whole = await invoke('anthropic.claude-3-haiku-20240307-v1:0', body);
    const r = await h.clients.runtime.send(new InvokeModelWithResponseStreamCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', body: JSON.stringify(body) }));
    const events: Record<string, any>[] = [];
    for await (const ev of r.body!) if (ev.chunk?.bytes) events.push(JSON.parse(new TextDecoder().decode(ev.chunk.bytes)));
    const text = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('');
    expect(text).toBe(whole.content[0].text);
    expect(events[0].type).toBe('message_start');
    expect(events.at(-1)!.type).toBe('message_stop');
    expect(events.at(-1)!['amazon-bedrock-invocationMetrics'].outputTokenCount).toBe(whole.usage.output_tokens);
  });
});

describe('Retrieve metadata filters from .metadata.json sidecars', () => {
  const retrieve = (filter: unknown) =>
    h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: QUESTION }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5, filter: filter as never } } }));
  const uris = (r: Awaited<ReturnType<typeof retrieve>>) => (r.retrievalResults ?? []).map((x) => x.location?.s3Location?.uri);

  it('filters before ranking: equals, greaterThan on typed sidecar values, andAll, in', async () => {
    expect(uris(await retrieve({ equals: { key: 'topic', value: 'cafe' } }))).toEqual(['s3://observatory/guides/cafe.txt']);
    expect(uris(await retrieve({ lessThan: { key: 'year', value: 2000 } }))).toEqual(['s3://observatory/archive/dome-1990.txt']);
    expect(uris(await retrieve({ andAll: [{ equals: { key: 'topic', value: 'dome' } }, { greaterThanOrEquals: { key: 'year', value: 2024 } }] }))).toEqual(['s3://observatory/guides/dome.txt']);
    const both = uris(await retrieve({ in: { key: 'topic', value: ['dome'] } }));
    expect(both.sort()).toEqual(['s3://observatory/archive/dome-1990.txt', 's3://observatory/guides/dome.txt']);
    const r = await retrieve({ equals: { key: 'topic', value: 'cafe' } });
    expect(r.retrievalResults?.[0]?.metadata?.year).toBe(2024);
  });

  it('refuses a malformed filter', async () => {
    const err = await retrieve({ andAll: [{ equals: { key: 'topic', value: 'dome' } }] }).catch((e) => e);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('andAll');
  });
});

describe('RetrieveAndGenerate', () => {
  const config = (template?: string) => ({
    type: 'KNOWLEDGE_BASE' as const,
    knowledgeBaseConfiguration: {
      knowledgeBaseId: kbId,
      modelArn: MICRO_ARN,
      retrievalConfiguration: { vectorSearchConfiguration: { filter: { greaterThan: { key: 'year', value: 2000 } } } },
      ...(template ? { generationConfiguration: { promptTemplate: { textPromptTemplate: template } } } : {}),
    },
  });

  it('substitutes $query$, $search_results$ and $output_format_instructions$ and still answers with citations', async () => {
    const template = 'Answer the user.\nQuestion: $query$\nSearch results:\n$search_results$\n$output_format_instructions$';
    const plain = await h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ input: { text: QUESTION }, retrieveAndGenerateConfiguration: config() }));
    const templated = await h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ input: { text: QUESTION }, retrieveAndGenerateConfiguration: config(template) }));
    expect(templated.output?.text).toContain('21:30');
    expect(templated.output?.text).toBe(plain.output?.text);
    expect(templated.citations?.length).toBeGreaterThan(0);
    expect(templated.citations?.[0]?.retrievedReferences?.[0]?.location?.s3Location?.uri).toBe('s3://observatory/guides/dome.txt');
  });

  it('hands out a session id that later calls may reuse', async () => {
    const first = await h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ input: { text: QUESTION }, retrieveAndGenerateConfiguration: config() }));
    const again = await h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ sessionId: first.sessionId, input: { text: 'Where do visitors enter?' }, retrieveAndGenerateConfiguration: config() }));
    expect(again.sessionId).toBe(first.sessionId);
  });

  it('streams output events that join into the non-streamed answer, then citations, with the session id', async () => {
    const whole = await h.clients.agentRuntime.send(new RetrieveAndGenerateCommand({ input: { text: QUESTION }, retrieveAndGenerateConfiguration: config() }));
    const r = await h.clients.agentRuntime.send(new RetrieveAndGenerateStreamCommand({ input: { text: QUESTION }, retrieveAndGenerateConfiguration: config() }));
    expect(r.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    let text = '';
    let citations = 0;
    for await (const ev of r.stream!) {
      if (ev.output?.text) text += ev.output.text;
      if (ev.citation) citations++;
    }
    expect(text).toBe(whole.output?.text);
    expect(citations).toBe(whole.citations?.length);
  });
});
