/**
 * Drift: a live child whose fields no longer hold what we desire (someone edited it by hand). Desired fields must be
 * present and equal in the live object; fields the server or other actors added are not drift.
 */

/** Top-level fields never compared: identity, server-owned, and write-only (`stringData` is stored as `data`). */
const skippedTopLevel = new Set(['apiVersion', 'kind', 'metadata', 'status', 'stringData']);

/**
 * The path of the first desired field the live object does not hold, or `undefined` when it holds them all.
 * Compares `metadata.labels`, `metadata.annotations` and every top-level field but status; resource quantities
 * (under a `resources` field) compare by value, since the server canonicalises them (`1000m` is stored as `1`).
 */
export function findDrift(desired: object, live: object): string | undefined {
  const d = desired as Record<string, unknown>;
  const l = live as Record<string, unknown>;
  const dMeta = (d.metadata ?? {}) as Record<string, unknown>;
  const lMeta = (l.metadata ?? {}) as Record<string, unknown>;
  for (const field of ['labels', 'annotations']) {
    const drift = subsetDrift(dMeta[field], lMeta[field], `metadata.${field}`, false);
    if (drift !== undefined) return drift;
  }
  for (const key of Object.keys(d)) {
    if (skippedTopLevel.has(key)) continue;
    const drift = subsetDrift(d[key], l[key], key, false);
    if (drift !== undefined) return drift;
  }
  return undefined;
}

/**
 * The path of the first place where `desired` is not contained in `live` (extra live fields are fine; quantities under
 * a `resources` field compare by value), or `undefined`; paths start at `path`.
 */
export function firstDifference(desired: unknown, live: unknown, path: string): string | undefined {
  return subsetDrift(desired, live, path, false);
}

function subsetDrift(desired: unknown, live: unknown, path: string, inResources: boolean): string | undefined {
  if (desired === undefined) return undefined;
  if (desired === null || typeof desired !== 'object') {
    if (desired === live) return undefined;
    if (inResources && typeof desired === 'string' && typeof live === 'string' && sameQuantity(desired, live)) {
      return undefined;
    }
    return path;
  }
  if (Array.isArray(desired)) {
    if (desired.length === 0 && live === undefined) return undefined;
    if (!Array.isArray(live) || live.length !== desired.length) return path;
    for (let i = 0; i < desired.length; i++) {
      const drift = subsetDrift(desired[i], live[i], `${path}[${i}]`, inResources);
      if (drift !== undefined) return drift;
    }
    return undefined;
  }
  const entries = Object.entries(desired).filter(([, v]) => v !== undefined);
  if (live === undefined && entries.length === 0) return undefined;
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return path;
  for (const [key, value] of entries) {
    const drift = subsetDrift(
      value,
      (live as Record<string, unknown>)[key],
      `${path}.${key}`,
      inResources || key === 'resources',
    );
    if (drift !== undefined) return drift;
  }
  return undefined;
}

const suffixes: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses a Kubernetes quantity (`500m`, `1Gi`, `1e3`, `2`) to a number, or `undefined`. */
export function parseQuantity(text: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (suffixes[match[2] ?? ''] ?? 1);
}

function sameQuantity(a: string, b: string): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && Math.abs(x - y) <= Math.abs(x) * 1e-12;
}
