import { EdxError } from '@edx/common';

/** A JSON body's required text field; REQUEST_INVALID naming it when it is missing or blank. */
export function requiredText(body: Record<string, unknown> | undefined, key: string): string {
  const value = body?.[key];
  if (typeof value !== 'string' || !value.trim()) throw new EdxError('REQUEST_INVALID', `"${key}" is required.`);
  return value;
}
