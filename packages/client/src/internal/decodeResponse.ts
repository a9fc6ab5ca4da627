/** Turns an answered attempt into what the caller gets: the parsed JSON body, or the typed error of its status. */
import type { IncomingMessage } from 'node:http';
import { describeTarget, errorFromStatus, KubeApiError, parseStatus } from '../kubeApiError.js';
import type { RequestPlan } from './requester.js';
import { readBody } from './transport.js';

/** Whether the response is a success (2xx). */
export function isSuccess(response: IncomingMessage): boolean {
  const code = response.statusCode ?? 0;
  return code >= 200 && code < 300;
}

/** The typed error of a non-2xx response, from its `Status` body (read now if the attempt did not read it). */
export async function decodeStatusError(
  plan: RequestPlan,
  response: IncomingMessage,
  body: string | undefined,
): Promise<KubeApiError> {
  const text = body ?? (await readBody(response).catch(() => ''));
  return errorFromStatus({
    code: response.statusCode ?? 0,
    status: parseStatus(text),
    rawBody: text,
    retryAfter: header(response, 'retry-after'),
    operation: plan.operation,
    target: plan.target,
  });
}

/** The parsed body of a success, `undefined` when empty; a `KubeApiError` (reason `Unknown`) when it is not JSON. */
export function decodeJson(plan: RequestPlan, response: IncomingMessage, body: string | undefined): unknown {
  if (body === undefined || body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new KubeApiError({
      reason: 'Unknown',
      code: response.statusCode ?? 0,
      message: `${describeTarget(plan.operation, plan.target)}Unknown: the response is not JSON: ${body.slice(0, 200)}`,
      operation: plan.operation,
      target: plan.target,
      cause: err,
    });
  }
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
