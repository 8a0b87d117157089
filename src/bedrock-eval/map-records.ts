/**
 * Maps evaluation job records back to a run's items and systems.
 * System: the record's identifier (modelIdentifier / knowledgeBaseIdentifier: the system id `ftrag export bedrock-eval`
 * wrote), else the `models/<id>/` folder the file is in, else the `--system` given.
 * Item: the export manifest lists each file's item ids in line order, so record k of an output file is item k of the
 * manifest file whose prompts match that output best; its prompt text is checked against the item's, and a record
 * whose prompt differs is mapped by its prompt instead and reported as a mismatch. Without a manifest every record is
 * mapped by its prompt. A record whose prompt is no item's is an error: the output belongs to another run.
 */
import type { RunSummary } from '../schema/run-result.js';
import { InputError } from '../util/errors.js';
import type { ExportManifest } from './export.js';
import type { JobRecord } from './job-output.js';

export interface MappedRecord {
  record: JobRecord;
  system: string;
  itemId: string;
  byLineOrder: boolean;
  /** The manifest's item for this line when the record's prompt did not match it. */
  manifestItemId?: string;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function systemOf(record: JobRecord, systems: Set<string>, override: string | undefined): string {
  if (override) {
    if (!systems.has(override)) throw new InputError(`no system "${override}" in this run (systems: ${[...systems].join(', ')})`, { field: '--system' });
    return override;
  }
  if (record.sourceIdentifier && systems.has(record.sourceIdentifier)) return record.sourceIdentifier;
  if (record.pathModelId && systems.has(record.pathModelId)) return record.pathModelId;
  const named = record.sourceIdentifier ?? record.pathModelId;
  throw new InputError(
    `${named ? `names "${named}", which is not a system of this run` : 'names no system'} (systems: ${[...systems].join(', ')}); pass --system ID when the job's identifier is not an ftrag system id`,
    { file: record.file, line: record.line, field: record.sourceField },
  );
}

export function mapRecords(run: RunSummary, items: readonly { id: string; prompt: string }[], records: JobRecord[], manifest: ExportManifest | undefined, opts: { system?: string } = {}): MappedRecord[] {
  const systems = new Set(run.systems.map((s) => s.id));
  const promptOf = new Map(items.map((i) => [i.id, norm(i.prompt)]));
  const byPrompt = new Map<string, string[]>();
  for (const item of items) {
    const key = norm(item.prompt);
    byPrompt.set(key, [...(byPrompt.get(key) ?? []), item.id]);
  }
  const groups = new Map<string, { system: string; records: JobRecord[] }>();
  for (const r of records) {
    const system = systemOf(r, systems, opts.system);
    const key = `${r.file}\u0000${system}`;
    if (!groups.has(key)) groups.set(key, { system, records: [] });
    groups.get(key)!.records.push(r);
  }

  const mapped: MappedRecord[] = [];
  for (const { system, records: group } of groups.values()) {
    const parts = manifest?.files.filter((f) => f.system === system) ?? [];
    const matches = (ids: string[]) => group.filter((r) => ids[r.index] !== undefined && promptOf.get(ids[r.index]) === norm(r.prompt)).length;
    // The manifest file this output is the result of: the one whose line order matches best; with none matching
    // (the job reordered every line), the one with as many lines, so each record's mismatch is still reported.
    const ranked = parts.map((p) => ({ p, n: matches(p.itemIds) })).sort((a, b) => b.n - a.n);
    const part = ranked[0]?.n > 0 ? ranked[0].p : (parts.find((p) => p.itemIds.length === group.length) ?? (parts.length === 1 ? parts[0] : undefined));
    const lineIds = part?.itemIds ?? [];
    const taken = new Set<string>();
    for (const r of group) {
      const expected = lineIds[r.index];
      if (expected !== undefined && promptOf.get(expected) === norm(r.prompt) && !taken.has(expected)) {
        taken.add(expected);
        mapped.push({ record: r, system, itemId: expected, byLineOrder: true });
        continue;
      }
      const candidates = (byPrompt.get(norm(r.prompt)) ?? []).filter((id) => !taken.has(id));
      if (candidates.length === 0) {
        const known = byPrompt.has(norm(r.prompt));
        throw new InputError(
          known
            ? `prompt "${clip(r.prompt)}" appears more often in this file than in the run's items for ${system}`
            : `no item of run ${run.runId} has the prompt "${clip(r.prompt)}": this output is not from this run's export`,
          { file: r.file, line: r.line, field: r.kind === 'model-evaluation' ? 'inputRecord.prompt' : 'conversationTurns[0].inputRecord.prompt' },
        );
      }
      taken.add(candidates[0]);
      mapped.push({ record: r, system, itemId: candidates[0], byLineOrder: false, ...(expected !== undefined ? { manifestItemId: expected } : {}) });
    }
  }
  return mapped;
}

function clip(s: string): string {
  const t = norm(s);
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
