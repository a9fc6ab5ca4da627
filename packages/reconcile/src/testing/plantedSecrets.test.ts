import { describe, expect, it } from 'vitest';
import { findPlantedSecrets, plantedSecretForms } from './plantedSecrets.js';

const plant = 'plant-5d1a-only-here';
const forms = plantedSecretForms(plant);

describe('planted-secret scan', () => {
  it('finds a plant deep in an object, encoded alone or with text around it, as a key, and in log text', () => {
    const statefulSet = {
      kind: 'StatefulSet',
      spec: {
        template: {
          spec: {
            containers: [
              {
                env: [
                  { name: 'A', value: 'x' },
                  { name: 'P', value: plant },
                ],
              },
            ],
          },
        },
      },
    };
    const configMap = { kind: 'ConfigMap', data: { KEY: Buffer.from(plant).toString('base64') } };
    const status = { conditions: [{ message: 'ok' }], [plant]: true };
    const file = Buffer.from(`a.b=1\nsecretKey=${plant}\n`).toString('base64');
    const hits = findPlantedSecrets(
      [
        { where: 'StatefulSet s', value: statefulSet },
        { where: 'ConfigMap c', value: [configMap] },
        { where: 'status', value: status },
        { where: 'Secret f', value: { data: { 'x.conf': file } } },
        { where: 'logs', value: `{"msg":"applied","value":"${Buffer.from(plant).toString('hex')}"}` },
      ],
      forms,
    );
    expect(hits).toEqual([
      { where: 'StatefulSet s', path: 'spec.template.spec.containers[0].env[1].value', form: plant },
      { where: 'ConfigMap c', path: '[0].data.KEY', form: Buffer.from(plant).toString('base64') },
      { where: 'status', path: `${plant} (key)`, form: plant },
      { where: 'Secret f', path: 'data.x.conf (base64-decoded)', form: plant },
      { where: 'logs', path: '', form: Buffer.from(plant).toString('hex') },
    ]);
  });

  it('finds nothing where the plant is absent, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 'plant-5d1a', b: ['only-here'] };
    cyclic.self = cyclic;
    expect(findPlantedSecrets([{ where: 'x', value: cyclic }], forms)).toEqual([]);
  });

  it('lists the plain, base64, base64url and hex forms, without repeats', () => {
    expect(plantedSecretForms('ab')).toEqual(['ab', 'YWI=', 'YWI', '6162']);
  });
});
