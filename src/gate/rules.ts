/** Where gate rules come from: a --rules file, else the current run's config, else sensible defaults. */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { describeUnknownKey, findUnknownKeys, nearest } from '../config/strict.js';
import { z } from 'zod';
import { GateRule } from '../config/schema.js';
import type { RunSummary } from '../schema/run-result.js';
import { InputError } from '../util/errors.js';
import { defaultShadowRules } from './shadow.js';

/** Smallest drop of the primary metric that may fail the default no-regression rule (2 points on a 0..1 scale). */
export const DEFAULT_MIN_EFFECT = 0.02;
export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_MAX_ERROR_RATE = 0.05;

/**
 * No significant regression (Holm-corrected, and a drop of at least 0.02) of the run's primary metric for every
 * system present in both runs, at most 5% failed items per system, every system's p95 (service latency when the run
 * has it) within the configured `workload.latencySloMs`, the same verdict as the baseline, and, when the run measured
 * a general set, no fine-tuned model with a significant general-set loss beyond the tolerance (`forgetting`).
 */
export function defaultGateRules(run: RunSummary): GateRule[] {
  if (run.kind === 'shadow') return defaultShadowRules(run);
  const slo = (run.config as { workload?: { latencySloMs?: unknown } }).workload?.latencySloMs;
  return [
    { type: 'no-regression', metric: run.primaryMetric, minEffect: DEFAULT_MIN_EFFECT, alpha: DEFAULT_ALPHA },
    { type: 'error-rate', max: DEFAULT_MAX_ERROR_RATE },
    ...(typeof slo === 'number' && slo > 0 ? [{ type: 'latency-p95' as const, max: slo }] : []),
    { type: 'verdict-unchanged' },
    // A run that measured forgetting (config generalSet) is gated on it: no significant general-set loss beyond tolerance.
    ...(run.systems.some((s) => s.generalSet) ? [{ type: 'forgetting' as const }] : []),
  ];
}

function pathToField(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');
}

/** Load `{rules: [...]}` (or a bare list) from a YAML or JSON file. Errors name the file, line and field. */
export async function loadGateRules(file: string): Promise<GateRule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read gate rules: ${(err as Error).message}`, { file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new InputError(`not valid YAML/JSON: ${e.message.split('\n')[0]}`, { file, line: lineCounter.linePos(e.pos[0]).line });
  }
  const data: unknown = doc.toJS();
  const isList = Array.isArray(data);
  const list = isList ? data : (data as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list)) {
    throw new InputError('expected an object with a "rules" list', { file, field: 'rules' });
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    const yamlPath = isList ? path : ['rules', ...path];
    const node = doc.getIn(yamlPath as unknown[], true) as { range?: [number, number, number] } | undefined;
    const parent = doc.getIn(yamlPath.slice(0, -1) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0] ?? parent?.range?.[0];
    return offset !== undefined ? lineCounter.linePos(offset).line : undefined;
  };
  if (!isList) {
    const top = Object.keys(data as object).filter((k) => k !== 'rules');
    if (top.length) throw new InputError(describeUnknownKey({ path: [top[0]], key: top[0], known: ['rules'], suggestion: nearest(top[0], ['rules']) }), { file, line: lineOf([]), field: top[0] });
  }
  // A misspelt key (`categroy`) would otherwise be dropped and the rule would apply to every item.
  const unknown = findUnknownKeys(z.array(GateRule), list);
  if (unknown.length) {
    const u = unknown[0];
    const more = unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : '';
    // Point at the key itself: the node of a key is its value's pair, so use the rule's line plus the key's own.
    throw new InputError(`${describeUnknownKey(u)}${more}`, { file, line: keyLine(doc, lineCounter, isList ? u.path : ['rules', ...u.path]) ?? lineOf(u.path.slice(0, -1)), field: pathToField(['rules', ...u.path]) });
  }
  const parsed = z.array(GateRule).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const yamlPath = isList ? issue.path : ['rules', ...issue.path];
    const node = doc.getIn(yamlPath as unknown[], true) as { range?: [number, number, number] } | undefined;
    const parent = doc.getIn(yamlPath.slice(0, -1) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0] ?? parent?.range?.[0];
    throw new InputError(issue.message, {
      file,
      line: offset !== undefined ? lineCounter.linePos(offset).line : undefined,
      field: pathToField(['rules', ...issue.path]),
    });
  }
  return parsed.data;
}

function keyLine(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
  const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** The current run's `config.gate.rules` when it has any, else the defaults. */
export function rulesFromRun(run: RunSummary): GateRule[] {
  const gate = (run.config as { gate?: { rules?: unknown } }).gate;
  if (gate?.rules === undefined) return defaultGateRules(run);
  const parsed = z.array(GateRule).safeParse(gate.rules);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid gate rule in the run's config: ${issue.message}`, {
      field: pathToField(['config', 'gate', 'rules', ...issue.path]),
    });
  }
  return parsed.data.length > 0 ? parsed.data : defaultGateRules(run);
}
