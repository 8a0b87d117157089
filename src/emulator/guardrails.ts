/**
 * Guardrails: the control plane (Create/Get/List/Delete Guardrail, CreateGuardrailVersion) and their use in Converse,
 * Retrieve and RetrieveAndGenerate. A request naming a guardrail that does not exist is refused with Bedrock's
 * message. Of a guardrail's policies the emulator enforces word filters (`wordPolicyConfig.wordsConfig`: a listed
 * word or phrase in the input or the output, case-insensitive, whole words); the other policies (content, topics,
 * sensitive information, contextual grounding) are stored and returned but not evaluated.
 */
import { ACCOUNT_ID } from './context.js';
import type { EmulatorContext } from './context.js';
import { conflict, notFound, nowIso, optString, parseJsonObject, readBody, reqString, sendJson, validation } from './http-util.js';
import { hashId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';

export interface GuardrailRef {
  identifier: string;
  version: string;
}

export interface GuardrailRecord {
  guardrailId: string;
  guardrailArn: string;
  name: string;
  description?: string;
  blockedInputMessaging: string;
  blockedOutputsMessaging: string;
  policies: Record<string, unknown>;
  /** Published version numbers ("1", "2", ...) besides DRAFT. */
  versions: string[];
  status: 'READY';
  createdAt: string;
  updatedAt: string;
}

const POLICY_KEYS = ['topicPolicyConfig', 'contentPolicyConfig', 'wordPolicyConfig', 'sensitiveInformationPolicyConfig', 'contextualGroundingPolicyConfig'];
const NOT_FOUND = 'The guardrail identifier or version provided in the request does not exist.';

/** Reads `{guardrailIdentifier, guardrailVersion}` (Converse) or `{guardrailId, guardrailVersion}` (agent runtime). */
export function parseGuardrailConfig(raw: unknown, field: string): GuardrailRef | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must be an object`);
  const o = raw as Record<string, unknown>;
  const idKey = 'guardrailIdentifier' in o || field === 'guardrailConfig' ? 'guardrailIdentifier' : 'guardrailId';
  const identifier = o[idKey];
  const version = o.guardrailVersion;
  if (typeof identifier !== 'string' || identifier === '') throw validation(`1 validation error detected: Value null at '${field}.${idKey}' failed to satisfy constraint: Member must not be null`);
  if (typeof version !== 'string' || !/^(([1-9][0-9]{0,7})|(DRAFT))$/.test(version)) {
    throw validation(`1 validation error detected: Value '${String(version)}' at '${field}.guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (([1-9][0-9]{0,7})|(DRAFT))`);
  }
  return { identifier, version };
}

/** The guardrail a request names; Bedrock's ValidationException when the id or version does not exist. */
export function resolveGuardrail(ctx: EmulatorContext, ref: GuardrailRef | undefined): GuardrailRecord | undefined {
  if (!ref) return undefined;
  const id = /guardrail\/([a-z0-9]+)$/.exec(ref.identifier)?.[1] ?? ref.identifier;
  const g = ctx.store.get<GuardrailRecord>('guardrails', /^[a-z0-9]{1,64}$/.test(id) ? id : '-');
  if (!g || (ref.version !== 'DRAFT' && !g.versions.includes(ref.version))) throw validation(NOT_FOUND);
  return g;
}

function blockedWords(g: GuardrailRecord): string[] {
  const words = ((g.policies.wordPolicyConfig as Record<string, unknown> | undefined)?.wordsConfig ?? []) as { text?: unknown }[];
  return words.map((w) => (typeof w.text === 'string' ? w.text.trim().toLowerCase() : '')).filter((w) => w !== '');
}

