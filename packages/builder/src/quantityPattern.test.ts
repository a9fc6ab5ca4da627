import { describe, expect, it } from 'vitest';
import { kubernetesSchema } from './kubernetesSchemas.js';
import { quantityPattern, withQuantityPatterns } from './quantityPattern.js';

describe('withQuantityPatterns', () => {
  it('is already applied to what kubernetesSchema() returns', () => {
    const resources = kubernetesSchema('ResourceRequirements') as any;
    expect(resources.properties.requests.additionalProperties.pattern).toBe(quantityPattern);
  });

  it('puts the quantity pattern on limits, requests, sizeLimit and divisor, and on nothing else', () => {
    const resources = withQuantityPatterns(kubernetesSchema('ResourceRequirements')) as any;
    expect(resources.properties.requests.additionalProperties.pattern).toBe(quantityPattern);
    expect(resources.properties.limits.additionalProperties.pattern).toBe(quantityPattern);
    const volume = withQuantityPatterns(kubernetesSchema('Volume')) as any;
    expect(volume.properties.emptyDir.properties.sizeLimit.pattern).toBe(quantityPattern);
    const claim = volume.properties.ephemeral.properties.volumeClaimTemplate.properties.spec;
    expect(claim.properties.resources.properties.requests.additionalProperties.pattern).toBe(quantityPattern);
    const env = withQuantityPatterns(kubernetesSchema('EnvVar')) as any;
    expect(env.properties.valueFrom.properties.resourceFieldRef.properties.divisor.pattern).toBe(quantityPattern);
    const downward = volume.properties.downwardAPI.properties.items.items.properties.resourceFieldRef;
    expect(downward.properties.divisor.pattern).toBe(quantityPattern);
    // IntOrString ports are not quantities.
    const service = withQuantityPatterns(kubernetesSchema('ServiceSpec')) as any;
    expect(JSON.stringify(service)).not.toContain('pattern');
  });

  it('accepts what Kubernetes parses as a quantity and refuses the rest', () => {
    const pattern = new RegExp(quantityPattern);
    for (const ok of ['1', '100m', '1.5Gi', '-1Gi', '2e3', '.5', '1E', '+3Ki']) expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['lots', '', '1 Gi', '1GB', 'Gi', '1.2.3', '١']) expect(pattern.test(bad), bad).toBe(false);
  });
});
