/**
 * One TCP port, two protocols. The runtime and agent-runtime SDK clients speak HTTP/2 with prior knowledge (h2c);
 * bedrock, bedrock-agent and S3 speak HTTP/1.1. Each accepted socket is sniffed for the HTTP/2 preface and handed to
 * the matching Node server. S3 is recognised by the SigV4 credential scope (`/s3/aws4_request`), because its
 * path-style URLs overlap Bedrock's. Every request must be SigV4-signed (auth.ts); signatures are recomputed only when
 * the emulator was given credentials. Idle connections and stalled prefaces are closed (timeouts below).
 */
import { createServer as createHttp1Server } from 'node:http';
import type { Server as Http1Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { Http2Server, Http2Session } from 'node:http2';
import { createServer as createTcpServer } from 'node:net';
import type { Server as TcpServer, Socket } from 'node:net';
import { InputError } from '../util/errors.js';
import type { EmulatorContext } from './context.js';
import { drawFault } from './faults.js';
import type { AnyRequest, AnyResponse } from './http-util.js';
import { ApiError, BodyTooLarge, readBody, sendApiError } from './http-util.js';
import { ServiceClock, epochMsOf } from './service-clock.js';
import { authenticate } from './auth.js';
import type { Route } from './routing.js';
import { matchRoute } from './routing.js';
import { DroppedConnection, preResponseFault } from './runtime.js';
import { handleS3, sendS3Error } from './s3-routes.js';
import { S3Error } from './s3-store.js';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/** How long a connection may stay silent: before its first bytes (a half-open or stalled preface), or between requests. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(ctx: EmulatorContext, routes: Route[], port: number): Promise<RunningServer> {
  const handler = (req: AnyRequest, res: AnyResponse): void => {
    void dispatch(ctx, routes, req, res);
  };
  const idleMs = ctx.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const h1: Http1Server = createHttp1Server({ keepAliveTimeout: Math.min(5000, idleMs), headersTimeout: idleMs, requestTimeout: 0 }, handler);
  const h2: Http2Server = createHttp2Server({}, handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  h2.on('session', (s: Http2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
    // A session that sends nothing (a bare preface, a client that went away without closing) is ended; clients
    // reconnect after the GOAWAY. A session with a stream still open (a slow generation) is never cut.
    s.setTimeout(idleMs, () => {
      if (activeStreams.get(s)) return;
      s.destroy();
    });
  });
  const activeStreams = new WeakMap<Http2Session, number>();
  h2.on('stream', (stream) => {
    const s = stream.session;
    if (!s) return;
    activeStreams.set(s, (activeStreams.get(s) ?? 0) + 1);
    stream.on('close', () => activeStreams.set(s, (activeStreams.get(s) ?? 1) - 1));
  });
  h1.on('clientError', (_err, socket) => socket.destroy());

  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Until the protocol is known nobody else watches this socket: silence (or a partial preface) closes it.
    socket.setTimeout(idleMs, () => socket.destroy());
    // Read until the bytes seen either differ from the HTTP/2 preface or contain all of it, then hand the socket over
    // with those bytes pushed back into its buffer.
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isPrefix = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isPrefix && seen.length < H2_PREFACE.length) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(seen);
      // HTTP/2 reads the unshifted bytes itself on the next tick (they must stay buffered); HTTP/1.1 needs the flow restarted.
      if (isPrefix) h2.emit('connection', socket);
      else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new InputError(`cannot listen on 127.0.0.1:${port} (${err.code})`, { field: '--port' }) : err),
    );
    tcp.listen(port, '127.0.0.1', () => resolve());
  });
  const address = tcp.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: actualPort,
    close: async () => {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      h1.closeAllConnections();
      await closed;
    },
  };
}

function isS3Request(req: AnyRequest): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.includes('/s3/aws4_request')) return true;
  // Presigned URLs carry the scope in the query string instead.
  return typeof req.url === 'string' && /X-Amz-Credential=[^&]*%2Fs3%2Faws4_request/i.test(req.url);
}

async function dispatch(ctx: EmulatorContext, routes: Route[], req: AnyRequest, res: AnyResponse): Promise<void> {
  const clock = new ServiceClock(performance.now());
  const seq = ctx.nextRequestSeq();
  const requestId = `emu-${ctx.seed}-${seq}`;
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const rawPath = rawUrl.split('?')[0];
  const url = new URL(rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`, 'http://127.0.0.1');
  res.on('error', () => undefined);
  if (isS3Request(req)) {
    try {
      await authenticate(req, url, rawPath, { region: ctx.region, credentials: ctx.credentials, service: 's3', body: await readBody(req) });
      await handleS3(ctx.s3, req, res, url, rawPath);
    } catch (err) {
      const e =
        err instanceof S3Error
          ? err
          : err instanceof BodyTooLarge
            ? new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.')
            : new S3Error(500, 'InternalError', (err as Error).message);
      if (err instanceof BodyTooLarge) closeAfterResponse(res);
      if (!res.headersSent) sendS3Error(res, method, e, requestId);
      else res.destroy();
    }
    return;
  }
  let service: Route['service'] = 'control';
  try {
    // Authentication comes first, as on AWS: an unsigned request learns nothing about which paths exist.
    const body = await readBody(req);
    await authenticate(req, url, rawPath, { region: ctx.region, credentials: ctx.credentials, service: /\/sagemaker\/aws4_request/.test(String(req.headers.authorization)) ? 'sagemaker' : 'bedrock', body });
    const match = matchRoute(routes, method, rawPath);
    if (!match) throw new ApiError(404, 'UnknownOperationException', `The emulator does not serve ${method} ${rawPath}.`);
    service = match.route.service;
    const fault = match.route.dataPlane ? drawFault(ctx.faults, ctx.seed, ctx.nextDataPlaneSeq()) : { kind: 'none' as const, slowMs: 0 };
    const args = { ctx, req, res, params: match.params, url, requestId, seq, fault, clock };
    await clock.advance(fault.slowMs);
    if (!match.route.selfFaulting) preResponseFault(args, match.route.service === 'agent-runtime' ? 'agent-runtime' : 'runtime');
    await match.route.handle(args);
    if (match.route.dataPlane && ctx.timings) {
      const end = performance.now();
      ctx.timings.push({ requestId, operation: match.route.pattern, arrivedAtEpochMs: epochMsOf(clock.arrivedAt), wallMs: end - clock.arrivedAt, modelledMs: clock.modelledMs });
    }
  } catch (err) {
    if (err instanceof DroppedConnection) return;
    if (err instanceof BodyTooLarge) closeAfterResponse(res);
    const e = err instanceof BodyTooLarge ? new ApiError(413, 'ValidationException', 'Request body too large.') : err instanceof ApiError ? err : new ApiError(500, 'InternalServerException', `Internal error in the emulator: ${(err as Error).message}`);
    if (e.status >= 500 && !(err instanceof ApiError)) ctx.log(`error ${method} ${rawPath} (${service}): ${(err as Error).stack}`);
    if (!res.headersSent) sendApiError(res, e, requestId);
    else res.destroy();
  }
}

/** After refusing an unread body, end the connection (HTTP/1.1) so the rest of the upload is not parsed as a request. */
function closeAfterResponse(res: AnyResponse): void {
  if ('shouldKeepAlive' in res) (res as import('node:http').ServerResponse).shouldKeepAlive = false;
}
