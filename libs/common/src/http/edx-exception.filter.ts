import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { EdxError, ErrorCode } from '../errors';
import type { Logger } from '../logging';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  [HttpStatus.BAD_REQUEST]: 'REQUEST_INVALID',
  [HttpStatus.UNAUTHORIZED]: 'AUTH_REQUIRED',
  [HttpStatus.FORBIDDEN]: 'AUTH_FORBIDDEN',
  [HttpStatus.NOT_FOUND]: 'NOT_FOUND',
  [HttpStatus.CONFLICT]: 'CONFLICT',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'EDXML_TOO_LARGE',
};

/** Every HTTP error leaves as `{ code, message, details? }` with a stable code. */
@Catch()
export class EdxExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toEdxError(exception);
    const status = exception instanceof HttpException && !(exception instanceof EdxError)
      ? exception.getStatus()
      : error.httpStatus;
    if (status >= 500) this.logger.error({ err: exception, code: error.code }, error.message);
    if (response.headersSent) return;
    response.status(status).json(error.toJSON());
  }

  private toEdxError(exception: unknown): EdxError {
    if (exception instanceof EdxError) return exception;
    // The body parser's own refusals (http-errors: a body past the limit, unreadable JSON).
    const parser = exception as { type?: unknown; status?: unknown; limit?: unknown; message?: unknown };
    if (parser?.type === 'entity.too.large') {
      return new EdxError('REQUEST_TOO_LARGE', `The request body is larger than the ${typeof parser.limit === 'number' ? `${parser.limit} bytes` : 'limit'} this API takes.`);
    }
    if (parser?.type === 'entity.parse.failed') return new EdxError('REQUEST_INVALID', `The request body cannot be read: ${String(parser.message)}`);
    if (exception instanceof HttpException) {
      const code = CODE_BY_STATUS[exception.getStatus()] ?? 'INTERNAL_ERROR';
      const body = exception.getResponse();
      const message = typeof body === 'object' && body && 'message' in body ? (body as { message: unknown }).message : body;
      return new EdxError(code, Array.isArray(message) ? message.join('; ') : String(message));
    }
    return new EdxError('INTERNAL_ERROR', 'An unexpected error happened; the operator log has the details.');
  }
}
