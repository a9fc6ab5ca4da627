/** Checks the data maps of ConfigMaps and Secrets: key syntax, base64 values, duplicate keys and the 1 MiB limit. */
import { BuilderValidationError } from '../errors.js';

const configKeyPattern = /^[-._a-zA-Z0-9]+$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const maxKeyLength = 253;
/** The API server refuses a ConfigMap or Secret whose data exceeds 1 MiB (etcd's value limit leaves room for it). */
const maxDataBytes = 1024 * 1024;

/** Validates the keys (and optionally base64 values) of one data map and returns a copy of it. */
export function checkDataMap(
  map: Readonly<Record<string, string>> | undefined,
  field: string,
  base64: boolean,
): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    const keyOk = key.length <= maxKeyLength && configKeyPattern.test(key) && key !== '.' && key !== '..';
    if (!keyOk) {
      const detail = 'a data key must be at most 253 characters of letters, digits, "-", "_" and ".", not "." or ".."';
      throw new BuilderValidationError(`${field} key`, 'configKey', key, detail);
    }
    const where = `${field}[${JSON.stringify(key)}]`;
    if (typeof value !== 'string') throw new BuilderValidationError(where, 'required', value, 'must be a string');
    if (base64 && !base64Pattern.test(value)) {
      throw new BuilderValidationError(where, 'base64', value, 'must be base64 text (RFC 4648, padded)');
    }
    copy[key] = value;
  }
  return copy;
}

/** Throws when a key appears in both maps, since the API server would keep only one of the two values. */
export function checkDisjoint(
  first: Readonly<Record<string, string>>,
  second: Readonly<Record<string, string>>,
  fields: readonly [string, string],
): void {
  for (const key of Object.keys(first)) {
    if (key in second) {
      const detail = `the key appears in both ${fields[0]} and ${fields[1]}; give it once`;
      throw new BuilderValidationError(`${fields[1]} key`, 'unique', key, detail);
    }
  }
}

/** Throws when the maps together exceed 1 MiB; base64 maps count their decoded size. */
export function checkDataSize(
  maps: readonly { map: Readonly<Record<string, string>>; base64: boolean }[],
  field: string,
) {
  let bytes = 0;
  for (const { map, base64 } of maps) {
    for (const [key, value] of Object.entries(map)) {
      bytes += Buffer.byteLength(key) + (base64 ? Buffer.byteLength(value, 'base64') : Buffer.byteLength(value));
    }
  }
  if (bytes > maxDataBytes) {
    const detail = `the data must be at most ${maxDataBytes} bytes (1 MiB), it has ${bytes}`;
    throw new BuilderValidationError(field, 'size', `${bytes} bytes`, detail);
  }
}

/** Keeps a data map out of the object when it is empty. */
export function nonEmpty<TMap extends object>(map: TMap): TMap | undefined {
  return Object.keys(map).length > 0 ? map : undefined;
}
