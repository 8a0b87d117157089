/**
 * A tiny path router for the restJson1 services. Path labels (`{modelId}`) match one percent-encoded segment and are
 * decoded once, so ARNs with `%2F` stay one label.
 */
import type { EmulatorContext } from './context.js';
import type { FaultDraw } from './faults.js';
import type { AnyRequest, AnyResponse } from './http-util.js';
import { ApiError } from './http-util.js';
import type { ServiceClock } from './service-clock.js';

export interface RouteArgs {
  ctx: EmulatorContext;
  req: AnyRequest;
  res: AnyResponse;
  params: Record<string, string>;
  url: URL;
  requestId: string;
  /** Request sequence number: the index of this request's seeded draws (faults, jitter, padding). */
  seq: number;
  /** The seeded fault drawn for this request (data-plane routes only; `none` elsewhere). */
  fault: FaultDraw;
  /** The request's modelled service schedule from its arrival: handlers wait on it and report its `modelledMs`. */
  clock: ServiceClock;
}

export interface Route {
  method: string;
  pattern: string;
  /** Data-plane routes get faults and a latency profile; control-plane routes never do. */
  dataPlane: boolean;
  /** The handler applies the drawn fault itself (streams may fail mid-way instead of before the response). */
  selfFaulting?: boolean;
  /** Agent-runtime routes report 503-style faults as BadGatewayException (that service has no ServiceUnavailable). */
  service: 'runtime' | 'agent-runtime' | 'control';
  handle: (a: RouteArgs) => Promise<void>;
}

/** A control-plane route: no faults, no latency profile. */
export function controlRoute(method: string, pattern: string, handle: Route['handle']): Route {
  return { method, pattern, dataPlane: false, service: 'control', handle };
}

export function matchRoute(routes: Route[], method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = rawPath.replace(/\/+$/, '').split('/').slice(1);
  let methodMismatch = false;
  for (const route of routes) {
    const parts = route.pattern.replace(/\/+$/, '').split('/').slice(1);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const p = parts[i];
      if (p.startsWith('{')) {
        try {
          params[p.slice(1, -1)] = decodeURIComponent(segments[i]);
        } catch {
          ok = false;
        }
        if (!segments[i]) ok = false;
      } else if (p !== segments[i]) ok = false;
    }
    if (!ok) continue;
    if (route.method !== method) {
      methodMismatch = true;
      continue;
    }
    return { route, params };
  }
  if (methodMismatch) throw new ApiError(405, 'ValidationException', `Method ${method} is not allowed on ${rawPath}.`);
  return undefined;
}
