import { describe, expect, it } from 'vitest';
import { groupProblem, kindProblem, operatorNames, pluralOf, versionProblem } from './operatorNames.js';

describe('operatorNames', () => {
  it('derives the tutorial names from WebApp, example.com and v1', () => {
    expect(operatorNames('WebApp', 'example.com', 'v1')).toEqual({
      kind: 'WebApp',
      camel: 'webApp',
      lower: 'webapp',
      plural: 'webapps',
      shortName: 'wa',
      group: 'example.com',
      version: 'v1',
      operator: 'webapp-operator',
    });
  });

  it('lower-cases a leading acronym as one word for the value name', () => {
    expect(operatorNames('DNSRecord', 'dns.example.org', 'v1').camel).toBe('dnsRecord');
    expect(operatorNames('S3Bucket', 'example.org', 'v1').camel).toBe('s3Bucket');
    expect(operatorNames('Cache', 'example.org', 'v1').camel).toBe('cache');
  });

  it.each([
    ['cachecluster', 'cacheclusters'],
    ['policy', 'policies'],
    ['gateway', 'gateways'],
    ['box', 'boxes'],
    ['address', 'addresses'],
    ['patch', 'patches'],
  ])('pluralizes %s as %s', (lower, plural) => {
    expect(pluralOf(lower)).toBe(plural);
  });
});

describe('input rules', () => {
  it.each(['WebApp', 'CacheCluster', 'S3Bucket', 'A'])('accepts the kind %s', (kind) => {
    expect(kindProblem(kind)).toBeUndefined();
  });

  it.each(['webApp', 'Web-App', 'Web_App', '', '1App', 'Cache Cluster', `A${'b'.repeat(63)}`])(
    'refuses the kind %j',
    (kind) => {
      expect(kindProblem(kind)).toMatch(/PascalCase/);
    },
  );

  it.each(['example.com', 'cache.example.org', 'a-b.c1.io'])('accepts the group %s', (group) => {
    expect(groupProblem(group)).toBeUndefined();
  });

  it.each([
    ['Example.com', /DNS subdomain/],
    ['example..com', /DNS subdomain/],
    ['-example.com', /DNS subdomain/],
    ['example_com.io', /DNS subdomain/],
    ['example', /at least one dot/],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`, /at most 253/],
  ])('refuses the group %j', (group, problem) => {
    expect(groupProblem(group)).toMatch(problem);
  });

  it.each(['v1', 'v2', 'v1beta1', 'v1alpha2', 'v10'])('accepts the version %s', (version) => {
    expect(versionProblem(version)).toBeUndefined();
  });

  it.each(['1', 'V1', 'v0', 'v1beta', 'v1-beta1', 'v1gamma1', ''])('refuses the version %j', (version) => {
    expect(versionProblem(version)).toMatch(/API version/);
  });
});
