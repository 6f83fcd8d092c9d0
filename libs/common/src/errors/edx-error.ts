import { ERROR_CODES, ErrorCode } from './error-codes';

export type ErrorDetails = Record<string, unknown>;

/** The only error edx code throws on purpose: a stable code, a sentence a person understands. */
export class EdxError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].summary,
    readonly details?: ErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EdxError';
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get isTransient(): boolean {
    return ERROR_CODES[this.code].amqp === 'retry';
  }

  toJSON(): { code: ErrorCode; message: string; details?: ErrorDetails } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Wraps anything thrown into an EdxError, keeping the original as `cause`. */
export function toEdxError(error: unknown): EdxError {
  if (error instanceof EdxError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EdxError('INTERNAL_ERROR', `Unexpected error: ${message}`, undefined, { cause: error });
}
