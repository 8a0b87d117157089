/**
 * HTTP/2 transport for the Bedrock clients: one pooled session per endpoint, reused by every call, and a record of
 * which calls had to open a connection.
 *
 * Why: the SDK's NodeHttp2Handler, as the Bedrock clients configure it (`disableConcurrentStreams: true`), opens a new
 * session for every call, and for every event-stream call (ConverseStream) whatever the setting
 * (`useIsolatedSession = disableConcurrentStreams || isEventStream`). Every measured call would then pay a TCP (and,
 * on AWS, TLS) handshake that a warm production client does not. ConverseStream's request body is plain JSON (only
 * the response is an event stream), so it can share a session like any other request.
 *
 * How: `PooledHttp2Handler` is the SDK's own handler with concurrent streams on (bounded per session; a further
 * session opens only when every open one is full), told that no request needs an isolated session. Connections are
 * created through Node's public `createConnection` hook, which the handler calls synchronously inside `handle` of
 * the request that needs the connection, so each new connection (and its set-up time) is attributed to that call.
 *
 * A call is known to the handler by its abort signal: the SDK hands `send`'s options (the same signal object) to
 * `handle`. `withConnectionTracking` registers the call's record under its signal for as long as the call runs. This
 * replaced an AsyncLocalStorage scope: with one active, Node runs a promise hook on every promise the process makes
 * (the SDK makes dozens per call), which cost about a tenth of a whole run's CPU against a fast endpoint.
 */
import net from 'node:net';
import tls from 'node:tls';
import { NodeHttp2Handler } from '@smithy/node-http-handler';

type HandleArgs = Parameters<NodeHttp2Handler['handle']>;
type Handled = Awaited<ReturnType<NodeHttp2Handler['handle']>>;

/** RFC 9113 recommends a peer allows at least 100 concurrent streams; we never ask one session for more. */
export const DEFAULT_MAX_STREAMS_PER_SESSION = 100;

/**
 * Header in which the ftrag emulator reports its modelled service time on operations whose Bedrock API has no latency
 * field (Retrieve, RetrieveAndGenerate). Must match SERVICE_LATENCY_HEADER in src/emulator/latency.ts (a test checks).
 * AWS never sends it.
 */
export const EMULATOR_SERVICE_LATENCY_HEADER = 'x-ftrag-service-latency-ms';

/** What one tracked call did on the wire. */
export interface CallTransport {
  /** Connections this call had to open. */
  opened: number;
  /** Milliseconds from opening those connections to their being ready (TCP, plus TLS on AWS). */
  connectMs: number;
  /** Sum of the emulator's modelled service times on the requests this call made, when it reported any. */
  emulatorServiceMs?: number;
}

/** The call each in-flight signal belongs to (see the header). */
const callsBySignal = new WeakMap<AbortSignal, CallTransport>();

/** Connections a target's calls opened, warm-up and failed calls included. */
export interface ConnectionTally {
  opened: number;
}

/**
 * Runs `fn` with a fresh record of what it does on the wire; `fn` reads the record when it finishes. `fn` must pass
 * the signal it is given to every SDK call it makes (`client.send(command, { abortSignal })`): that is how the
 * handler knows the call. The signal is `signal` itself, or, when another tracked call is already using that very
 * signal, one that follows it. The connections it opened are added to `tally` however it ends.
 */
export async function withConnectionTracking<T>(
  signal: AbortSignal,
  fn: (transport: CallTransport, signal: AbortSignal) => Promise<T>,
  tally?: ConnectionTally,
): Promise<T> {
  const transport: CallTransport = { opened: 0, connectMs: 0 };
  const own = callsBySignal.has(signal) ? AbortSignal.any([signal]) : signal;
  callsBySignal.set(own, transport);
  try {
    return await fn(transport, own);
  } finally {
    callsBySignal.delete(own);
    if (tally) tally.opened += transport.opened;
  }
}

