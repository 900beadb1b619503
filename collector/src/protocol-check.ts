import { PROTOCOL_VERSION } from '@selfheal/shared/protocol';
import type { z } from 'zod';
import { fromZodError, ProblemError } from './errors.js';

/** The app's one validation hook (`defaultHook`): a failed validation is a 400 naming the field. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
): undefined {
  if (!result.success) throw fromZodError(result.error, `${result.target}.`);
  return undefined;
}

/**
 * The one protocol-version check, for reports, polls and acks: refuses a message from an agent
 * that speaks a newer major protocol version than this collector (absent or not a number means
 * version 1, checked by the schema itself), naming both versions and the field.
 */
export function assertProtocolVersion(version: unknown): void {
  if (typeof version !== 'number' || !Number.isFinite(version)) return;
  if (Math.floor(version) > PROTOCOL_VERSION) {
    throw new ProblemError({
      status: 400,
      title: 'Unsupported protocol version',
      detail: `the agent speaks protocol version ${Math.floor(version)}, this collector speaks version ${PROTOCOL_VERSION}; upgrade the collector or use an agent that speaks version ${PROTOCOL_VERSION}`,
      errors: [{ field: 'protocolVersion', message: `at most ${PROTOCOL_VERSION}` }],
    });
  }
}

/** The `protocolVersion` field of a parsed JSON body, if it has one. */
export function protocolVersionOf(body: unknown): unknown {
  return body !== null && typeof body === 'object' && 'protocolVersion' in body
    ? (body as { protocolVersion: unknown }).protocolVersion
    : undefined;
}
