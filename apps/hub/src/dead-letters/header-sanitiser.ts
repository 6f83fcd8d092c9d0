/**
 * Dead letters carry whatever headers their publisher set. Before they are stored: no U+0000 or other
 * control characters (PostgreSQL's text and jsonb refuse U+0000), bounded strings and size, and
 * values JSON can hold (bigints and bytes as text).
 */
const MAX_TEXT = 4096;
const MAX_HEADERS_JSON = 64 * 1024;
const MAX_DEPTH = 8;

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** The text with control characters (all but tab and line breaks) shown as U+XXXX, cut to a bound. */
export function sanitizedText(text: string, max = MAX_TEXT): string {
  const clean = text.replace(CONTROL, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

function sanitizedValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return sanitizedText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `(${value.length} bytes)`;
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return '(nested too deep)';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => sanitizedValue(v, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).slice(0, 200).map(([k, v]) => [sanitizedText(k, 256), sanitizedValue(v, depth + 1)]));
  }
  return sanitizedText(String(value));
}

/** The headers as JSON text that jsonb takes; too large a set is replaced by a note saying so. */
export function sanitizedHeaders(headers: Record<string, unknown>): string {
  const json = JSON.stringify(sanitizedValue(headers, 0));
  return json.length <= MAX_HEADERS_JSON ? json : JSON.stringify({ note: `headers of ${json.length} bytes were not kept (limit ${MAX_HEADERS_JSON})` });
}
