import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configChecksumKey } from './configChecksum.js';
import { buildConfigMap } from './configMap.js';
import { isBuilderValidationError } from './errors.js';
import { buildService } from './service.js';
import { validateAnnotations, validateDns1123Label, validateDns1123Subdomain, validateLabels } from './validation.js';

const labelAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const labelChars = fc.string({ unit: fc.constantFrom(...labelAlphabet.split('')), maxLength: 80 });
const subdomainChars = fc.string({ unit: fc.constantFrom(...`${labelAlphabet}.`.split('')), maxLength: 300 });
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const dnsSubdomain = fc
  .array(dnsLabel, { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('.'))
  .filter((name) => name.length <= 253);

function accepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (!isBuilderValidationError(err)) throw err;
    return false;
  }
}

describe('name rules, checked with generated input', () => {
  it('a ConfigMap builder accepts exactly the names and namespaces the validators accept', () => {
    fc.assert(
      fc.property(subdomainChars, labelChars, (name, namespace) => {
        const valid =
          accepts(() => validateDns1123Subdomain(name, 'n')) && accepts(() => validateDns1123Label(namespace, 'ns'));
        expect(accepts(() => buildConfigMap({ name, namespace }))).toBe(valid);
      }),
      { numRuns: 500 },
    );
  });

  it('every generated DNS-1123 label and subdomain is accepted, by validator and builder alike', () => {
    fc.assert(
      fc.property(dnsSubdomain, dnsLabel, (name, namespace) => {
        expect(buildConfigMap({ name, namespace }).metadata).toMatchObject({ name, namespace });
      }),
    );
  });

  it('refuses every name over 63 characters as a label, a namespace or a Service name', () => {
    const long = fc.string({ unit: fc.constantFrom('a', 'b', '1', '-'), minLength: 64, maxLength: 200 });
    fc.assert(
      fc.property(long, (name) => {
        expect(accepts(() => validateDns1123Label(name, 'n'))).toBe(false);
        expect(accepts(() => buildConfigMap({ name: 'ok', namespace: name }))).toBe(false);
        const ports = [{ port: 80 }];
        expect(accepts(() => buildService({ name: `a${name}`, namespace: 'ns', spec: { ports } }))).toBe(false);
      }),
    );
  });

  it('accepts every label that matches the documented key and value patterns', () => {
    const key = fc.tuple(
      fc.option(dnsSubdomain, { nil: undefined }),
      fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/),
    );
    const value = fc.stringMatching(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/);
    fc.assert(
      fc.property(key, value, ([prefix, name], labelValue) => {
        const labelKey = prefix === undefined ? name : `${prefix}/${name}`;
        expect(validateLabels({ [labelKey]: labelValue })).toEqual({ [labelKey]: labelValue });
      }),
    );
  });

  it('derives a valid checksum annotation key from every valid ConfigMap name', () => {
    fc.assert(
      fc.property(dnsSubdomain, (name) => {
        const key = configChecksumKey({ kind: 'ConfigMap', metadata: { name } });
        expect(accepts(() => validateAnnotations({ [key]: 'x' }))).toBe(true);
        expect(key.slice(key.indexOf('/') + 1).length).toBeLessThanOrEqual(63);
      }),
    );
  });
});
