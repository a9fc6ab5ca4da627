/**
 * Which configuration entries of a custom resource hold credentials, so an operator can put those in a Secret and
 * keep them out of ConfigMaps, environment literals and everything else anyone with read access to the namespace
 * sees.
 */
import type { V1EnvVar } from '@kubernetes/client-node';

/**
 * A key that names a credential: `P_PASSWORD`, `P_S3_SECRET_KEY`, `pinot.controller.storage.factory.s3.secretKey`,
 * `accessKey`, `accountKey`, `apiKey`, `token`, `authorization`, ... An access key id is not secret by itself, but it
 * travels with its secret and a Secret is the safe side to err on.
 */
export const credentialKeyPattern =
  /pass(word|wd|phrase)?$|secret|token|credential|authorization|(api|access|account|private)[-_.]?key/i;

/** Whether an environment variable or config key names a credential ({@link credentialKeyPattern}). */
export function isCredentialKey(key: string): boolean {
  return credentialKeyPattern.test(key);
}

/** A key-value map split by {@link splitCredentials}. */
export interface SplitCredentials {
  /** The entries whose key names no credential, in their order. */
  readonly plain: Record<string, string>;
  /** The entries whose key names a credential, in their order. */
  readonly credentials: Record<string, string>;
}

/** Splits a map (an env map, a ConfigMap's data) into the entries that name credentials and the others. */
export function splitCredentials(data: Readonly<Record<string, string>>): SplitCredentials {
  const plain: Record<string, string> = {};
  const credentials: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (isCredentialKey(key)) credentials[key] = value;
    else plain[key] = value;
  }
  return { plain, credentials };
}

/** A container's `env` with its credential literals moved out by {@link envWithoutLiterals}. */
export interface EnvWithoutLiterals {
  /** The entries in their order; each credential literal now reads its value from the Secret. */
  readonly env: V1EnvVar[];
  /** The moved values by variable name, for that Secret's data. */
  readonly credentials: Record<string, string>;
}

/**
 * A container's `env` with each credential given as a literal `value` moved out: the entry reads it from the Secret
 * `secretName` under its own name (`secretKeyRef`), and the value is returned for that Secret. What the container
 * sees does not change; entries that name no credential or already use `valueFrom` are kept as they are.
 */
export function envWithoutLiterals(env: readonly V1EnvVar[], secretName: string): EnvWithoutLiterals {
  const credentials: Record<string, string> = {};
  const moved = env.map((entry) => {
    if (entry.value === undefined || !isCredentialKey(entry.name)) return entry;
    credentials[entry.name] = entry.value;
    return { name: entry.name, valueFrom: { secretKeyRef: { name: secretName, key: entry.name } } };
  });
  return { env: moved, credentials };
}

/**
 * Whether a Java-properties-style text (`key=value`, `key: value` or `key value` lines; `#` and `!` comments) has a
 * line whose key names a credential, e.g. Pinot's `pinot.server.storage.factory.s3.secretKey=...`.
 */
export function hasCredentialLine(text: string): boolean {
  return text.split(/\r?\n/).some((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return false;
    const key = /^[^=:\s]+/.exec(line)?.[0] ?? '';
    return isCredentialKey(key);
  });
}
