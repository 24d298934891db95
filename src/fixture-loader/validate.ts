import { FixtureDocument } from '../schemas/fixture-schema.js';
import { zodProblems, type FoundProblem } from './fixture-problems.js';
import type { FixtureSource } from './fixture-source.js';

export interface ValidatedSource {
  source: FixtureSource;
  doc: FixtureDocument;
}

/**
 * The validate stage: each parsed document against the fixture schema. The
 * sound ones go on to the write stage even when others failed, so that one
 * load reports every problem it can find.
 */
export function validateSources(sources: readonly FixtureSource[]): {
  validated: ValidatedSource[];
  problems: FoundProblem[];
} {
  const problems: FoundProblem[] = [];
  const validated: ValidatedSource[] = [];
  for (const source of sources) {
    // reportInput tells a missing field from a wrong one; the inputs never leave zodProblems.
    const parsed = FixtureDocument.safeParse(source.document, { reportInput: true });
    if (parsed.success) validated.push({ source, doc: parsed.data });
    else problems.push(...zodProblems(source.name, parsed.error.issues));
  }
  return { validated, problems };
}
