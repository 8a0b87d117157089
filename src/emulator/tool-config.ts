/**
 * Converse `toolConfig`, validated as Bedrock validates it: at least one tool, well-formed names and JSON schemas,
 * unique names, a toolChoice the model supports, and tool use only on models (and in the modes) that have it.
 */
import type { CatalogModel } from './catalog.js';
import { validation } from './http-util.js';

export interface ToolSpec {
  name: string;
  description?: string;
  /** The tool's input JSON Schema (`inputSchema.json`). */
  schema: Record<string, unknown>;
}

export interface ToolConfig {
  specs: ToolSpec[];
  choice: { kind: 'auto' | 'any' | 'tool'; name?: string };
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function parseToolConfig(raw: unknown, model: CatalogModel, streaming: boolean): ToolConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw validation("1 validation error detected: Value at 'toolConfig' failed to satisfy constraint: Member must be an object");
  const cfg = raw as Record<string, unknown>;
  const tools = cfg.tools;
  if (!Array.isArray(tools)) throw validation("1 validation error detected: Value null at 'toolConfig.tools' failed to satisfy constraint: Member must not be null");
  if (tools.length === 0) throw validation("1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (!model.toolUse) throw validation("This model doesn't support tool use.");
  if (streaming && !model.toolUse.streaming) throw validation("This model doesn't support tool use in streaming mode.");
  const specs: ToolSpec[] = [];
  tools.forEach((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    if (o.cachePoint) return;
    const spec = o.toolSpec as Record<string, unknown> | undefined;
    const at = `toolConfig.tools.${i + 1}.member.toolSpec`;
    if (!spec || typeof spec !== 'object') throw validation(`The emulator serves toolSpec tools only; toolConfig.tools.${i} has no toolSpec.`);
    const name = spec.name;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      throw validation(`1 validation error detected: Value '${String(name)}' at '${at}.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`);
    }
    if (spec.description !== undefined && (typeof spec.description !== 'string' || spec.description === '')) {
      throw validation(`1 validation error detected: Value at '${at}.description' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    }
    const schema = (spec.inputSchema as Record<string, unknown> | undefined)?.json;
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      throw validation(`1 validation error detected: Value null at '${at}.inputSchema' failed to satisfy constraint: Member must not be null`);
    }
    const type = (schema as Record<string, unknown>).type;
    if (type !== undefined && type !== 'object') throw validation(`The model returned the following errors: tools.${i}.inputSchema: input_schema type must be "object"`);
    if (specs.some((s) => s.name === name)) throw validation(`The model returned the following errors: tools: Tool names must be unique.`);
    specs.push({ name, description: spec.description as string | undefined, schema: schema as Record<string, unknown> });
  });
  const choice = parseChoice(cfg.toolChoice, model, specs);
  return { specs, choice };
}

function parseChoice(raw: unknown, model: CatalogModel, specs: ToolSpec[]): ToolConfig['choice'] {
  if (raw === undefined || raw === null) return { kind: 'auto' };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw validation("1 validation error detected: Value at 'toolConfig.toolChoice' failed to satisfy constraint: Member must be an object");
  const keys = Object.keys(raw as object);
  if (keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0])) {
    throw validation("1 validation error detected: Value at 'toolConfig.toolChoice' failed to satisfy constraint: Member must have exactly one of auto, any, tool");
  }
  const kind = keys[0] as 'auto' | 'any' | 'tool';
  if (!model.toolUse!.choices.includes(kind)) {
    throw validation(`This model doesn't support the toolConfig.toolChoice.${kind} field. Remove toolConfig.toolChoice.${kind} and try again.`);
  }
  if (kind !== 'tool') return { kind };
  const name = ((raw as Record<string, unknown>).tool as Record<string, unknown> | undefined)?.name;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    throw validation("1 validation error detected: Value at 'toolConfig.toolChoice.tool.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
  }
  if (!specs.some((s) => s.name === name)) throw validation(`The model returned the following errors: tool_choice: Tool '${name}' not found in provided tools`);
  return { kind, name };
}

/** An assistant's earlier tool call, as the model reads it back: the tool's name and its input. */
export function toolUseText(block: Record<string, unknown>): string {
  const name = typeof block.name === 'string' ? block.name : 'tool';
  return `${name} ${JSON.stringify(block.input ?? {})}`;
}

/** A tool's answer, as context the model reads (text and JSON content blocks, flattened). */
export function toolResultText(block: Record<string, unknown>, where: string): string {
  if (typeof block.toolUseId !== 'string' || block.toolUseId === '') {
    throw validation(`1 validation error detected: Value null at '${where}.toolResult.toolUseId' failed to satisfy constraint: Member must not be null`);
  }
  const content = Array.isArray(block.content) ? block.content : [];
  const parts: string[] = [];
  for (const c of content) {
    const o = (c ?? {}) as Record<string, unknown>;
    if (typeof o.text === 'string') parts.push(o.text);
    else if (o.json !== undefined) parts.push(flattenJson(o.json));
  }
  return parts.join('\n');
}

/** `{"temp": 21, "unit": "C"}` -> "temp: 21. unit: C." so the extractive reader sees sentences, not braces. */
function flattenJson(v: unknown, prefix = ''): string {
  if (v === null || typeof v !== 'object') return prefix ? `${prefix}: ${String(v)}.` : `${String(v)}.`;
  if (Array.isArray(v)) return v.map((x) => flattenJson(x, prefix)).join(' ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => flattenJson(x, prefix ? `${prefix} ${k}` : k.replace(/[_-]+/g, ' ')))
    .join(' ');
}
