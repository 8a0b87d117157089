import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/shadow/redact.js';
import { combineOrders, parseWinner, signTestP } from '../../src/shadow/judge.js';
import { isNonAnswer, isRefusal } from '../../src/shadow/signals.js';

describe('redaction', () => {
  it('masks e-mail addresses, phone numbers and card-like numbers, and leaves dates, ids and amounts', () => {
    const t = redactText('Mail ana.b+x@example.co.uk or call +44 20 7946 0958 / (555) 123-4567; card 4111 1111 1111 1111. Order 12345 on 2026-12-02 for $1,250.');
    expect(t).toBe('Mail [email] or call [phone] / [phone]; card [card number]. Order 12345 on 2026-12-02 for $1,250.');
    expect(redactText('4111-1111-1111-1111 and 555.123.4567')).toBe('[card number] and [phone]');
  });
});

describe('pairwise judge', () => {
  it('parses exactly one WINNER line, else nothing', () => {
    expect(parseWinner('WINNER: B\nREASON: more precise')).toEqual({ winner: 'B', reason: 'more precise' });
    expect(parseWinner('**WINNER:** tie').winner).toBe('TIE');
    expect(parseWinner('A is better').winner).toBeUndefined();
    expect(parseWinner('WINNER: A\nWINNER: B').winner).toBeUndefined();
  });

  it('counts a preference only when it survives the position swap', () => {
    // First order: A = production, B = candidate; second order: A = candidate.
    expect(combineOrders('B', 'A')).toEqual({ outcome: 'candidate', inconsistent: false });
    expect(combineOrders('A', 'B')).toEqual({ outcome: 'production', inconsistent: false });
    expect(combineOrders('A', 'A')).toEqual({ outcome: 'tie', inconsistent: true });
    expect(combineOrders('TIE', 'A')).toEqual({ outcome: 'tie', inconsistent: false });
    expect(combineOrders(undefined, 'A').outcome).toBe('unparseable');
  });

  it('sign test p-values match scipy.stats.binomtest (two-sided)', () => {
    expect(signTestP(2, 8)).toBeCloseTo(0.109375, 9);
    expect(signTestP(0, 10)).toBeCloseTo(0.001953125, 9);
    expect(signTestP(5, 5)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
    expect(signTestP(400, 600)).toBeLessThan(1e-9);
  });
});

describe('refusal and non-answer signals', () => {
  it('tells a refusal from a non-answer from an answer', () => {
    expect(isRefusal("I'm sorry, but I can't help with that request.")).toBe(true);
    expect(isRefusal('Here it is.', 'guardrail_intervened')).toBe(true);
    expect(isNonAnswer("I don't have enough information to answer that.")).toBe(true);
    expect(isNonAnswer('   ')).toBe(true);
    expect(isNonAnswer("I'm sorry, but I can't help with that.")).toBe(false);
    expect(isRefusal('The warranty lasts two years.')).toBe(false);
    expect(isNonAnswer('The warranty lasts two years.')).toBe(false);
  });
});
