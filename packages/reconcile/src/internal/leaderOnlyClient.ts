/**
 * The manager's client under leader election: every write, and every Event, is refused unless this replica leads at
 * that moment, so a leader that was paused past its renew deadline cannot write after a successor took over.
 */
import type { Client, ObjectRefOrObject, RequestOptions } from '@dsoi/client';
import type { EventSink } from '@dsoi/events';
import { LeaderElectionLostError, type LeaderElector } from '../manager/leaderElection.js';

/** What the guard asks the elector: leadership now (the clock is read), and the current term's signal. */
export type Leadership = Pick<LeaderElector, 'isLeader' | 'leadingSignal' | 'identity'>;

/**
 * Wraps `client` so that each write checks `leadership.isLeader()` twice and fails with a `LeaderElectionLostError`
 * when this replica does not lead: when the write is handed to the client, and again at send time, through the
 * client's `beforeSend` hook, once the request holds a slot and a connected socket and before its first byte is
 * written (every retry is checked again the same way). A write that passes carries the term's signal too, so it is
 * aborted when the term ends while it waits (for a request slot, a retry, or the response). Reads, watches and
 * everything else pass through.
 *
 * Caveats: the send-time check reads the clock, so a leader paused (SIGSTOP, a long GC, a frozen VM) while a write
 * waited for a slot, a connection or a retry is refused once it resumes past its renew deadline. What remains is the
 * synchronous run from the hook's return to the socket write: microseconds of code with no await, so no timer or
 * I/O of this process runs in between, but a pause that lands exactly there still lets the request out afterwards.
 * client-go's leader election has the same residual (its check is no closer to the wire). Only fencing on the server
 * side, which Kubernetes does not offer, closes it.
 */
export function leaderOnlyClient(client: Client, leadership: Leadership, lease: string): Client {
  /** Throws when this replica does not lead now. */
  function assertLeads(what: string): void {
    if (!leadership.isLeader()) {
      throw new LeaderElectionLostError(`${what}: refused, ${leadership.identity} does not lead Lease ${lease}`);
    }
  }
  /** The options of a write allowed now: the term's signal added, and the same check again at send time. */
  function termOptions<TOptions extends RequestOptions>(what: string, options: TOptions | undefined): TOptions {
    assertLeads(what);
    const term = leadership.leadingSignal();
    const signal = options?.signal ? AbortSignal.any([options.signal, term]) : term;
    const callerHook = options?.beforeSend;
    const beforeSend = () => {
      assertLeads(`${what} (at send time)`);
      callerHook?.();
    };
    return { ...options, signal, beforeSend } as TOptions;
  }
  const check = <TOptions extends RequestOptions>(verb: string, target: ObjectRefOrObject, options?: TOptions) =>
    termOptions(`${verb} ${describe(target)}`, options);
  return {
    ...client,
    create: async (object, options) => client.create(object, check('create', object, options)),
    replace: async (object, options) => client.replace(object, check('replace', object, options)),
    replaceStatus: async (object, options) => client.replaceStatus(object, check('replace status of', object, options)),
    apply: async (object, options) => client.apply(object, check('apply', object, options)),
    applyStatus: async (object, options) => client.applyStatus(object, check('apply status of', object, options)),
    patch: async (ref, patch, options) => client.patch(ref, patch, check('patch', ref, options)),
    patchStatus: async (ref, patch, options) => client.patchStatus(ref, patch, check('patch status of', ref, options)),
    delete: async (ref, options) => client.delete(ref, check('delete', ref, options)),
    eventSink: () => {
      const sink = client.eventSink();
      return {
        create: async (event, options) => sink.create(event, termOptions(`create Event ${describe(event)}`, options)),
        patch: async (namespace, name, patch, options) =>
          sink.patch(namespace, name, patch, termOptions(`patch Event ${namespace}/${name}`, options)),
      } satisfies EventSink;
    },
  };
}

/** `Kind namespace/name` of a reference or an object. */
function describe(target: ObjectRefOrObject): string {
  const meta = 'metadata' in target ? target.metadata : (target as { name?: string; namespace?: string });
  const name = meta?.name ?? (meta as { generateName?: string } | undefined)?.generateName ?? '';
  return `${target.kind ?? ''} ${meta?.namespace ? `${meta.namespace}/` : ''}${name}`;
}
