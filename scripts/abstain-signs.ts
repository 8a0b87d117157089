/**
 * The direction each abstention feature may push confidence (+1: more of it, more confident; -1: less; 0: free),
 * shared by both abstainer fits (scripts/train-reader.ts, scripts/train-passage-reader.ts).
 * SQuAD v2's unanswerable questions were written to overlap their paragraph, so an unconstrained fit learns that
 * covering more of the question, or holding its names, means LESS answerable; on ordinary text a question nothing
 * covers, or one about a name the text never mentions, is the common unanswerable one. So the fits are held to the
 * signs that hold on any text (`--unsigned` lifts them).
 */
import type { ABSTAIN_FEATURES } from '../src/emulator/model/reader.js';

export const READER_ABSTAIN_SIGNS: Record<(typeof ABSTAIN_FEATURES)[number], number> = {
  topCoverage: 1, chosenCoverage: 1, coverageGap: 0, missingShare: -1, bestProbability: 1, bestScore: 1,
  rarestUnmatchedInChosen: -1, unmatchedInChosen: -1,
  namesMissingInChosen: -1, namesMissingInContext: -1, questionHasNames: 0, negationOnOneSide: -1,
};

export const SIGNED = !process.argv.includes('--unsigned');
