/** The one error of @dsoi/events: an Event field or recorder option the API server would reject, caught before I/O. */

/** The field of an Event (or of the recorder's options) that {@link InvalidEventError} names. */
export type InvalidEventField =
  | 'regarding'
  | 'related'
  | 'type'
  | 'reason'
  | 'action'
  | 'reportingController'
  | 'reportingInstance';

/**
 * Thrown synchronously by `createEventRecorder()` and `EventRecorder.record()` when a field is one the API server
 * would reject or that breaks Kubernetes conventions, such as a `reason` that is not short UpperCamelCase. These are
 * programming errors (reasons and actions are constants in code), so they fail loudly at the first call instead of
 * being dropped silently. Never thrown for I/O: writes fail into the recorder's stats and bus, not into the caller.
 */
export class InvalidEventError extends TypeError {
  override readonly name = 'InvalidEventError';
  /** The offending field. */
  readonly field: InvalidEventField;

  /**
   * @param field The offending field.
   * @param message What is wrong with it, naming the value.
   */
  constructor(field: InvalidEventField, message: string) {
    super(message);
    this.field = field;
  }
}

/** True when `error` is an {@link InvalidEventError}. */
export function isInvalidEventError(error: unknown): error is InvalidEventError {
  return error instanceof InvalidEventError;
}
