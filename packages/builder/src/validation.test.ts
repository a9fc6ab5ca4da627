import { describe, expect, it } from 'vitest';
import {
  nameLimits,
  validateAnnotations,
  validateDns1035Label,
  validateDns1123Label,
  validateDns1123Subdomain,
  validateLabelKey,
  validateLabels,
  validateLabelValue,
  validateStatefulSetName,
} from './validation.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });

describe('validateDns1123Label', () => {
  it.each(['a', 'a1', '1a', 'pinot-broker', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(validateDns1123Label(name, 'Namespace')).toBe(name);
  });

  it.each([
    ['', 'must not be empty'],
    ['a'.repeat(64), 'must be at most 63 characters, it has 64'],
    ['Pinot', 'must consist of'],
    ['-a', 'must consist of'],
    ['a-', 'must consist of'],
    ['a.b', 'must consist of'],
    ['a_b', 'must consist of'],
  ])('refuses %j', (name, detail) => {
    expect(() => validateDns1123Label(name, 'Namespace')).toThrow(error('Namespace', 'dns1123Label'));
    expect(() => validateDns1123Label(name, 'Namespace')).toThrow(detail);
  });

  it('refuses a value that is not a string', () => {
    expect(() => validateDns1123Label(42 as unknown as string, 'f')).toThrow('must be a string');
  });
});

describe('validateDns1035Label', () => {
  it('accepts a label that starts with a letter and refuses one that starts with a digit', () => {
    expect(validateDns1035Label('broker-svc', 'Service name')).toBe('broker-svc');
    expect(() => validateDns1035Label('1broker', 'Service name')).toThrow(error('Service name', 'dns1035Label'));
    expect(() => validateDns1035Label('1broker', 'Service name')).toThrow('starting with a letter');
  });
});

describe('validateDns1123Subdomain', () => {
  it.each(['a', 'a.b', 'pinot-simple-controller-config', `${'a'.repeat(63)}.${'b'.repeat(63)}`])('accepts %s', (n) => {
    expect(validateDns1123Subdomain(n, 'ConfigMap name')).toBe(n);
  });

  it.each(['', 'a..b', '.a', 'a.', 'A', 'a_b', 'a'.repeat(254)])('refuses %j', (name) => {
    expect(() => validateDns1123Subdomain(name, 'ConfigMap name')).toThrow(error('ConfigMap name', 'dns1123Subdomain'));
  });

  it('accepts exactly 253 characters', () => {
    expect(() => validateDns1123Subdomain('a'.repeat(253), 'f')).not.toThrow();
  });
});

describe('validateStatefulSetName', () => {
  it('accepts 52 characters and explains why 53 are refused', () => {
    expect(validateStatefulSetName('a'.repeat(52), 'StatefulSet name')).toHaveLength(52);
    const tooLong = () => validateStatefulSetName('a'.repeat(53), 'StatefulSet name');
    expect(tooLong).toThrow(error('StatefulSet name', 'statefulSetName'));
    expect(tooLong).toThrow(/at most 52 characters, it has 53; .*controller-revision-hash/);
  });

  it('applies the DNS-1123 label rule first', () => {
    expect(() => validateStatefulSetName('a.b', 'f')).toThrow(error('f', 'dns1123Label'));
  });
  it('exports its limits', () => {
    expect(nameLimits).toMatchObject({ dns1123Label: 63, dns1123Subdomain: 253, labelValue: 63, statefulSetName: 52 });
    expect(Object.isFrozen(nameLimits)).toBe(true);
  });
});

describe('validateLabelKey', () => {
  it.each(['app', 'app.kubernetes.io/name', 'a_b.c-d', 'A', `${'p'.repeat(253)}/${'n'.repeat(63)}`])(
    'accepts %s',
    (k) => {
      expect(validateLabelKey(k, 'labels key')).toBe(k);
    },
  );

  it.each([
    ['', 'name part must not be empty'],
    ['example.com/', 'name part must not be empty'],
    ['Example.com/a', 'prefix "Example.com" must be a DNS-1123 subdomain'],
    [`${'p'.repeat(254)}/a`, 'must be a DNS-1123 subdomain'],
    ['n'.repeat(64), 'name part must be at most 63 characters, it has 64'],
    ['-a', 'name part must consist of'],
    ['a/b/c', 'name part must consist of'],
  ])('refuses %j', (key, detail) => {
    expect(() => validateLabelKey(key, 'labels key')).toThrow(error('labels key', 'labelKey'));
    expect(() => validateLabelKey(key, 'labels key')).toThrow(detail);
  });

  it('refuses a key that is not a string', () => {
    expect(() => validateLabelKey(1 as unknown as string, 'f')).toThrow('must be a string');
  });
});

describe('validateLabelValue', () => {
  it.each(['', 'a', 'v1.2.3', 'A_b-c.d', 'x'.repeat(63)])('accepts %j', (value) => {
    expect(validateLabelValue(value, 'v')).toBe(value);
  });

  it.each(['x'.repeat(64), '1.2.3+build', '-a', 'a b', 'a/b'])('refuses %j', (value) => {
    expect(() => validateLabelValue(value, 'metadata.labels["app"]')).toThrow(
      error('metadata.labels["app"]', 'labelValue'),
    );
  });
});

describe('validateLabels', () => {
  it('returns a copy, {} for undefined', () => {
    const labels = { app: 'pinot' };
    const copy = validateLabels(labels);
    expect(copy).toEqual(labels);
    expect(copy).not.toBe(labels);
    expect(validateLabels(undefined)).toEqual({});
  });

  it('names the key or the value that is wrong', () => {
    expect(() => validateLabels({ 'bad key!': 'x' })).toThrow(error('metadata.labels key', 'labelKey'));
    expect(() => validateLabels({ app: 'bad value!' }, 'StatefulSet metadata.labels')).toThrow(
      error('StatefulSet metadata.labels["app"]', 'labelValue'),
    );
  });
});

describe('validateAnnotations', () => {
  it('accepts free-text values and returns a copy', () => {
    const annotations = { 'example.com/note': 'any text: with spaces / and symbols +' };
    expect(validateAnnotations(annotations)).toEqual(annotations);
    expect(validateAnnotations(undefined)).toEqual({});
  });

  it('refuses bad keys, non-string values and more than 256 KiB', () => {
    expect(() => validateAnnotations({ 'a b': 'x' })).toThrow(error('metadata.annotations key', 'annotationKey'));
    expect(() => validateAnnotations({ a: 1 as unknown as string })).toThrow(
      error('metadata.annotations["a"]', 'required'),
    );
    const big = { a: 'x'.repeat(200 * 1024), b: 'y'.repeat(60 * 1024) };
    expect(() => validateAnnotations(big)).toThrow(error('metadata.annotations', 'size'));
  });
});
