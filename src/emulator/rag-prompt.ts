/**
 * RetrieveAndGenerate prompt templates. Bedrock fills `$query$` with the user's question, `$search_results$` with the
 * retrieved passages and `$output_format_instructions$` with its citation instructions, then sends the result to the
 * generation model. The reference model follows no instructions: it reads the passages to answer the question. So
 * the filled prompt is built for what it is (its size, its wording), while the reader is handed the question itself
 * and the passages separately, keeping their citations; template prose is never mistaken for knowledge.
 */

/** What Bedrock puts in place of `$output_format_instructions$` (paraphrased: cite the search results you used). */
export const OUTPUT_FORMAT_INSTRUCTIONS =
  'Answer only from the search results. After each sentence that uses a search result, cite it by its number in square brackets, such as [1].';

export const DEFAULT_TEMPLATE =
  'You are a question answering agent. Use the search results below to answer the question.\n\n$search_results$\n\n$output_format_instructions$\n\nQuestion: $query$';

export interface RagPrompt {
  /** The prompt a generation model would receive, placeholders filled. */
  filled: string;
  /** What the reader answers: the user's question. */
  question: string;
  /** Extra context for the reader beyond the passages (none: a template carries instructions, not facts). */
  system?: string;
}

export function promptForGeneration(template: string | undefined, question: string, passages: string[]): RagPrompt {
  const results = passages.map((p, i) => `[${i + 1}] ${p}`).join('\n\n');
  // One pass over the placeholders, so a question or passage that itself contains "$query$" is not expanded again.
  const filled = (template ?? DEFAULT_TEMPLATE).replace(/\$(query|search_results|output_format_instructions)\$/g, (_m, name: string) =>
    name === 'query' ? question : name === 'search_results' ? results : OUTPUT_FORMAT_INSTRUCTIONS,
  );
  return { filled, question };
}
