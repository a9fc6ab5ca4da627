import { describe, expect, it } from 'vitest';
import { buildDeployment, type DeploymentOptions } from './deployment.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const base: DeploymentOptions = {
  name: 'pinot-broker',
  namespace: 'pinot',
  labels: { app: 'pinot' },
  selectorLabels: { app: 'pinot', node: 'broker' },
  template: { spec: { containers: [{ name: 'broker', image: 'apachepinot/pinot' }] } },
};

describe('buildDeployment', () => {
  it('builds an apps/v1 Deployment with its selector on the template', () => {
    expect(buildDeployment(base)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'pinot-broker', namespace: 'pinot', labels: { app: 'pinot' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'pinot', node: 'broker' } },
        template: {
          metadata: { labels: { app: 'pinot', node: 'broker' } },
          spec: { containers: [{ name: 'broker', image: 'apachepinot/pinot' }] },
        },
      },
    });
  });

  it('passes the optional spec fields through', () => {
    const deployment = buildDeployment({
      ...base,
      replicas: 0,
      strategy: { type: 'Recreate' },
      minReadySeconds: 10,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: 300,
    });
    expect(deployment.spec).toMatchObject({
      replicas: 0,
      strategy: { type: 'Recreate' },
      minReadySeconds: 10,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: 300,
    });
  });

  it('allows a long subdomain name, unlike a StatefulSet', () => {
    expect(buildDeployment({ ...base, name: `${'a'.repeat(60)}.b` }).metadata.name).toHaveLength(62);
  });

  it('refuses a bad selector, template, name and counts', () => {
    expect(() => buildDeployment({ ...base, selectorLabels: {} })).toThrow(
      error('Deployment selectorLabels', 'selector'),
    );
    expect(() => buildDeployment({ ...base, selectorLabels: { 'a b': 'c' } })).toThrow(
      error('Deployment selectorLabels key', 'labelKey'),
    );
    const wrong = { ...base.template, metadata: { labels: { app: 'other' } } };
    expect(() => buildDeployment({ ...base, template: wrong })).toThrow(
      error('Deployment template.metadata.labels["app"]', 'selector'),
    );
    expect(() => buildDeployment({ ...base, name: 'Broker' })).toThrow(error('Deployment name', 'dns1123Subdomain'));
    expect(() => buildDeployment({ ...base, replicas: -1 })).toThrow(error('Deployment replicas', 'range'));
    expect(() => buildDeployment({ ...base, minReadySeconds: -1 })).toThrow(
      error('Deployment minReadySeconds', 'range'),
    );
    expect(() => buildDeployment({ ...base, revisionHistoryLimit: 1.5 })).toThrow(
      error('Deployment revisionHistoryLimit', 'range'),
    );
    expect(() => buildDeployment({ ...base, progressDeadlineSeconds: 0 })).toThrow(
      error('Deployment progressDeadlineSeconds', 'range'),
    );
    const annotations = { ...base.template, metadata: { annotations: { 'bad key': 'x' } } };
    expect(() => buildDeployment({ ...base, template: annotations })).toThrow(
      error('Deployment template.metadata.annotations key', 'annotationKey'),
    );
  });
});
