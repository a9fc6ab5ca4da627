/** The push step of a REST pass: POST or PUT the document, remember what Pinot accepted, and let go of a renamed one. */
import { isOk, PinotApiError, truncate } from './pinotApiError.ts';
import { codeOf, emit, flushStatus, type RestPass, recordOperation } from './restPass.ts';

/** Pinot's operation fields of one push, to write again when the status write of that push was lost. */
function pickOperation(pass: RestPass): RestPass['status'] {
  const { status } = pass;
  const { currentField } = pass.env.kind;
  const { type, message, reason, lastUpdateTime, ownedInPinot } = status;
  return {
    ownedInPinot,
    type,
    message,
    status: status.status,
    reason,
    lastUpdateTime,
    [currentField]: status[currentField],
  } as RestPass['status'];
}

/**
 * Creates (POST) or updates (PUT) the target in Pinot. A refusal is put in the status and an Event, then thrown
 * (retried); an acceptance is remembered in `accepted`, and after a rename the old object goes from Pinot.
 */
export async function pushDocument(pass: RestPass, plan: 'create' | 'update'): Promise<void> {
  const { kind, accepted } = pass.env;
  const { document, name } = pass.target!;
  const creating = plan === 'create';
  const response = creating
    ? await pass.call!('create', 'POST', kind.createPath(), document)
    : await pass.call!('update', 'PUT', kind.updatePath(name), document);
  const suffix = creating ? 'Create' : 'Update';
  if (!isOk(response)) {
    recordOperation(pass, `${suffix}Fail`, false, response.body);
    const note = `${suffix.toLowerCase()} ${name}: HTTP ${response.status}: ${truncate(response.body, 300)}`;
    emit(pass, 'Warning', codeOf(pass, `${suffix}Fail`), note);
    await flushStatus(pass);
    throw new PinotApiError(`${suffix.toLowerCase()} ${kind.type.kind} ${name}`, response);
  }
  recordOperation(pass, `${suffix}Success`, true, response.body, { [kind.currentField]: document, ownedInPinot: name });
  const uid = pass.object.metadata.uid ?? '';
  accepted.set(pass.acceptedKey, { uid, document, owned: name, status: pickOperation(pass) });
  const mine = pass.owned === name;
  const note = `${creating ? 'created' : 'updated'} ${name} in Pinot${mine ? '' : ' (it existed: adopted)'}`;
  emit(pass, 'Normal', codeOf(pass, `${suffix}Success`), note);
  if (pass.owned !== undefined && pass.owned !== name) await deleteRenamed(pass, pass.owned);
  pass.context.log.info({ name, operation: suffix }, 'pushed to Pinot');
}

/** After a rename, the old object goes from Pinot (it is this CR's: `owned`); a failure is reported, not retried. */
async function deleteRenamed(pass: RestPass, old: string): Promise<void> {
  const response = await pass.call!('delete renamed', 'DELETE', pass.env.kind.deletePath(old, pass.object.spec));
  if (isOk(response) || response.status === 404) {
    emit(pass, 'Normal', codeOf(pass, 'DeleteSuccess'), `deleted ${old} from Pinot (renamed)`);
    return;
  }
  const note = `DELETE ${old} (renamed): HTTP ${response.status}: ${truncate(response.body, 300)}`;
  emit(pass, 'Warning', codeOf(pass, 'DeleteFail'), note);
}
