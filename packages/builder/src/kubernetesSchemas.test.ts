import { describe, expect, it } from 'vitest';
import { kubernetesSchema, kubernetesSchemaNames, kubernetesSchemaSet } from './kubernetesSchemas.js';

describe('committed Kubernetes schemas', () => {
  it('holds every named type, structural and without descriptions', () => {
    const set = kubernetesSchemaSet();
    expect(set.kubernetesVersion).toMatch(/^v1\.\d+/);
    expect(Object.keys(set.schemas).sort()).toEqual([...kubernetesSchemaNames].sort());
    expect(JSON.stringify(set.schemas)).not.toContain('"description"');
    expect(JSON.stringify(set.schemas)).not.toContain('$ref');
  });

  it('keeps int-or-string, list-map keys with their defaults, and returns a fresh copy', () => {
    const service = kubernetesSchema('ServiceSpec');
    const ports = service.properties!.ports!;
    expect(ports['x-kubernetes-list-map-keys']).toEqual(['port', 'protocol']);
    expect(ports.items!.properties!.protocol!.default).toBe('TCP');
    expect(ports.items!.properties!.targetPort).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(kubernetesSchema('ContainerPort').properties!.containerPort).toEqual({ type: 'integer', format: 'int32' });
    service.properties = {};
    expect(kubernetesSchema('ServiceSpec').properties!.ports).toBeDefined();
  });
});
