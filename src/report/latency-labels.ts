/**
 * Which latency a figure is. run.json keeps two per system: the service's own time (`serviceLatencyMs`, what SLOs are
 * judged on) and the client's wall time (`latencyMs`, send to last byte on the machine that ran ftrag). Every report
 * figure says which one it shows, and whether the calls streamed (only streamed calls have a first-token time).
 */
import type { Percentiles, SystemSummary } from '../schema/run-result.js';
import { ms } from './format.js';

export type LatencyBasis = 'service' | 'client';

/** The latency a decision should use: the service's when reported, else the client's. */
export function decisionLatency(s: SystemSummary): { basis: LatencyBasis; p: Percentiles } {
  return s.serviceLatencyMs && s.serviceLatencyMs.n > 0 ? { basis: 'service', p: s.serviceLatencyMs } : { basis: 'client', p: s.latencyMs };
}

/** "streamed" / "not streamed" / "" (unknown, e.g. batch). */
export function streamingLabel(s: SystemSummary): string {
  return s.streaming === true ? 'streamed' : s.streaming === false ? 'not streamed' : '';
}

/** e.g. "412 ms / 530 ms (service, streamed)". */
export function latencyFigure(s: SystemSummary): string {
  const { basis, p } = decisionLatency(s);
  if (p.n === 0) return '—';
  const mode = streamingLabel(s);
  return `${ms(p.p50)} / ${ms(p.p95)} (${basis}${mode ? `, ${mode}` : ''})`;
}

/** The secondary line: the client time when the main figure is the service's, and the first-token time or its absence. */
export function latencyDetails(s: SystemSummary): string[] {
  const out: string[] = [];
  if (decisionLatency(s).basis === 'service' && s.latencyMs.n > 0) out.push(`client ${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)}`);
  if (s.firstTokenMs && s.firstTokenMs.n > 0) out.push(`first token ${ms(s.firstTokenMs.p50)} (client)`);
  else if (s.streaming === false) out.push('no first-token time (not streamed)');
  if (s.connections && s.connections.setupCalls > 0) out.push(`${s.connections.setupCalls} calls paid a connection set-up`);
  return out;
}
