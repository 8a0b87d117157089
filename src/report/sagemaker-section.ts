/**
 * "Bedrock or SageMaker JumpStart?": for every system served from a SageMaker endpoint, the trade-off against the
 * Bedrock systems of the same run in the run's own numbers: serverless tokens versus an hourly instance floor,
 * training by instance-hours versus by tokens, the break-even volume, quality and latency as measured, and what
 * owning the weights means. Read from run.json only (systems[].sagemaker, cost lines, comparisons, break-even).
 */
import type { RunSummary, SystemSummary } from '../schema/run-result.js';
import { escapeHtml as e, markdownText as text } from './escape.js';
import { ms, pct, points, usd } from './format.js';

type System = SystemSummary;

const line = (s: System, item: string) => s.cost?.lines.find((l) => l.item === item);
const volume = (v: number) => Math.round(v).toLocaleString('en-US');

function qualityOf(run: RunSummary, s: System): string {
  const m = s.metrics[run.config.primaryMetric as string] ?? Object.values(s.metrics)[0];
  return m ? `${pct(m.mean)} (95% CI ${pct(m.ci95[0])}–${pct(m.ci95[1])})` : '—';
}

function latencyOf(s: System): string {
  const l = s.serviceLatencyMs ?? s.latencyMs;
  const which = s.serviceLatencyMs ? 'service' : 'client';
  return `p50 ${ms(l.p50)}, p95 ${ms(l.p95)} (${which})${s.firstTokenMs ? `, first token p50 ${ms(s.firstTokenMs.p50)}` : ''}`;
}