/** Whether the text trips the guardrail's word filter. */
export function intervenes(g: GuardrailRecord | undefined, text: string): boolean {
  if (!g) return false;
  const lower = text.toLowerCase();
  return blockedWords(g).some((w) => new RegExp(`(^|[^\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(lower));
}

function view(g: GuardrailRecord, version: string): Record<string, unknown> {
  const { versions: _v, policies, ...rest } = g;
  const out: Record<string, unknown> = { ...rest, version };
  for (const [k, v] of Object.entries(policies)) out[k.replace(/Config$/, '')] = v;
  return out;
}

async function createGuardrail(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const name = reqString(body, 'name');
  if (!/^[0-9a-zA-Z-_]{1,50}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_]+$`);
  const blockedInputMessaging = reqString(body, 'blockedInputMessaging');
  const blockedOutputsMessaging = reqString(body, 'blockedOutputsMessaging');
  if (a.ctx.store.all<GuardrailRecord>('guardrails').some((g) => g.name === name)) throw conflict(`A guardrail named ${name} already exists.`);
  const policies: Record<string, unknown> = {};
  for (const k of POLICY_KEYS) if (body[k] !== undefined) policies[k] = body[k];
  if (Object.keys(policies).length === 0) throw validation('At least one policy is required to create a guardrail.');
  const n = a.ctx.store.next('guardrail');
  const id = hashId(12, a.ctx.seed, 'guardrail', n, name);
  const now = nowIso();
  const g: GuardrailRecord = {
    guardrailId: id,
    guardrailArn: `arn:aws:bedrock:${a.ctx.region}:${ACCOUNT_ID}:guardrail/${id}`,
    name,
    description: optString(body, 'description'),
    blockedInputMessaging,
    blockedOutputsMessaging,
    policies,
    versions: [],
    status: 'READY',
    createdAt: now,
    updatedAt: now,
  };
  a.ctx.store.put('guardrails', id, g);
  sendJson(a.res, 202, { guardrailId: id, guardrailArn: g.guardrailArn, version: 'DRAFT', createdAt: now });
}

function guardrailOrThrow(a: RouteArgs): GuardrailRecord {
  const ident = a.params.guardrailIdentifier;
  const id = /guardrail\/([a-z0-9]+)$/.exec(ident)?.[1] ?? ident;
  if (!/^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]+))$/.test(ident)) {
    throw validation(`1 validation error detected: Value '${ident}' at 'guardrailIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))`);
  }
  const g = a.ctx.store.get<GuardrailRecord>('guardrails', id);
  if (!g) throw notFound(`Guardrail ${ident} was not found.`);
  return g;
}

async function getGuardrail(a: RouteArgs): Promise<void> {
  const g = guardrailOrThrow(a);
  const version = a.url.searchParams.get('guardrailVersion') ?? 'DRAFT';
  if (version !== 'DRAFT' && !g.versions.includes(version)) throw notFound(`Guardrail ${g.guardrailId} has no version ${version}.`);
  sendJson(a.res, 200, view(g, version));
}

async function createGuardrailVersion(a: RouteArgs): Promise<void> {
  const g = guardrailOrThrow(a);
  await readBody(a.req);
  const version = String(g.versions.length + 1);
  a.ctx.store.put('guardrails', g.guardrailId, { ...g, versions: [...g.versions, version], updatedAt: nowIso() });
  sendJson(a.res, 202, { guardrailId: g.guardrailId, version });
}

async function listGuardrails(a: RouteArgs): Promise<void> {
  const all = a.ctx.store.all<GuardrailRecord>('guardrails').sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.guardrailId.localeCompare(y.guardrailId));
  sendJson(a.res, 200, {
    guardrails: all.map((g) => ({ id: g.guardrailId, arn: g.guardrailArn, status: g.status, name: g.name, description: g.description, version: 'DRAFT', createdAt: g.createdAt, updatedAt: g.updatedAt })),
  });
}

async function deleteGuardrail(a: RouteArgs): Promise<void> {
  const g = guardrailOrThrow(a);
  a.ctx.store.delete('guardrails', g.guardrailId);
  sendJson(a.res, 202, {});
}

export const guardrailRoutes: Route[] = [
  controlRoute('POST', '/guardrails', createGuardrail),
  controlRoute('GET', '/guardrails', listGuardrails),
  controlRoute('GET', '/guardrails/{guardrailIdentifier}', getGuardrail),
  controlRoute('POST', '/guardrails/{guardrailIdentifier}', createGuardrailVersion),
  controlRoute('DELETE', '/guardrails/{guardrailIdentifier}', deleteGuardrail),
];
