/**
 * A trivial Bedrock-shaped h2c server for the harness benches: Converse and ConverseStream answered at once, nothing
 * else (anything else is a 404 ResourceNotFoundException, named on stderr once). It runs as its own process, started
 * by the bench with plain `node` (no loader), so its CPU is charged to neither side: both the bare SDK loops and
 * `ftrag run` talk to the same process, one after the other.
 *
 *   node bench/lib/converse-server.mjs     # prints {"url": "http://127.0.0.1:<port>", "pid": ...} and serves until SIGTERM
 *
 * The answer depends on the prompt (its last three words, said in a sentence), so scores are not constant; it is
 * streamed as a few text deltas, as Bedrock streams a short answer. The wire format is the SDK's own: restJson1
 * bodies, and for the stream `application/vnd.amazon.eventstream` frames encoded by @smithy/eventstream-codec.
 */
import http2 from 'node:http2';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const frame = (event, body) =>
  codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: event },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(body)),
  });

function answerOf(body) {
  const text = body?.messages?.at(-1)?.content?.[0]?.text ?? '';
  const words = text.replace(/[?.!,]/g, '').split(/\s+/).filter(Boolean);
  return `The answer is ${words.slice(-3).join(' ')}.`;
}

function usageOf(body, answer) {
  const text = body?.messages?.at(-1)?.content?.[0]?.text ?? '';
  const inputTokens = Math.ceil(text.length / 4);
  const outputTokens = Math.ceil(answer.length / 4);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

const unknown = new Set();
const server = http2.createServer();
let calls = 0;
server.on('stream', (stream, headers) => {
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  stream.on('error', () => undefined);
  stream.on('end', () => {
    const path = String(headers[':path']);
    let body;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    if (stream.destroyed || stream.closed) return;
    const stream_ = path.endsWith('/converse-stream');
    if (!stream_ && !path.endsWith('/converse')) {
      const op = `${headers[':method']} ${path.split('?')[0]}`;
      if (!unknown.has(op)) {
        unknown.add(op);
        process.stderr.write(`converse-server: not served: ${op}\n`);
      }
      stream.respond({ ':status': 404, 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      stream.end(JSON.stringify({ message: 'not served by the bench server' }));
      return;
    }
    calls++;
    const answer = answerOf(body);
    const usage = usageOf(body, answer);
    if (!stream_) {
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(JSON.stringify({ output: { message: { role: 'assistant', content: [{ text: answer }] } }, stopReason: 'end_turn', usage, metrics: { latencyMs: 1 } }));
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
    const words = answer.split(' ');
    stream.write(frame('messageStart', { role: 'assistant' }));
    for (let i = 0; i < words.length; i += 2) {
      stream.write(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: (i ? ' ' : '') + words.slice(i, i + 2).join(' ') } }));
    }
    stream.write(frame('contentBlockStop', { contentBlockIndex: 0 }));
    stream.write(frame('messageStop', { stopReason: 'end_turn' }));
    stream.end(frame('metadata', { usage, metrics: { latencyMs: 1 } }));
  });
});
let sessions = 0;
server.on('session', () => sessions++);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })}\n`);
});
// The bench asks for counts between variants by sending SIGUSR2: one JSON line on stdout.
process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify({ calls, sessions })}\n`));
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
