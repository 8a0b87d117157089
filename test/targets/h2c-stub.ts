/**
 * A tiny Bedrock-shaped h2c server for tests and benchmarks: the real SDK clients talk to it over loopback.
 * Each request goes to a handler that returns JSON, an error, or a list of event-stream frames.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export interface StubRequest {
  method: string;
  path: string;
  body: unknown;
}

export type StreamFrame = { event: string; body: unknown } | { exception: string; body: unknown };

export type StubReply =
  | { json: unknown; status?: number }
  | { error: string; status: number; message?: string }
  | { frames: StreamFrame[]; frameDelayMs?: number; resetAfterFrames?: boolean }
  | { hang: true };

export type StubHandler = (req: StubRequest) => StubReply | Promise<StubReply>;

export interface StubServer {
  url: string;
  requests: StubRequest[];
  /** HTTP/2 sessions (connections) clients have opened to this server. */
  sessionsOpened(): number;
  /** Destroys every open session, as a server restart or an idle timeout would. */
  dropSessions(): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function encodeFrame(frame: StreamFrame): Uint8Array {
  const isEvent = 'event' in frame;
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: isEvent ? 'event' : 'exception' },
      [isEvent ? ':event-type' : ':exception-type']: { type: 'string', value: isEvent ? frame.event : frame.exception },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(frame.body)),
  });
}

/** The usual ConverseStream frames for an answer given as text pieces. */
export function converseFrames(pieces: string[], usage = { inputTokens: 10, outputTokens: pieces.length }, latencyMs = 5): StreamFrame[] {
  return [
    { event: 'messageStart', body: { role: 'assistant', p: 'abc' } },
    ...pieces.map((text) => ({ event: 'contentBlockDelta', body: { delta: { text }, contentBlockIndex: 0, p: 'abcdef' } })),
    { event: 'contentBlockStop', body: { contentBlockIndex: 0 } },
    { event: 'messageStop', body: { stopReason: 'end_turn' } },
    { event: 'metadata', body: { usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens }, metrics: { latencyMs } } },
  ];
}

export async function startStub(handler: StubHandler, opts: { record?: boolean } = {}): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const record = opts.record ?? true;
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', () => undefined);
    stream.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const req: StubRequest = {
        method: String(headers[':method']),
        path: decodeURIComponent(String(headers[':path'])),
        body: raw ? JSON.parse(raw) : undefined,
      };
      if (record) requests.push(req);
      let reply: StubReply;
      try {
        reply = await handler(req);
      } catch (err) {
        reply = { error: 'InternalServerException', status: 500, message: String(err) };
      }
      if (stream.destroyed || stream.closed) return;
      if ('hang' in reply) return;
      if ('error' in reply) {
        stream.respond({ ':status': reply.status, 'content-type': 'application/json', 'x-amzn-errortype': `${reply.error}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
        stream.end(JSON.stringify({ message: reply.message ?? reply.error }));
        return;
      }
      if ('json' in reply) {
        stream.respond({ ':status': reply.status ?? 200, 'content-type': 'application/json' });
        stream.end(JSON.stringify(reply.json));
        return;
      }
      stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
      for (const frame of reply.frames) {
        if (stream.destroyed) return;
        stream.write(encodeFrame(frame));
        if (reply.frameDelayMs) await new Promise((r) => setTimeout(r, reply.frameDelayMs));
      }
      if (reply.resetAfterFrames) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else stream.end();
    });
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  let opened = 0;
  server.on('session', (s) => {
    opened++;
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessionsOpened: () => opened,
    dropSessions: () => {
      for (const s of sessions) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
