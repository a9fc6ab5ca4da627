/** Range checks for the integers of object specs (replicas, ports, seconds). */
import { BuilderValidationError } from '../errors.js';

/** The largest value of a Kubernetes int32 field. */
export const maxInt32 = 2_147_483_647;

/** Checks that `value` is an integer in `[min, max]` and returns it. */
export function checkInteger(value: unknown, field: string, min: number, max: number = maxInt32): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BuilderValidationError(field, 'range', value, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

// IANA_SVC_NAME: at most 15 characters of [a-z0-9-], at least one letter, no leading, trailing or double hyphen.
const ianaServiceName = /^(?!-)(?!.*--)(?=.*[a-z])[a-z0-9-]{1,15}(?<!-)$/;

/** Checks a named port (container port names, named target ports): an IANA service name of at most 15 characters. */
export function checkPortName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ianaServiceName.test(value)) {
    const detail =
      'a port name must be 1 to 15 lower-case letters, digits and "-", with at least one letter, and no "-" at ' +
      'either end or twice in a row';
    throw new BuilderValidationError(field, 'portName', value, detail);
  }
  return value;
}

/** Checks a port given as a number (1 to 65535) or as a port name. */
export function checkPortRef(value: unknown, field: string): number | string {
  return typeof value === 'string' ? checkPortName(value, field) : checkInteger(value, field, 1, 65_535);
}

/** Checks an int-or-percent budget (a PodDisruptionBudget's minAvailable or maxUnavailable). */
export function checkIntOrPercent(value: unknown, field: string): number | string {
  if (typeof value === 'string') {
    const match = /^(\d{1,3})%$/.exec(value);
    if (match === null || Number(match[1]) > 100) {
      throw new BuilderValidationError(field, 'range', value, 'must be an integer or a percentage from "0%" to "100%"');
    }
    return value;
  }
  return checkInteger(value, field, 0);
}
