/** Label selectors evaluated in memory, with the grammar of `k8s.io/apimachinery/pkg/labels.Parse`. */
import type { LabelSelector } from '../cache.js';
import { StoreError } from '../errors.js';

/** One requirement of a selector: `app=web`, `tier!=canary`, `env in (a,b)`, `!legacy`, `replicas>2`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';
  readonly values: readonly string[];
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The selector as the API server's `labelSelector` query parameter (a map becomes `k=v,...`, sorted by key). */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector === 'string') return selector.trim() === '' ? undefined : selector.trim();
  const entries = Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : entries.map(([key, value]) => `${key}=${value}`).join(',');
}

/** Parses a selector; throws a `StoreError` (`InvalidSelector`) naming the part it cannot read. */
export function parseLabelSelector(selector: LabelSelector): readonly LabelRequirement[] {
  if (typeof selector !== 'string') {
    return Object.entries(selector).map(([key, value]) =>
      checked(selector, { key, operator: 'Equals', values: [value] }),
    );
  }
  return splitTerms(selector)
    .map((term) => term.trim())
    .filter((term) => term !== '')
    .map((term) => checked(selector, parseTerm(selector, term)));
}

/** True when `labels` satisfy every requirement (an empty selector matches everything). */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const { key, operator, values } of requirements) {
    const value = labels?.[key];
    switch (operator) {
      case 'Equals':
      case 'In':
        if (value === undefined || !values.includes(value)) return false;
        break;
      case 'NotEquals':
      case 'NotIn':
        if (value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (value !== undefined) return false;
        break;
      case 'GreaterThan':
      case 'LessThan': {
        const number = value === undefined ? Number.NaN : Number(value);
        const bound = Number(values[0]);
        if (!Number.isFinite(number) || (operator === 'GreaterThan' ? number <= bound : number >= bound)) return false;
        break;
      }
    }
  }
  return true;
}

/** Splits on commas outside parentheses: `a in (x,y),b=c` → `a in (x,y)`, `b=c`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i];
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function parseTerm(selector: string, term: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set !== null) {
    const values = set[3]!.split(',').map((value) => value.trim());
    if (set[3]!.trim() === '') throw invalid(selector, `"${term}" needs at least one value`);
    return { key: set[1]!, operator: set[2] === 'in' ? 'In' : 'NotIn', values };
  }
  const binary = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(term);
  if (binary !== null) {
    const operators = {
      '==': 'Equals',
      '=': 'Equals',
      '!=': 'NotEquals',
      '>': 'GreaterThan',
      '<': 'LessThan',
    } as const;
    return { key: binary[1]!, operator: operators[binary[2] as keyof typeof operators], values: [binary[3]!.trim()] };
  }
  if (term.startsWith('!')) return { key: term.slice(1).trim(), operator: 'DoesNotExist', values: [] };
  if (/^\S+$/.test(term)) return { key: term, operator: 'Exists', values: [] };
  throw invalid(selector, `cannot parse "${term}"`);
}

function checked(selector: LabelSelector, requirement: LabelRequirement): LabelRequirement {
  if (!keyPattern.test(requirement.key)) throw invalid(selector, `"${requirement.key}" is not a valid label key`);
  const numeric = requirement.operator === 'GreaterThan' || requirement.operator === 'LessThan';
  for (const value of requirement.values) {
    if (numeric ? !/^-?\d+$/.test(value) : !valuePattern.test(value) || value.length > 63) {
      throw invalid(
        selector,
        `"${value}" is not a valid ${numeric ? 'integer' : 'label value'} for "${requirement.key}"`,
      );
    }
  }
  return requirement;
}

function invalid(selector: LabelSelector, detail: string): StoreError {
  const text = typeof selector === 'string' ? selector : JSON.stringify(selector);
  return new StoreError('InvalidSelector', `label selector ${JSON.stringify(text)}: ${detail}`);
}
