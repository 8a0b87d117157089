/**
 * The text of the `ftrag.yaml` that `ftrag init` writes. Comments say what each block is and which lines change for
 * AWS (marked `AWS:`); the values run as written on the embedded emulator. Paths are JSON-quoted so any file name
 * is valid YAML.
 */

export interface InitConfigInput {
  name: string;
  schema: string;
  evalSet: { path: string; format: string; items: number };
  modelId: string;
  modelName: string;
  /** The model supports on-demand custom model deployments (else provisioned throughput serves it). */
  onDemandCustom: boolean;
  training?: { path: string; note: string; baseModelId: string };
  documents?: { path: string; count: number };
  metrics: string[];
}

const q = (s: string): string => JSON.stringify(s);

function knowledgeBase(doc: { path: string; count: number }): string[] {
  return [
    '    knowledgeBase:',
    `      documents: ${q(doc.path)}   # ${doc.count} document(s); the emulator ingests this folder (about 300-token chunks, 20% overlap)`,
    '      # AWS: ftrag ingests folders only on the emulator. Replace `documents:` with `id: <your Knowledge Base id>`',
    '      # (keep `documents:` too if you want KB-coverage checks and ingestion cost from the local copy).',
    '      mode: retrieve-then-converse   # measures RAG tokens; retrieve-and-generate is the managed alternative',
    '      numberOfResults: 5',
  ];
}

export function renderInitConfig(c: InitConfigInput): string {
  const L: string[] = [
    `# yaml-language-server: $schema=${c.schema}`,
    '# Written by `ftrag init`. It runs as written on ftrag\'s embedded Bedrock-compatible emulator:',
    '#   npx ftrag run            (reads ./ftrag.yaml; reports go to reports/<run-id>/)',
    '# To run the same experiment on Amazon Bedrock, change the lines marked "AWS:" below.',
    `name: ${q(c.name)}`,
    'endpoint: emulator   # AWS: endpoint: aws   (credentials from the standard chain: AWS_PROFILE, SSO, instance role)',
    'region: us-east-1    # AWS: a region where your account has access to the model',
    'seed: 42',
    `evalSet: ${q(c.evalSet.path)}   # detected: ${c.evalSet.format}, ${c.evalSet.items} items (held out: never train on it)`,
    '',
    'systems:',
    '  - id: base',
    '    kind: base',
    `    label: ${q(`${c.modelName} (base)`)}`,
    `    modelId: ${c.modelId}`,
  ];
  if (c.training) {
    L.push(
      '',
      '  - id: fine-tuned',
      '    kind: fine-tuned',
      `    label: ${q(`${c.modelName} fine-tuned`)}`,
      `    pricingModelId: ${c.modelId}`,
      '    training:   # ftrag trains this model (a model customization job) before the run, or reuses it',
      `      baseModelId: ${c.training.baseModelId}`,
      `      trainingData: ${q(c.training.path)}   # ${c.training.note}`,
      '      # AWS: uncomment and fill in the two lines below (the IAM role Bedrock assumes, and where ftrag uploads the data)',
      '      # roleArn: arn:aws:iam::123456789012:role/BedrockCustomizationRole',
      '      # dataS3Uri: s3://amzn-s3-demo-bucket/ftrag/',
      '    serving:',
      c.onDemandCustom
        ? '      type: on-demand   # custom model deployment, billed per token; or `provisioned` (modelUnits, commitment)'
        : '      type: provisioned   # this model has no on-demand custom deployment; billed per model unit and hour',
    );
  }
  if (c.documents) {
    L.push('', '  - id: rag', '    kind: rag', `    label: ${q(`${c.modelName} + Knowledge Base`)}`, `    modelId: ${c.modelId}`, ...knowledgeBase(c.documents));
  }
  if (c.training && c.documents) {
    L.push(
      '',
      '  - id: rag-fine-tuned',
      '    kind: rag-fine-tuned',
      '    label: "Fine-tuned + Knowledge Base"',
      '    generatorFrom: fine-tuned   # the custom model above answers from the retrieved passages',
      `    pricingModelId: ${c.modelId}`,
      ...knowledgeBase(c.documents),
    );
  }
  L.push(
    '',
    'inference:',
    '  maxTokens: 256',
    '  temperature: 0',
    '',
    `metrics: [${c.metrics.join(', ')}]   # add semantic or judge (needs judge.modelId) for free-text answers`,
    'primaryMetric: f1',
    '',
    'workload:   # your assumptions: they drive the cost table and the verdict; change them to your own figures',
    '  monthlyQueries: 100000',
    '  horizonMonths: 12',
    '  knowledgeChangePerMonth: 0   # share of facts that change per month (favours RAG when > 0)',
    '  latencySloMs: 3000           # p95 objective',
    '',
  );
  return L.join('\n');
}
