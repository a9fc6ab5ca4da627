// The Event recorder of @dsoi/events, writing through this client's sink to a real API server. It lives here
// because events must not depend on client (client depends on events).
import { createEventRecorder } from '@dsoi/events';
import { describe, expect, it } from 'vitest';
import { adminClient, newNamespace } from './helpers.js';

interface ApiEvent {
  metadata: { name: string };
  reason: string;
  note: string;
  type: string;
  action: string;
  reportingController: string;
  regarding: { kind: string; name: string };
  series?: { count: number; lastObservedTime: string };
}

describe('Event recorder through client.eventSink()', () => {
  it('turns 50 identical events into one events.k8s.io/v1 Event with a series count of 50', async () => {
    const client = adminClient();
    const namespace = await newNamespace('recorder');
    const owner = await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace } });
    const recorder = createEventRecorder({
      sink: client.eventSink(),
      reportingController: 'dsoi.io/test-operator',
      reportingInstance: 'test-0',
    });
    const regarding = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'owner', uid: owner.metadata?.uid };
    for (let i = 0; i < 50; i++) {
      recorder.record({
        regarding,
        type: 'Warning',
        reason: 'ConfigInvalid',
        action: 'Reconcile',
        note: 'spec.nodes[0].kind "Pod" is not a workload kind',
      });
    }
    recorder.record({
      regarding,
      type: 'Normal',
      reason: 'Created',
      action: 'Create',
      note: 'created the StatefulSet',
    });
    await recorder.close();

    const events = await client.list<ApiEvent & { apiVersion?: string; kind?: string }>(
      { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
      { namespace },
    );
    const warnings = events.items.filter((e) => e.reason === 'ConfigInvalid');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      type: 'Warning',
      action: 'Reconcile',
      reportingController: 'dsoi.io/test-operator',
      regarding: { kind: 'ConfigMap', name: 'owner' },
      series: { count: 50 },
    });
    expect(events.items.filter((e) => e.reason === 'Created')).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ recorded: 51, dropped: 0, failed: 0 });
  });

  it('joins later repeats to the same Event through series patches', async () => {
    const client = adminClient();
    const namespace = await newNamespace('recorder2');
    const regarding = { apiVersion: 'v1', kind: 'Namespace', name: namespace };
    const recorder = createEventRecorder({
      sink: client.eventSink(),
      reportingController: 'dsoi.io/test',
      reportingInstance: 't',
      seriesUpdateIntervalMs: 0,
    });
    recorder.record({
      regarding: { ...regarding, namespace },
      type: 'Normal',
      reason: 'Synced',
      action: 'Sync',
      note: 'first',
    });
    await recorder.flush();
    for (let i = 0; i < 3; i++) {
      recorder.record({
        regarding: { ...regarding, namespace },
        type: 'Normal',
        reason: 'Synced',
        action: 'Sync',
        note: 'again',
      });
      await recorder.flush();
    }
    await recorder.close();
    const events = (
      await client.list<ApiEvent & { apiVersion?: string; kind?: string }>(
        { apiVersion: 'events.k8s.io/v1', kind: 'Event' },
        { namespace },
      )
    ).items;
    expect(events).toHaveLength(1);
    expect(events[0]?.series?.count).toBe(4);
    expect(events[0]?.note).toBe('first'); // the note of an Event is immutable
  });
});
