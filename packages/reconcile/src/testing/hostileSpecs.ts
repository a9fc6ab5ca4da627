/**
 * The frame of a property-based bad-input suite (fast-check): a hostile mutation of a valid CR says what must happen
 * to a CR carrying it (the API server refuses it, the operator reports it, or it is valid and converges) and which
 * field a refusal or report must name. An operator keeps its own catalogue of mutations; the reference operators'
 * are in each app's `test/` folder.
 */
import fc from 'fast-check';

/** What must happen to a CR: strongest first, so a case takes the strongest outcome among its mutations. */
export type Outcome = 'refused' | 'reported' | 'valid';
const outcomeRank: Record<Outcome, number> = { refused: 2, reported: 1, valid: 0 };

/** One hostile change of a CR. A counterexample prints its `label`. */
export interface Mutation<TCr> {
  readonly label: string;
  /** What it touches: one case never holds two mutations of the same slot. */
  readonly slot: string;
  readonly outcome: Outcome;
  /** A refusal or report must name one of these: a field path, or for errors on a child, the field's name. */
  readonly fields: readonly string[];
  /** Applied after the others: it copies or replaces what they edit (a duplicate entry, a whole list). */
  readonly late: boolean;
  /** Changes `cr`; `tag` is unique per CR of a namespace, for names that must not collide between CRs. */
  readonly apply: (cr: TCr, tag: string) => void;
}

/** What {@link mutation} takes besides the change itself. */
export interface MutationSpec {
  readonly label: string;
  /** @default label */
  readonly slot?: string;
  readonly outcome: Outcome;
  /** @default [] */
  readonly fields?: readonly string[];
  /** @default false */
  readonly late?: boolean;
}

/** A mutation that prints as its label in fast-check's reports. */
export function mutation<TCr>(spec: MutationSpec, apply: (cr: TCr, tag: string) => void): Mutation<TCr> {
  const { label, slot = label, outcome, fields = [], late = false } = spec;
  return { label, slot, outcome, fields, late, apply, [fc.toStringMethod]: () => label } as Mutation<TCr>;
}

/** Sets `path` (`spec.nodes[0].kind`) to `value`; a refusal or report must name `fields` (default: the path). */
export function assign<TCr>(
  path: string,
  value: unknown,
  outcome: Outcome,
  fields: readonly string[] = [path],
  slot = path,
): Mutation<TCr> {
  return mutation({ label: `${path} = ${JSON.stringify(value)}`, slot, outcome, fields }, (cr) => {
    const keys = path.match(/[^.[\]]+/g)!.map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    type Node = Record<string | number, unknown>;
    let node = cr as Node;
    keys.slice(0, -1).forEach((key, i) => {
      node[key] ??= typeof keys[i + 1] === 'number' ? [] : {};
      node = node[key] as Node;
    });
    node[keys.at(-1)!] = value;
  });
}

const oddPieces = [
  '\u200F', // right-to-left mark
  '\u202E', // right-to-left override
  '\u0000', // NUL
  '\u{1F680}', // emoji (a surrogate pair in UTF-16)
  '\uD800', // lone high surrogate (JSON carries it escaped; the API server stores U+FFFD)
  '\uDFFF', // lone low surrogate
  'e\u0301', // combining acute accent
  '\u200D', // zero-width joiner
  '\uFEFF', // byte-order mark
  '\uFFFF', // non-character
  '\u2028', // line separator
  'İ', // its lower case is two code points
  '\t',
];

/** A short string holding at least one odd Unicode piece, so it is never a valid DNS label or label value. */
export const oddText = fc
  .tuple(
    fc.string({ unit: 'grapheme', maxLength: 5 }),
    fc.array(fc.constantFrom(...oddPieces), { minLength: 1, maxLength: 4 }),
    fc.string({ unit: 'binary', maxLength: 5 }),
  )
  .map(([before, odd, after]) => `${before}${odd.join('')}${after}`);

/** `[a-z0-9]` text of `length` characters, for {@link dnsName}. */
export const dnsTail = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: length, maxLength: length });
/** `<prefix><tail>` cut to the tail's length: a DNS label of that length when the prefix starts with a letter. */
export const dnsName = (prefix: string, tail: string) => `${prefix}${tail}`.slice(0, tail.length);

/** A huge config string: `unit` repeated to at least `bytes` UTF-8 bytes (no JSON escapes, so the CR stays small). */
export const hugeText = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
/** Units of {@link hugeText}: one to four UTF-8 bytes each. */
export const hugeUnits = ['x', 'é', '€', '\u{1F680}', 'ف'];

/** One case: 1 to 3 of the mutations, touching different slots. */
export function hostileCaseOf<TCr>(mutations: fc.Arbitrary<Mutation<TCr>>): fc.Arbitrary<Mutation<TCr>[]> {
  return fc.uniqueArray(mutations, { minLength: 1, maxLength: 3, selector: (m) => m.slot });
}

/** Applies a case's mutations to a copy of `cr`, the late ones last. */
export function mutate<TCr>(cr: TCr, tag: string, mutations: readonly Mutation<TCr>[]): TCr {
  const copy = structuredClone(cr);
  for (const m of [...mutations].sort((a, b) => Number(a.late) - Number(b.late))) m.apply(copy, tag);
  return copy;
}

/** What a case must do: the strongest outcome of its mutations, and the fields of those that cause it. */
export function expectationOf<TCr>(mutations: readonly Mutation<TCr>[]): { outcome: Outcome; fields: string[] } {
  const outcome = mutations.reduce<Outcome>(
    (strongest, m) => (outcomeRank[m.outcome] > outcomeRank[strongest] ? m.outcome : strongest),
    'valid',
  );
  return { outcome, fields: mutations.filter((m) => m.outcome === outcome).flatMap((m) => m.fields) };
}
