/**
 * Hyperparameter sweep points (pure): a grid over the listed values, or N seeded random draws from lists or ranges,
 * each merged over the system's fixed hyperParameters and checked against the base model family's published ranges
 * (src/models) before any job starts. Integer parameters are rounded; duplicate points are dropped.
 */
import type { SweepSpec, SystemSpec } from '../config/schema.js';
import { customOnDemandSupport, familyOf } from '../models/index.js';
import { needsScores } from './sweep-select.js';
import { InputError } from '../util/errors.js';
import { mulberry32 } from '../util/random.js';
import { checkHyperParameters } from './hyperparameters.js';

export const SWEPT = ['epochCount', 'learningRate', 'batchSize', 'learningRateWarmupSteps'] as const;
export const DEFAULT_GRID_LIMIT = 16;

export interface SweepPoint {
  index: number;
  hyperParameters: Record<string, string>;
}

/** `field` is the config path of the training section, e.g. `systems.fine-tuned.training`. */
export function sweepPoints(
  sweep: SweepSpec,
  training: { baseModelId: string; hyperParameters: Record<string, string | number> },
  field: string,
  defaultSeed: number,
): SweepPoint[] {
  const family = familyOf(training.baseModelId);
  const swept = SWEPT.filter((p) => sweep[p] !== undefined);
  if (swept.length === 0) throw new InputError(`a sweep needs at least one of ${SWEPT.join(', ')}`, { field: `${field}.sweep` });
  for (const p of swept) {
    if (training.hyperParameters[p] !== undefined) {
      throw new InputError(`${p} is both fixed in hyperParameters and swept; keep one`, { field: `${field}.hyperParameters.${p}` });
    }
    const range = family?.hyperParameters[p];
    if (family && !range) {
      throw new InputError(`${p} cannot be set for ${training.baseModelId} (it takes: ${Object.keys(family.hyperParameters).join(', ')})`, { field: `${field}.sweep.${p}` });
    }
    const v = sweep[p]!;
    if (!Array.isArray(v)) {
      if (sweep.method === 'grid') throw new InputError(`a grid sweep needs a list of values for ${p}, not a range`, { field: `${field}.sweep.${p}` });
      if (v.min > v.max) throw new InputError(`${p}: min ${v.min} is above max ${v.max}`, { field: `${field}.sweep.${p}` });
      if (v.scale === 'log' && v.min <= 0) throw new InputError(`${p}: a log range needs min > 0`, { field: `${field}.sweep.${p}.min` });
    }
  }
  const integer = (p: string) => family?.hyperParameters[p]?.integer ?? p !== 'learningRate';
  const shape = (p: string, x: number) => (integer(p) ? Math.round(x) : Number(x.toPrecision(6)));
  let raw: Record<string, number>[];
  if (sweep.method === 'grid') {
    raw = [{}];
    for (const p of swept) raw = raw.flatMap((point) => (sweep[p] as number[]).map((x) => ({ ...point, [p]: shape(p, x) })));
    const limit = sweep.points ?? DEFAULT_GRID_LIMIT;
    if (raw.length > limit) throw new InputError(`the grid has ${raw.length} points, more than ${limit} (raise sweep.points or list fewer values)`, { field: `${field}.sweep` });
  } else {
    const n = sweep.points;
    if (n === undefined) throw new InputError('a random sweep needs points (how many to draw)', { field: `${field}.sweep.points` });
    const rand = mulberry32(sweep.seed ?? defaultSeed);
    raw = Array.from({ length: n }, () => {
      const point: Record<string, number> = {};
      for (const p of swept) {
        const v = sweep[p]!;
        if (Array.isArray(v)) point[p] = shape(p, v[Math.floor(rand() * v.length)]);
        else if (v.scale === 'log') point[p] = shape(p, Math.exp(Math.log(v.min) + rand() * (Math.log(v.max) - Math.log(v.min))));
        else point[p] = shape(p, v.min + rand() * (v.max - v.min));
      }
      return point;
    });
  }
  const seen = new Set<string>();
  const points: SweepPoint[] = [];
  for (const point of raw) {
    const hyperParameters = { ...Object.fromEntries(Object.entries(training.hyperParameters).map(([k, v]) => [k, String(v)])), ...Object.fromEntries(Object.entries(point).map(([k, v]) => [k, String(v)])) };
    const key = JSON.stringify(Object.entries(hyperParameters).sort());
    if (seen.has(key)) continue;
    seen.add(key);
    checkHyperParameters(training.baseModelId, hyperParameters, `${field}.sweep`);
    points.push({ index: points.length, hyperParameters });
  }
  return points;
}

/**
 * Checks what a sweep needs before anything is trained (exit 2 naming the field): validation evidence, and for a
 * score-based rule a base model whose custom models can be served on demand in the Region (each point is asked the
 * validation records through a deployment; provisioned throughput per point would bill by the hour).
 */
export function checkSweepSpec(spec: SystemSpec, region: string): void {
  const training = spec.training!;
  const sweep = training.sweep!;
  const field = `systems.${spec.id}.training`;
  if (!training.validationData && sweep.validationSplit === undefined) {
    throw new InputError('a sweep chooses its point on validation evidence: give training.validationData or sweep.validationSplit (a share of the training data to hold out; ftrag data split makes a file)', {
      field: `${field}.validationData`,
    });
  }
  if (training.validationData && sweep.validationSplit !== undefined) {
    throw new InputError('give training.validationData or sweep.validationSplit, not both', { field: `${field}.sweep.validationSplit` });
  }
  if (needsScores(sweep.select)) {
    const support = customOnDemandSupport(training.baseModelId, region);
    if (!support.supported) {
      throw new InputError(`select: ${sweep.select} asks every point the validation records through an on-demand custom model deployment, but ${support.reason}; use select: validation-loss`, { field: `${field}.sweep.select` });
    }
    if (spec.serving?.type === 'provisioned') {
      throw new InputError(`select: ${sweep.select} serves every point on demand to score it; with serving.type provisioned each point would need provisioned throughput: use select: validation-loss, or serving.type on-demand`, {
        field: `${field}.sweep.select`,
      });
    }
  }
}

