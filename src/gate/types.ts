import type { GateRule } from '../config/schema.js';

/** The numbers behind one outcome, for machine consumers (--json) and reports. */
export interface GateEvidence {
  baseline?: number;
  current?: number;
  /** current minus baseline. */
  delta?: number;
  ci95?: [number, number];
  pValue?: number;
  /** Holm-adjusted across the gate's no-regression tests. */
  pAdjusted?: number;
  n?: number;
  threshold?: number;
  method?: string;
}

export interface GateOutcome {
  /** The rule as written, before it was expanded to one outcome per system. */
  rule: GateRule;
  type: GateRule['type'];
  system: string;
  metric?: string;
  category?: string;
  passed: boolean;
  /** True when the rule could not apply (e.g. the system is new and has no baseline); counts as passed. */
  skipped?: boolean;
  /** One line with the numbers: baseline, current, delta, CI, p, threshold. */
  message: string;
  evidence: GateEvidence;
}

export interface FlippedItem {
  id: string;
  prompt: string;
  category?: string;
}

/** Items whose correctness changed between baseline and current, for one system. */
export interface SystemFlips {
  system: string;
  /** How correctness was decided: the `exact` score when present, else the primary metric >= 0.5. */
  basis: string;
  /** Right in the baseline, wrong (or failed) now. */
  regressed: FlippedItem[];
  /** Wrong in the baseline, right now. */
  fixed: number;
}

export interface GateRunRef {
  runId: string;
  createdAt: string;
}

export interface GateReport {
  passed: boolean;
  seed: number;
  baseline: GateRunRef;
  current: GateRunRef;
  evalSet: { name: string; sha256: string; size: number };
  outcomes: GateOutcome[];
  flips: SystemFlips[];
}
