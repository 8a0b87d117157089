/**
 * The `shadow` block of a run.json whose top-level `kind` is `shadow`: production traffic read from Bedrock model
 * invocation logs, replayed through a candidate, compared without references. Additive within schema v1: a v1 reader
 * that does not know it ignores nothing it needs (systems, items and notes are filled as for an experiment).
 */
import { z } from 'zod';
import { Interval } from './interval.js';

const Rate = z.object({
  rate: z.number().describe('Share of compared requests, 0..1'),
  ci95: Interval,
  count: z.number().int(),
  n: z.number().int(),
});

const MeanCi = z.object({ mean: z.number(), ci95: Interval, n: z.number().int() });

const BadRecord = z.object({ file: z.string(), line: z.number().int(), reason: z.string() });

const CostSide = z.object({
  modelId: z.string(),
  per1kQueriesUsd: z.number(),
  monthlyFixedUsd: z.number(),
  monthlyTotalUsd: z.number().describe('At the logged traffic volume (monthlyQueries)'),
  missingPrices: z.array(z.string()),
  basis: z.array(z.string()),
});

export const ShadowSummary = z.object({
  logs: z.object({
    sources: z.array(z.string()).describe('Files, folders or s3:// prefixes read'),
    files: z.number().int(),
    records: z.number().int().describe('Lines or records read, good and bad'),
    usable: z.number().int().describe('Records that parsed and passed the filters'),
    compared: z.number().int().describe('Records replayed through the candidate (after sampling)'),
    filters: z.object({
      modelId: z.string().optional(),
      operations: z.array(z.string()),
      since: z.string().optional(),
      until: z.string().optional(),
    }),
    sample: z.object({ size: z.number().int(), seed: z.number().int() }).optional(),
    skipped: z.record(z.string(), z.number().int()).describe('Well-formed records left out by a filter, by reason'),
    skippedExamples: z.array(BadRecord).describe('The first records a filter left out, with file and line'),
    bad: z.object({
      count: z.number().int(),
      byReason: z.record(z.string(), z.number().int()),
      examples: z.array(BadRecord).describe('The first bad records, with file and line'),
    }),
  }),
  production: z.object({ modelId: z.string(), operations: z.record(z.string(), z.number().int()) }),
  candidate: z.object({ systemId: z.string(), kind: z.string(), modelId: z.string() }),
  replay: z.object({ answered: z.number().int(), failed: z.number().int(), resumed: z.number().int(), cacheHits: z.number().int() }),
  agreement: z.record(z.string(), z.object({ mean: z.number(), ci95: Interval, n: z.number().int(), method: z.string().optional() })),
  agreementMetric: z.string().describe('The agreement metric the verdict and the gate use'),
  histogram: z.object({
    metric: z.string(),
    bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  }),
  judge: z
    .object({
      modelId: z.string(),
      n: z.number().int().describe('Requests judged in both orders'),
      wins: z.number().int().describe('Candidate preferred in both orders'),
      losses: z.number().int().describe('Production preferred in both orders'),
      ties: z.number().int().describe('Judged a tie, or the preference flipped with the order (position bias)'),
      inconsistent: z.number().int().describe('Of the ties: the two orders disagreed'),
      unparseable: z.number().int().describe('Judge replies that did not follow the format (left out of n)'),
      preference: MeanCi.describe('Candidate preference: wins + half the ties, over n'),
      pValue: z.number().describe('Two-sided exact sign test of wins against losses (ties dropped)'),
    })
    .optional(),
  refusal: z.object({ production: Rate, candidate: Rate }),
  nonAnswer: z.object({ production: Rate, candidate: Rate }),
  deltas: z.object({
    outputChars: MeanCi.describe('Candidate minus production, characters'),
    outputTokens: MeanCi.optional().describe('Candidate minus production, output tokens'),
    inputTokens: MeanCi.optional().describe('Candidate minus production, input tokens'),
    latencyMs: MeanCi.optional().describe('Candidate minus production, service latency in ms'),
  }),
  traffic: z.object({
    first: z.string(),
    last: z.string(),
    hours: z.number().describe('Length of the logged window in hours (at least 1)'),
    requests: z.number().int().describe('Usable records in the window, before sampling'),
    requestsPerHour: z.object({ mean: z.number(), peak: z.number().int() }),
    hourOfDay: z.array(z.number().int()).length(24).describe('Usable requests by UTC hour of day'),
    monthlyQueries: z.number().describe('Requests per hour x 744 hours (AWS prices a month as 24 x 31 h)'),
  }),
  cost: z.object({
    production: CostSide,
    candidate: CostSide,
    differencePct: z.number().nullable().describe('Candidate monthly total relative to production, percent; null when a price is missing'),
  }),
  verdict: z.object({ headline: z.string(), reasons: z.array(z.string()) }),
  redacted: z.boolean().describe('E-mail addresses, phone numbers and card-like numbers masked in run.json and the reports'),
});
export type ShadowSummary = z.infer<typeof ShadowSummary>;
