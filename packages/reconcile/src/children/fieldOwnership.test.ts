import { describe, expect, it } from 'vitest';
import { takeOverFields } from './fieldOwnership.js';

const goEntry = {
  manager: 'pinot-control-plane-k8s',
  operation: 'Update',
  apiVersion: 'apps/v1',
  time: '2026-01-01T00:00:00Z',
  fieldsType: 'FieldsV1',
  fieldsV1: {
    'f:metadata': { 'f:annotations': { '.': {}, 'f:PinotOperatorHash': {} } },
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"c"}': { 'f:env': { 'k:{"name":"cm-config"}': { '.': {}, 'f:name': {}, 'f:value': {} } } },
          },
        },
      },
    },
  },
};
const statusEntry = {
  manager: 'kube-controller-manager',
  operation: 'Update',
  subresource: 'status',
  fieldsV1: { 'f:status': {} },
};
const options = { fieldManager: 'pinot-operator', apiVersion: 'apps/v1', now: new Date('2026-02-02T10:00:00.123Z') };

describe('takeOverFields', () => {
  it('moves the spec fields a previous operator set by update to our manager, leaving its metadata and the status writers', () => {
    const result = takeOverFields({ metadata: { managedFields: [goEntry, statusEntry] } }, options);
    expect(result).toEqual([
      { ...goEntry, fieldsV1: { 'f:metadata': goEntry.fieldsV1['f:metadata'] } },
      statusEntry,
      {
        manager: 'pinot-operator',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-02-02T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': goEntry.fieldsV1['f:spec'] },
      },
    ]);
  });

  it('merges into our existing Apply entry and drops a foreign entry left with nothing', () => {
    const ours = {
      manager: 'pinot-operator',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:metadata': { 'f:labels': {} } } } },
    };
    const edit = {
      manager: 'kubectl-edit',
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:hostNetwork': {} } } } },
    };
    expect(takeOverFields({ metadata: { managedFields: [ours, edit] } }, options)).toEqual([
      {
        ...ours,
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:template': { 'f:metadata': { 'f:labels': {} }, 'f:spec': { 'f:hostNetwork': {} } },
          },
        },
      },
    ]);
  });

  it('has nothing to do when only our applies, subresources and metadata writers own fields', () => {
    const annotator = {
      manager: 'kube-controller-manager',
      operation: 'Update',
      fieldsV1: { 'f:metadata': { 'f:annotations': {} } },
    };
    expect(takeOverFields({ metadata: { managedFields: [annotator, statusEntry] } }, options)).toBeUndefined();
    expect(takeOverFields({ metadata: {} }, options)).toBeUndefined();
  });
});
