/**
 * Resource tags, validated and stored as Bedrock does, and listed back through each service's ListTagsForResource.
 *
 * Rules (AWS API reference, `Tag` and `TagsMap` shapes; `TooManyTagsException` in @aws-sdk/client-bedrock):
 * - key 1-128 characters, value 0-256, both matching `[a-zA-Z0-9\s._:/=+@-]*`; the `aws:` prefix is reserved;
 * - a bedrock control-plane tag list holds at most 200 items, and a resource at most 50 distinct tags
 *   (more is TooManyTagsException, 400, counting tags already on the resource);
 * - bedrock-agent takes a `{key: value}` map; more than 50 entries is a ValidationException (no TooManyTags there).
 * Tags are keyed by the resource ARN; deleting a resource deletes its tags.
 */
import { createHash } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { ApiError, notFound, parseJsonObject, readBody, reqString, sendJson, validation } from './http-util.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';

export const TAG_PATTERN = /^[a-zA-Z0-9\s._:/=+@-]*$/;
export const MAX_TAG_LIST_ITEMS = 200;
export const MAX_TAGS_PER_RESOURCE = 50;

interface TagRecord {
  resourceArn: string;
  tags: Record<string, string>;
}

const recordId = (arn: string): string => createHash('sha256').update(arn).digest('hex').slice(0, 40);

function checkPair(key: unknown, value: unknown, field: string): [string, string] {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key)) {
    throw validation(`1 validation error detected: Value '${String(key)}' at '${field}.key' failed to satisfy constraint: Member must have length between 1 and 128 and satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*`);
  }
  if (key.toLowerCase().startsWith('aws:')) throw validation(`Tag key '${key}' at '${field}.key' uses the reserved prefix aws:.`);
  if (typeof value !== 'string' || value.length > 256 || !TAG_PATTERN.test(value)) {
    throw validation(`1 validation error detected: Value '${String(value)}' at '${field}.value' failed to satisfy constraint: Member must have length less than or equal to 256 and satisfy regular expression pattern: [a-zA-Z0-9\\s._:/=+@-]*`);
  }
  return [key, value];
}

/** A bedrock `Tag[]` field (`tags`, `jobTags`, `customModelTags`) as a map; absent is none. */
export function bedrockTagList(body: Record<string, unknown>, field: string): Record<string, string> {
  const raw = body[field];
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw validation(`1 validation error detected: Value at '${field}' must be a list of tags.`);
  if (raw.length > MAX_TAG_LIST_ITEMS) {
    throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAG_LIST_ITEMS}`);
  }
  const out: Record<string, string> = {};
  raw.forEach((t, i) => {
    const item = (t ?? {}) as Record<string, unknown>;
    const [k, v] = checkPair(item.key, item.value, `${field}.${i + 1}`);
    out[k] = v;
  });
  return out;
}

/** A bedrock-agent `tags` map; absent is none. */
export function agentTagMap(body: Record<string, unknown>, field = 'tags'): Record<string, string> {
  const raw = body[field];
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw validation(`1 validation error detected: Value at '${field}' must be a map of tag keys to values.`);
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_TAGS_PER_RESOURCE) {
    throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TAGS_PER_RESOURCE}`);
  }
  return Object.fromEntries(entries.map(([k, v]) => checkPair(k, v, `${field}.${k}`)));
}

function tooMany(arn: string, count: number): ApiError {
  return new ApiError(400, 'TooManyTagsException', `The request would put ${count} tags on ${arn}; a resource can have at most ${MAX_TAGS_PER_RESOURCE}.`);
}

/** Checks a create's tags fit on a new resource (call before creating it, so a refusal creates nothing). */
export function checkNewResourceTags(arnOrName: string, tags: Record<string, string>): void {
  const n = Object.keys(tags).length;
  if (n > MAX_TAGS_PER_RESOURCE) throw tooMany(arnOrName, n);
}

/** Records the tags of a resource just created (an empty record too, so ListTagsForResource knows the ARN). */
export function putResourceTags(ctx: EmulatorContext, resourceArn: string, tags: Record<string, string>): void {
  ctx.store.put('tags', recordId(resourceArn), { resourceArn, tags } satisfies TagRecord);
}

export function deleteResourceTags(ctx: EmulatorContext, resourceArn: string): void {
  ctx.store.delete('tags', recordId(resourceArn));
}

export function resourceTags(ctx: EmulatorContext, resourceArn: string): Record<string, string> | undefined {
  return ctx.store.get<TagRecord>('tags', recordId(resourceArn))?.tags;
}

function known(ctx: EmulatorContext, arn: string): TagRecord {
  const rec = ctx.store.get<TagRecord>('tags', recordId(arn));
  if (!rec) throw notFound(`The resource ${arn} was not found.`);
  return rec;
}

function merge(ctx: EmulatorContext, rec: TagRecord, add: Record<string, string>): void {
  const tags = { ...rec.tags, ...add };
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) throw tooMany(rec.resourceArn, Object.keys(tags).length);
  putResourceTags(ctx, rec.resourceArn, tags);
}

// bedrock: POST /listTagsForResource | /tagResource | /untagResource with `resourceARN` in the body.
async function bedrockList(a: RouteArgs): Promise<void> {
  const rec = known(a.ctx, reqString(parseJsonObject(await readBody(a.req)), 'resourceARN'));
  sendJson(a.res, 200, { tags: Object.entries(rec.tags).map(([key, value]) => ({ key, value })) });
}

async function bedrockTag(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  merge(a.ctx, known(a.ctx, reqString(body, 'resourceARN')), bedrockTagList(body, 'tags'));
  sendJson(a.res, 200, {});
}

async function bedrockUntag(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const rec = known(a.ctx, reqString(body, 'resourceARN'));
  const keys = Array.isArray(body.tagKeys) ? body.tagKeys.map(String) : [];
  putResourceTags(a.ctx, rec.resourceArn, Object.fromEntries(Object.entries(rec.tags).filter(([k]) => !keys.includes(k))));
  sendJson(a.res, 200, {});
}

// bedrock-agent: GET | POST | DELETE /tags/{resourceArn}.
async function agentList(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, { tags: known(a.ctx, a.params.resourceArn).tags });
}

async function agentTag(a: RouteArgs): Promise<void> {
  merge(a.ctx, known(a.ctx, a.params.resourceArn), agentTagMap(parseJsonObject(await readBody(a.req))));
  sendJson(a.res, 200, {});
}

async function agentUntag(a: RouteArgs): Promise<void> {
  const rec = known(a.ctx, a.params.resourceArn);
  const keys = a.url.searchParams.getAll('tagKeys');
  putResourceTags(a.ctx, rec.resourceArn, Object.fromEntries(Object.entries(rec.tags).filter(([k]) => !keys.includes(k))));
  sendJson(a.res, 200, {});
}

export const tagRoutes: Route[] = [
  controlRoute('POST', '/listTagsForResource', bedrockList),
  controlRoute('POST', '/tagResource', bedrockTag),
  controlRoute('POST', '/untagResource', bedrockUntag),
  controlRoute('GET', '/tags/{resourceArn}', agentList),
  controlRoute('POST', '/tags/{resourceArn}', agentTag),
  controlRoute('DELETE', '/tags/{resourceArn}', agentUntag),
];
