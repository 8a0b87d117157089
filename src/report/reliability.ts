/**
 * Retries and throttles beside the latency figures. A latency sample is the last attempt of a call: the time spent
 * in failed attempts and back-off before it is not in the percentiles, so a reader must see how many calls retried.
 */
import type { SystemSummary } from '../schema/run-result.js';
import { count } from './format.js';

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** e.g. "no retries" or "7 retries (5 throttled); latency is each call's last attempt". */
export function retryDetail(s: Pick<SystemSummary, 'retries' | 'throttles'>): string {
  if (s.retries === 0 && s.throttles === 0) return 'no retries';
  return `${plural(s.retries, 'retry', 'retries')} (${count(s.throttles)} throttled); latency is each call's last attempt`;
}
