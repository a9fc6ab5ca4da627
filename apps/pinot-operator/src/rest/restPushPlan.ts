/** What the push step of a REST pass does with the document, decided from the GET answer and what this CR owns. */
import { semanticJsonEqual } from './semanticJson.ts';

/**
 * - `create`: Pinot has no object of that name: POST it.
 * - `update`: Pinot has it and it is this CR's (or the CR may adopt it) but the document differs: PUT it.
 * - `inSync`: Pinot has this CR's object with the desired document: nothing to send.
 * - `notOwned`: Pinot has it, this CR did not create it and may not adopt it: touch nothing.
 */
export type RestPushPlan = 'create' | 'update' | 'inSync' | 'notOwned';

/** The facts {@link planRestPush} decides from. */
export interface RestPushFacts {
  /** Pinot answered the GET with "exists". */
  readonly exists: boolean;
  /** The object of this name in Pinot is this CR's (it created or adopted it). */
  readonly mine: boolean;
  /** The CR carries the adopt annotation. */
  readonly mayAdopt: boolean;
  /** The document Pinot last accepted from this CR, if known. */
  readonly current: string | undefined;
  /** The desired document. */
  readonly document: string;
}

/** Decides the push: see {@link RestPushPlan}. An adopted object is updated even when the documents agree. */
export function planRestPush(facts: RestPushFacts): RestPushPlan {
  const { exists, mine, mayAdopt, current, document } = facts;
  if (!exists) return 'create';
  if (!mine && !mayAdopt) return 'notOwned';
  return mine && semanticJsonEqual(current, document) ? 'inSync' : 'update';
}
