/**
 * The AWS tags ftrag puts on every resource it creates (customization job, custom model, provisioned throughput,
 * custom model deployment, Knowledge Base), so an account owner can find, bill and delete them by tag even without
 * ftrag's state file: `ftrag:managed=true`, the run id, the experiment name and the system id.
 *
 * Keys and values are kept inside Bedrock's tag rules (API reference `Tag`: key 1-128, value 0-256 characters of
 * `[a-zA-Z0-9\s._:/=+@-]`): other characters in an experiment name become `-`, long values are cut.
 * (CreateDataSource and CreateModelCustomizationJob's S3 uploads take no tags.)
 */
export interface ResourceTag {
  key: string;
  value: string;
}

export const MANAGED_TAG_KEY = 'ftrag:managed';
export const RUN_ID_TAG_KEY = 'ftrag:run-id';
export const EXPERIMENT_TAG_KEY = 'ftrag:experiment';
export const SYSTEM_TAG_KEY = 'ftrag:system';

const TAG_CHARS = /[^a-zA-Z0-9\s._:/=+@-]/g;

export function tagValue(raw: string): string {
  return raw.replace(TAG_CHARS, '-').slice(0, 256);
}

export interface TagSource {
  runId?: string;
  experiment?: string;
  systemId: string;
}

/** The tags for one created resource, in a fixed order (Bedrock's `Tag[]` shape). */
export function ftragTags(src: TagSource): ResourceTag[] {
  const tags: ResourceTag[] = [{ key: MANAGED_TAG_KEY, value: 'true' }];
  if (src.runId) tags.push({ key: RUN_ID_TAG_KEY, value: tagValue(src.runId) });
  if (src.experiment) tags.push({ key: EXPERIMENT_TAG_KEY, value: tagValue(src.experiment) });
  tags.push({ key: SYSTEM_TAG_KEY, value: tagValue(src.systemId) });
  return tags;
}

/** The same tags as bedrock-agent's `{key: value}` map. */
export function tagMap(tags: ResourceTag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}
