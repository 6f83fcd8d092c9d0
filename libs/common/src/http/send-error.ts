import type { Response } from 'express';
import { EdxError } from '../errors';

/** Answers an error from plain express middleware (before Nest's filters run) in the one error shape. */
export function sendError(res: Response, error: EdxError, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.set(headers).status(error.httpStatus).json(error.toJSON());
}
