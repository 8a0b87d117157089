/** Invocation log records in Bedrock's documented shape, for tests. */
export function converseRecord(o: { id: string; prompt: string; answer: string; modelId?: string; timestamp?: string; operation?: string; system?: string; history?: { role: string; text: string }[]; latencyMs?: number }) {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: o.timestamp ?? '2026-11-30T10:00:00Z',
    accountId: '123456789012',
    identity: { arn: 'arn:aws:iam::123456789012:user/app' },
    region: 'us-east-1',
    requestId: o.id,
    operation: o.operation ?? 'Converse',
    modelId: o.modelId ?? 'amazon.nova-micro-v1:0',
    input: {
      inputContentType: 'application/json',
      inputBodyJson: {
        messages: [...(o.history ?? []).map((t) => ({ role: t.role, content: [{ text: t.text }] })), { role: 'user', content: [{ text: o.prompt }] }],
        ...(o.system ? { system: [{ text: o.system }] } : {}),
        inferenceConfig: { maxTokens: 200, temperature: 0.2, topP: 0.9, stopSequences: [] },
      },
      inputTokenCount: 12,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: {
        output: { message: { role: 'assistant', content: [{ text: o.answer }] } },
        stopReason: 'end_turn',
        metrics: { latencyMs: o.latencyMs ?? 300 },
        usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 },
      },
      outputTokenCount: 7,
    },
  };
}

export function jsonl(records: unknown[]): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}