/** The paragraphs for one JumpStart system, each a plain sentence (escaped by the renderer). */
export function jumpStartParagraphs(run: RunSummary, js: System): string[] {
  const sm = js.sagemaker!;
  const out: string[] = [];
  const bedrock = run.systems.filter((s) => !s.sagemaker);
  const tunedBedrock = bedrock.filter((s) => s.kind === 'fine-tuned' || s.kind === 'rag-fine-tuned');
  const endpoint = line(js, 'endpoint instances');
  const training = line(js, 'training (SageMaker)');
  const monthlyQueries = Number((run.config.workload as { monthlyQueries?: number } | undefined)?.monthlyQueries ?? 0);
  const horizon = Number((run.config.workload as { horizonMonths?: number } | undefined)?.horizonMonths ?? 12);

  const perToken = bedrock.filter((s) => s.cost && s.cost.per1kQueriesUsd > 0);
  out.push(
    `Serverless versus instances: ${perToken.length ? `${perToken.map((s) => `${s.id} bills ${usd(s.cost!.per1kQueriesUsd)} per 1,000 queries at its measured tokens`).join('; ')}, and nothing while idle` : 'the Bedrock systems bill per token'}. ` +
      `${js.id} bills ${sm.endpointInstanceCount} x ${sm.endpointInstanceType} by the hour whether or not it serves: ${endpoint ? `a floor of ${usd(endpoint.usd)} a month (${sm.hoursPerDay} h a day) before the first query` : 'its hourly price is missing from the catalog'}.`,
  );
  if (js.cost) {
    const others = bedrock.filter((s) => s.cost).map((s) => `${s.id} ${usd(s.cost!.monthlyTotalUsd)}`);
    out.push(`At the configured ${volume(monthlyQueries)} queries a month: ${js.id} ${usd(js.cost.monthlyTotalUsd)} a month${others.length ? ` against ${others.join(', ')}` : ''}; over ${horizon} months ${usd(js.cost.horizonTotalUsd)}.`);
  }
  const pairs = (run.recommendation?.breakEven ?? []).filter((b) => (b.a === js.id || b.b === js.id) && bedrock.some((s) => s.id === (b.a === js.id ? b.b : b.a)));
  if (pairs.length) out.push(`Break-even: ${pairs.map((b) => b.note).join('; ')}.`);
  if (training) {
    const bedrockTraining = tunedBedrock.map((s) => ({ s, l: line(s, 'training') })).filter((x) => x.l);
    out.push(
      `Training: ${training.basis} = ${usd(training.usd)} per run${bedrockTraining.length ? `, against ${bedrockTraining.map((x) => `${x.s.id} ${usd(x.l!.usd)} (${x.l!.basis})`).join('; ')}` : ''}.` +
        (run.endpoint.emulated ? ' On the emulator the billable seconds are modelled (job overhead + tokens at an assumed throughput), not measured.' : ''),
    );
  }
  const cmp = run.comparisons.filter((c) => !c.category && c.metric === run.config.primaryMetric && (c.a === js.id || c.b === js.id) && tunedBedrock.some((s) => s.id === c.a || s.id === c.b));
  const quality = [`${js.id} ${qualityOf(run, js)}`, ...tunedBedrock.map((s) => `${s.id} ${qualityOf(run, s)}`)].join(', ');
  const verdicts = cmp.map((c) => `${c.a} minus ${c.b}: ${points(c.difference)} (${c.significant ? 'significant' : 'not significant'}, p ${c.pAdjusted.toFixed(3)})`);
  out.push(`Quality on ${run.config.primaryMetric}: ${quality}${verdicts.length ? `; ${verdicts.join('; ')}` : ''}. Latency: ${js.id} ${latencyOf(js)}${tunedBedrock.length ? `; ${tunedBedrock.map((s) => `${s.id} ${latencyOf(s)}`).join('; ')}` : ''}.`);
  out.push(
    `Control of the weights: ${sm.artifactsS3Uri ? `the fine-tuned artifact is yours in S3 (${sm.artifactsS3Uri}) and can be served elsewhere` : 'the endpoint serves weights you host'}, ` +
      `and the training job exposes knobs Bedrock does not${js.training?.hyperParameters ? ` (${['lora_r', 'lora_alpha', 'max_input_length'].filter((k) => js.training!.hyperParameters![k] !== undefined).map((k) => `${k}=${js.training!.hyperParameters![k]}`).join(', ')})` : ''}. ` +
      'A Bedrock custom model stays inside Bedrock and is served only by Bedrock (on-demand custom deployment or provisioned throughput), which in turn sizes and scales it for you; an endpoint\'s capacity is yours to size (not modelled here: one endpoint configuration is assumed to carry the configured volume).',
  );
  if (run.endpoint.emulated) {
    out.push('On the emulator every arm is the same reference model, trained by the same gradient descent on the same data: quality differences show the data and hyperparameters, not Llama versus Nova.');
  }
  return out;
}

export function sageMakerHtml(run: RunSummary): string {
  const systems = run.systems.filter((s) => s.sagemaker);
  if (systems.length === 0) return '';
  const blocks = systems.map((s) => `<h3>${e(s.id)}: ${e(s.sagemaker!.jumpStartModelId)} on ${e(s.sagemaker!.endpointName)} (${e(s.sagemaker!.containerFormat)} container)</h3>\n${jumpStartParagraphs(run, s).map((p) => `<p>${e(p)}</p>`).join('\n')}`);
  return `<section id="jumpstart" aria-labelledby="jumpstart-h">
<h2 id="jumpstart-h">Bedrock or SageMaker JumpStart</h2>
${blocks.join('\n')}
</section>`;
}

export function sageMakerMarkdown(run: RunSummary): string[] {
  const systems = run.systems.filter((s) => s.sagemaker);
  if (systems.length === 0) return [];
  const out = ['', '## Bedrock or SageMaker JumpStart'];
  for (const s of systems) {
    out.push('', `### ${text(s.id)}: ${text(s.sagemaker!.jumpStartModelId)} on ${text(s.sagemaker!.endpointName)} (${text(s.sagemaker!.containerFormat)} container)`, '');
    for (const p of jumpStartParagraphs(run, s)) out.push(text(p), '');
  }
  return out;
}
