/**
 * The bearer-token filter in front of `/metrics`, as controller-runtime's `filters.WithAuthenticationAndAuthorization`
 * does it: the token is authenticated by the API server (TokenReview), then the user it names is authorised for `get`
 * on the non-resource URL (SubjectAccessReview). Decisions are cached briefly, by a hash of the token, in a bounded map.
 * The token itself is never logged nor kept.
 */
import { createHash } from 'node:crypto';
import type { Client } from '@dsoi/client';
import type { Logger } from '../logger.js';

/** The API calls the filter makes. */
export type MetricsAuthClient = Pick<Client, 'create' | 'registerKind'>;

/** Options of {@link createMetricsAuthFilter}. */
export interface MetricsAuthOptions {
  /** Sends the TokenReviews and SubjectAccessReviews; its identity needs `create` on both (cluster-wide). */
  readonly client: MetricsAuthClient;
  /** The non-resource URL the caller must be allowed to `get`. @default '/metrics' */
  readonly path?: string;
  /** How long an allow or a deny is reused for the same token. @default 60_000 */
  readonly cacheTtlMs?: number;
  /** Tokens remembered at most; the oldest is forgotten first. @default 1024 */
  readonly maxCacheEntries?: number;
  /** Where a failed review is reported (never with the token). @default silent */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** The defaults of {@link MetricsAuthOptions}. */
export const metricsAuthDefaults = Object.freeze({ path: '/metrics', cacheTtlMs: 60_000, maxCacheEntries: 1024 });

/** What the filter decided: 200 serves the request; anything else is the answer, with `message` as its body. */
export interface MetricsAuthDecision {
  readonly status: 200 | 401 | 403 | 500;
  readonly message: string;
}

/** Decides one request from its `Authorization` header. Never rejects. */
export type MetricsAuthFilter = (authorization: string | undefined) => Promise<MetricsAuthDecision>;

interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

const tokenReview = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' } as const;
const accessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview' } as const;

/** Creates a {@link MetricsAuthFilter}: 401 without a valid bearer token, 403 when its user may not `get` the path. */
export function createMetricsAuthFilter(options: MetricsAuthOptions): MetricsAuthFilter {
  const {
    client,
    path = metricsAuthDefaults.path,
    cacheTtlMs = metricsAuthDefaults.cacheTtlMs,
    maxCacheEntries = metricsAuthDefaults.maxCacheEntries,
    logger,
  } = options;
  // Both kinds are served by every API server since 1.6; registering them saves a discovery request.
  client.registerKind({ ...tokenReview, plural: 'tokenreviews', namespaced: false });
  client.registerKind({ ...accessReview, plural: 'subjectaccessreviews', namespaced: false });
  const cache = new Map<string, { readonly decision: Promise<MetricsAuthDecision>; readonly expires: number }>();

  async function decide(token: string): Promise<MetricsAuthDecision> {
    const review = await client.create<
      typeof tokenReview & { spec: object; status?: { authenticated?: boolean; user?: UserInfo } }
    >({
      ...tokenReview,
      spec: { token },
    });
    const user = review.status?.user;
    if (review.status?.authenticated !== true || !user) return { status: 401, message: 'Unauthorized\n' };
    const { username, uid, groups, extra } = user;
    const access = await client.create<typeof accessReview & { spec: object; status?: { allowed?: boolean } }>({
      ...accessReview,
      spec: { user: username, uid, groups, extra, nonResourceAttributes: { path, verb: 'get' } },
    });
    if (access.status?.allowed === true) return { status: 200, message: '' };
    return { status: 403, message: `Forbidden: user ${JSON.stringify(username)} may not get ${path}\n` };
  }

  return async (authorization) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) return { status: 401, message: 'Unauthorized\n' };
    const key = createHash('sha256').update(token).digest('base64');
    const now = Date.now();
    const known = cache.get(key);
    if (known && known.expires > now) return known.decision;
    cache.delete(key);
    const decision = decide(token).catch((err: unknown) => {
      if (cache.get(key)?.decision === decision) cache.delete(key); // a failed review is asked again next time
      logger?.warn({ err }, 'could not review a /metrics token');
      return { status: 500, message: 'authentication or authorization check failed\n' } as const;
    });
    cache.set(key, { decision, expires: now + cacheTtlMs });
    while (cache.size > maxCacheEntries) cache.delete(cache.keys().next().value as string);
    return decision;
  };
}
