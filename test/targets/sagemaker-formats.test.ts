/**
 * The JumpStart container formats, against responses shaped as their sources document them (TGI's router:
 * compat_generate wraps GenerateResponse in an array; StreamResponse / StreamDetails; the Messages API's
 * chat.completion and chat.completion.chunk).
 */
import { describe, expect, it } from 'vitest';
import { parseAnswer, parseStreamEvent, requestBody, SseLineDecoder } from '../../src/targets/sagemaker-formats.js';

const call = { prompt: 'When does the boathouse open?', system: 'Answer briefly.', maxTokens: 64, temperature: 0, stream: false };

describe('request bodies', () => {
  it('Messages API: system and user turns, max_tokens, temperature; usage asked for on a stream', () => {
    expect(requestBody('messages', call)).toEqual({
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'When does the boathouse open?' },
      ],
      max_tokens: 64,
      temperature: 0,
    });
    expect(requestBody('messages', { ...call, stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('TGI: inputs and parameters; temperature 0 becomes greedy decoding (TGI refuses a non-positive temperature)', () => {
    const greedy = requestBody('tgi', call) as { inputs: string; parameters: Record<string, unknown> };
    expect(greedy.inputs).toBe('Answer briefly.\n\nWhen does the boathouse open?');
    expect(greedy.parameters).toEqual({ max_new_tokens: 64, return_full_text: false, details: true, decoder_input_details: true, do_sample: false });
    const sampled = requestBody('tgi', { ...call, temperature: 0.7, stream: true }) as { parameters: Record<string, unknown>; stream: boolean };
    expect(sampled.parameters).toMatchObject({ do_sample: true, temperature: 0.7 });
    expect(sampled.parameters.decoder_input_details).toBeUndefined();
    expect(sampled.stream).toBe(true);
  });
});

describe('answers', () => {
  it('TGI [{generated_text, details}]: prefill length is the input count, generated_tokens the output', () => {
    const body = [{ generated_text: ' At 6 am.', details: { finish_reason: 'eos_token', generated_tokens: 5, seed: null, prefill: [{ id: 1 }, { id: 2 }, { id: 3 }], tokens: [] } }];
    expect(parseAnswer('tgi', body)).toEqual({ text: ' At 6 am.', inputTokens: 3, outputTokens: 5, stopReason: 'eos_token' });
  });

  it('a bare {generated_text} (other containers) reports no usage', () => {
    expect(parseAnswer('tgi', { generated_text: 'At 6 am.' })).toEqual({ text: 'At 6 am.' });
  });

  it('Messages API chat.completion: content, usage and finish_reason', () => {
    const body = { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'At 6 am.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } };
    expect(parseAnswer('messages', body)).toEqual({ text: 'At 6 am.', inputTokens: 21, outputTokens: 4, stopReason: 'stop' });
  });

  it('refuses a body of the other format, naming what is missing', () => {
    expect(() => parseAnswer('messages', [{ generated_text: 'x' }])).toThrow(/choices\[0\]\.message\.content/);
    expect(() => parseAnswer('tgi', { choices: [] })).toThrow(/generated_text/);
  });
});

describe('streams', () => {
  const tgiEvents = [
    { index: 1, token: { id: 5, text: 'At', logprob: -0.1, special: false }, generated_text: null, details: null },
    { index: 2, token: { id: 6, text: ' 6 am.', logprob: -0.2, special: false }, generated_text: null, details: null },
    { index: 3, token: { id: 2, text: '</s>', logprob: 0, special: true }, generated_text: 'At 6 am.', details: { finish_reason: 'eos_token', generated_tokens: 3, seed: null } },
  ];
  const sse = tgiEvents.map((e) => `data:${JSON.stringify(e)}\n\n`).join('');

  it('reassembles SSE lines split at every byte position, including inside a multi-byte character', () => {
    const text = `${sse}data:${JSON.stringify({ token: { text: ' ünïcödé', special: false } })}\n\n`;
    const bytes = new TextEncoder().encode(text);
    for (const cut of [1, 7, 50, bytes.length - 3]) {
      const d = new SseLineDecoder();
      const events = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut)), ...d.end()];
      expect(events).toHaveLength(4);
      expect((events[3] as { token: { text: string } }).token.text).toBe(' ünïcödé');
    }
  });

  it('TGI: token texts make the answer, special tokens are dropped, the last event carries the counts', () => {
    const d = new SseLineDecoder();
    const pieces = [...d.push(new TextEncoder().encode(sse)), ...d.end()].map((e) => parseStreamEvent('tgi', e));
    expect(pieces.map((p) => p?.text ?? '').join('')).toBe('At 6 am.');
    expect(pieces[2]).toEqual({ outputTokens: 3, stopReason: 'eos_token' });
  });

  it('Messages API chunks: deltas, finish_reason, the usage chunk, and [DONE] ignored', () => {
    const chunks = [
      { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'At' }, finish_reason: null }] },
      { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: ' 6 am.' }, finish_reason: null }] },
      { object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } },
    ];
    const d = new SseLineDecoder();
    const events = [...d.push(new TextEncoder().encode(`${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`)), ...d.end()];
    expect(events).toHaveLength(4);
    const pieces = events.map((e) => parseStreamEvent('messages', e));
    expect(pieces.map((p) => p?.text ?? '').join('')).toBe('At 6 am.');
    expect(pieces[2]).toEqual({ stopReason: 'stop' });
    expect(pieces[3]).toEqual({ inputTokens: 21, outputTokens: 4 });
  });

  it('an error event ends the stream with an error; a line that is not JSON is refused without echoing it', () => {
    expect(() => parseStreamEvent('tgi', { error: 'Request failed during generation', error_type: 'generation' })).toThrow(/Request failed during generation/);
    const d = new SseLineDecoder();
    expect(() => d.push(new TextEncoder().encode('data: secret-looking text\n'))).toThrow(/not JSON \(\d+ characters\)/);
  });
});