export interface PooledHttp2Options {
  maxStreamsPerSession?: number;
  /** Called for every connection opened (for per-endpoint counts). */
  onConnect?: () => void;
}

export class PooledHttp2Handler extends NodeHttp2Handler {
  /** Connections (HTTP/2 sessions) opened so far through this handler. */
  opened = 0;
  /** Connections whose socket has closed (dropped by the server, or destroyed): a later call must reconnect. */
  closed = 0;
  /** The call whose `handle` is running synchronously right now: a connection opened now is its. */
  private opening: CallTransport | undefined;
  /** Settles once the SDK handler has read its configuration (see `handle`). */
  private configured: Promise<void> | undefined;

  constructor(opts: PooledHttp2Options = {}) {
    const onConnect = opts.onConnect;
    let self: PooledHttp2Handler | undefined;
    super({
      disableConcurrentStreams: false,
      maxConcurrentStreams: opts.maxStreamsPerSession ?? DEFAULT_MAX_STREAMS_PER_SESSION,
      nodeHttp2ConnectOptions: {
        createConnection: (authority: URL) => {
          if (self) self.opened++;
          onConnect?.();
          const socket = openSocket(authority, self?.opening);
          socket.once('close', () => {
            if (self) self.closed++;
          });
          return socket;
        },
      },
    });
    self = this;
  }

  override async handle(request: HandleArgs[0], options: HandleArgs[1] = {}): Promise<Handled> {
    // The SDK handler reads its configuration on its first request, after an await; from then on it leases (and, when
    // needed, opens) the request's session synchronously inside handle(). A first request with an aborted signal
    // makes it read the configuration and stop before leasing anything, so no real request ever opens a connection
    // after an await, where another call's handle() could have run in between.
    this.configured ??= super.handle(request, { abortSignal: AbortSignal.abort() }).then(
      () => undefined,
      () => undefined,
    );
    await this.configured;
    const call = options.abortSignal ? callsBySignal.get(options.abortSignal as AbortSignal) : undefined;
    let handled: Promise<Handled>;
    this.opening = call;
    try {
      handled = super.handle(request, { ...options, isEventStream: false });
    } finally {
      this.opening = undefined;
    }
    const result = await handled;
    const reported = result.response.headers[EMULATOR_SERVICE_LATENCY_HEADER];
    if (call && reported !== undefined && Number.isFinite(Number(reported))) call.emulatorServiceMs = (call.emulatorServiceMs ?? 0) + Number(reported);
    return result;
  }
}

function openSocket(authority: URL, call: CallTransport | undefined): net.Socket {
  const started = performance.now();
  const secure = authority.protocol === 'https:';
  const host = authority.hostname.replace(/^\[|\]$/g, '');
  const port = Number(authority.port || (secure ? 443 : 80));
  // What Node's http2.connect does by default, made explicit so the opening call can be told about it.
  const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['h2'] }) : net.connect({ host, port });
  if (call) {
    call.opened++;
    socket.once(secure ? 'secureConnect' : 'connect', () => (call.connectMs += performance.now() - started));
  }
  return socket;
}

/**
 * A response as the runner records it: a call that had to open a connection is flagged, and the set-up time is
 * reported on its own (`connectionSetupMs`) instead of being folded into the call's latency and first-token time.
 */
export function withTransport<R extends { latencyMs: number; firstTokenMs?: number }>(
  response: R,
  transport: CallTransport,
): R & { connectionSetup?: boolean; connectionSetupMs?: number } {
  if (transport.opened === 0) return response;
  const setup = Math.min(transport.connectMs, response.latencyMs);
  return {
    ...response,
    latencyMs: response.latencyMs - setup,
    ...(response.firstTokenMs !== undefined ? { firstTokenMs: Math.max(0, response.firstTokenMs - setup) } : {}),
    connectionSetup: true,
    connectionSetupMs: setup,
  };
}
