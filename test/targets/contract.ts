/**
 * The Target contract (src/targets/types.ts), as one suite every adapter runs against every backend that can serve
 * it: the emulator, the h2c stub replaying AWS-documented responses, and aws-sdk-client-mock where a fault can be
 * produced no other way. A backend declares what the service reports (usage, service latency, citations) and which
 * faults it can produce; `contract.test.ts` checks that, per adapter, the backends together cover every fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetError, type Target, type TargetRequest, type TargetResponse } from '../../src/targets/index.js';

/** throttle: 429, retryable and throttled · server: 5xx, retryable · fatal: 4xx, not retryable · hang: no answer. */
export type FaultKind = 'throttle' | 'server' | 'fatal' | 'hang';
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server', 'fatal', 'hang'];

export interface ContractExpectations {
  /** reported: the service's counts · estimated: our tokenizer's, marked so · absent: no usage at all. */
  usage: 'reported' | 'estimated' | 'absent';
  /** The service reports its own latency (Converse metrics.latencyMs, plus Retrieve time for retrieve-then-converse). */
  serviceLatency: boolean;
  /** The answer comes with retrieved contexts and citations into them (RAG). */
  citations: boolean;
  /** What the answer must match on this backend. */
  output: RegExp;
}

export interface ContractBackend {
  /** A target that answers `request`. */
  target: Target;
  request: TargetRequest;
  /** A target whose every call fails with the given fault; only for the kinds the backend declared. */
  faulty(kind: FaultKind): Target;
  /** Credential values the backend's clients sign with: none may appear in any error. */
  secrets: readonly string[];
  close(): Promise<void>;
}

export interface ContractSpec extends ContractExpectations {
  adapter: 'bedrock-model' | 'bedrock-kb retrieve-then-converse' | 'bedrock-kb retrieve-and-generate' | 'batch' | 'sagemaker-endpoint messages' | 'sagemaker-endpoint tgi';
  backend: 'emulator' | 'h2c stub' | 'aws-sdk-client-mock';
  faults: readonly FaultKind[];
}

/** Every (adapter, backend) the suite ran, so the coverage test can check that each adapter met every fault. */
export const CONTRACT_RUNS: ContractSpec[] = [];

const CALL_MS = 60_000;

async function failure(p: Promise<TargetResponse>): Promise<TargetError> {
  const outcome = await p.then(
    (r) => ({ ok: true as const, r }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error(`expected the call to fail, but it answered ${JSON.stringify(outcome.r.output)}`);
  expect(outcome.e).toBeInstanceOf(TargetError);
  return outcome.e as TargetError;
}

/** Everything an error could show a user or a log: message, stack, own fields, and its causes'. */
function everythingShown(err: unknown, depth = 0): string {
  if (!err || typeof err !== 'object' || depth > 4) return String(err);
  const e = err as Error & { cause?: unknown };
  let own = '';
  try {
    own = JSON.stringify(e, Object.getOwnPropertyNames(e));
  } catch {
    own = Object.getOwnPropertyNames(e).map((k) => `${k}=${String((e as unknown as Record<string, unknown>)[k])}`).join(' ');
  }
  return [e.message, e.stack, own, String(e), e.cause ? everythingShown(e.cause, depth + 1) : ''].join('\n');
}

export function targetContract(spec: ContractSpec, setup: () => Promise<ContractBackend>): void {
  CONTRACT_RUNS.push(spec);
  describe(`Target contract: ${spec.adapter} against the ${spec.backend}`, () => {
    let b: ContractBackend;
    const call = (t: Target, signal: AbortSignal = AbortSignal.timeout(CALL_MS)) => t.invoke(b.request, { signal });
    const fail = (t: Target, signal?: AbortSignal) => failure(call(t, signal));
    beforeAll(async () => {
      b = await setup();
    });
    afterAll(async () => {
      await b?.close();
    });

    it('answers with output and a client latency', async () => {
      const r = await call(b.target);
      expect(r.output).toMatch(spec.output);
      expect(Number.isFinite(r.latencyMs)).toBe(true);
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      if (r.firstTokenMs !== undefined) expect(r.firstTokenMs).toBeLessThanOrEqual(r.latencyMs);
    });

    it(`usage is ${spec.usage}, and never zero for a count nobody made`, async () => {
      const r = await call(b.target);
      if (spec.usage === 'absent') {
        expect(r.usage).toBeUndefined();
        return;
      }
      expect(r.usage).toBeDefined();
      expect(r.usage!.inputTokens).toBeGreaterThan(0);
      if (r.output.length > 0) expect(r.usage!.outputTokens).toBeGreaterThan(0);
      expect(Boolean(r.usage!.estimated)).toBe(spec.usage === 'estimated');
    });

    it(spec.serviceLatency ? 'reports the service latency' : 'reports no service latency (the service gives none)', async () => {
      const r = await call(b.target);
      if (!spec.serviceLatency) {
        expect(r.serviceLatencyMs).toBeUndefined();
        return;
      }
      expect(Number.isFinite(r.serviceLatencyMs)).toBe(true);
      expect(r.serviceLatencyMs!).toBeGreaterThanOrEqual(0);
    });

    it(spec.citations ? 'returns contexts and citations that point into them' : 'returns no citations', async () => {
      const r = await call(b.target);
      if (!spec.citations) {
        expect(r.citations ?? []).toEqual([]);
        return;
      }
      expect(r.contexts?.length).toBeGreaterThan(0);
      for (const c of r.contexts!) expect(c.text.length).toBeGreaterThan(0);
      expect(r.citations?.length).toBeGreaterThan(0);
      for (const c of r.citations!) {
        expect(c.references.length).toBeGreaterThan(0);
        for (const ref of c.references) expect(r.contexts).toContainEqual(ref);
        if (c.span) expect(c.span.end).toBeGreaterThanOrEqual(c.span.start);
      }
    });

    it('ends a call whose time is up as a retryable Timeout, and a cancelled one as Aborted, without an answer', async () => {
      const timedOut = await fail(b.target, AbortSignal.abort(new DOMException('the call timed out', 'TimeoutError')));
      expect(timedOut).toMatchObject({ code: 'Timeout', retryable: true });
      const cancelled = await fail(b.target, AbortSignal.abort(new Error('run cancelled')));
      expect(cancelled).toMatchObject({ code: 'Aborted', retryable: false });
    });

    if (spec.faults.includes('hang')) {
      it('aborts a call the service never answers when its timeout fires', async () => {
        const err = await fail(b.faulty('hang'), AbortSignal.timeout(100));
        expect(err).toMatchObject({ code: 'Timeout', retryable: true });
      });
    }
    if (spec.faults.includes('throttle')) {
      it('types throttling as retryable and throttled', async () => {
        const err = await fail(b.faulty('throttle'));
        expect(err).toMatchObject({ retryable: true, throttled: true });
      });
    }
    if (spec.faults.includes('server')) {
      it('types a server error as retryable, not throttled', async () => {
        const err = await fail(b.faulty('server'));
        expect(err).toMatchObject({ retryable: true, throttled: false });
      });
    }
    if (spec.faults.includes('fatal')) {
      it('types a request the service refuses as fatal (not retryable)', async () => {
        const err = await fail(b.faulty('fatal'));
        expect(err).toMatchObject({ retryable: false, throttled: false });
        expect(err.code).not.toMatch(/^(Timeout|Aborted)$/);
      });
    }

    it('shows no credential in any error it raises', async () => {
      // Its own errors, so the check holds in any test order.
      const raised = [
        await failure(call(b.target, AbortSignal.abort(new DOMException('the call timed out', 'TimeoutError')))),
        ...(await Promise.all(spec.faults.map((k) => failure(call(b.faulty(k), k === 'hang' ? AbortSignal.timeout(100) : undefined))))),
      ];
      expect(b.secrets.length).toBeGreaterThan(0);
      for (const err of raised) {
        const shown = everythingShown(err);
        for (const secret of b.secrets) expect(shown, `${err.code}: ${err.message}`).not.toContain(secret);
      }
    });
  });
}

/** Credentials that look real enough to leak: the contract checks that no error ever shows them. */
export const CONTRACT_CREDENTIALS = { accessKeyId: 'AKIACONTRACTTEST0001', secretAccessKey: 'contract+Secret/Key0000000000000000000001', sessionToken: 'contract-session-token-0001' };
export const CONTRACT_SECRETS = Object.values(CONTRACT_CREDENTIALS);
