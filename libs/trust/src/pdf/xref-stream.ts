import { inflateSync } from 'node:zlib';
import { EdxError } from '@edx/common';
import { PdfDictionary, XrefEntry } from './pdf-objects';

/** A cross-reference stream inflates to little; more is not an xref stream edx reads. */
const MAX_XREF_STREAM_BYTES = 16 * 1024 * 1024;

const unreadable = (what: string) => new EdxError('PDF_MALFORMED', `A cross-reference stream cannot be read: ${what}.`);
const numbers = (value: string | undefined) => (value ?? '').replace(/[[\]]/g, ' ').trim().split(/\s+/).filter(Boolean).map(Number);

/**
 * The entries of a cross-reference stream (ISO 32000-1, 7.5.8): FlateDecode with or without PNG
 * predictors, /W field widths, /Index ranges. Throws PDF_MALFORMED for anything else.
 */
export function readXrefStream(dictionary: PdfDictionary, data: Buffer): XrefEntry[] {
  const filter = dictionary.get('Filter');
  if (filter !== undefined && filter !== '/FlateDecode' && filter !== '[/FlateDecode]') throw unreadable(`filter ${filter}`);
  let bytes: Buffer;
  try {
    bytes = filter === undefined ? data : inflateSync(data, { maxOutputLength: MAX_XREF_STREAM_BYTES });
  } catch (error) {
    throw unreadable((error as Error).message);
  }
  const widths = numbers(dictionary.get('W'));
  if (widths.length !== 3 || widths.some((w) => !Number.isInteger(w) || w < 0 || w > 8)) throw unreadable('its /W is not three field widths');
  const rowLength = widths[0] + widths[1] + widths[2];
  const parameters = /\/Predictor (\d+)/.exec(dictionary.get('DecodeParms') ?? '');
  if (parameters && Number(parameters[1]) >= 10) bytes = unpredictPng(bytes, Number(/\/Columns (\d+)/.exec(dictionary.get('DecodeParms') ?? '')?.[1] ?? 1));
  const index = numbers(dictionary.get('Index'));
  const ranges = index.length ? index : [0, Number(dictionary.get('Size'))];
  const entries: XrefEntry[] = [];
  let row = 0;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    for (let k = 0; k < ranges[r + 1]; k++, row++) {
      if ((row + 1) * rowLength > bytes.length) throw unreadable('it has fewer entries than its /Index says');
      const field = (n: number) => {
        let value = 0;
        const at = row * rowLength + widths.slice(0, n).reduce((x, y) => x + y, 0);
        for (let i = 0; i < widths[n]; i++) value = value * 256 + bytes[at + i];
        return value;
      };
      const type = widths[0] === 0 ? 1 : field(0);
      const number = ranges[r] + k;
      if (type === 1) entries.push({ number, offset: field(1), inUse: true });
      else if (type === 2) entries.push({ number, offset: 0, inUse: true, container: field(1) });
      else if (type === 0) entries.push({ number, offset: 0, inUse: false });
    }
  }
  return entries;
}

/** Undoes the PNG row predictors (RFC 2083 6): each row starts with its filter type byte. */
function unpredictPng(bytes: Buffer, columns: number): Buffer {
  const rowLength = columns + 1;
  const out = Buffer.alloc(Math.floor(bytes.length / rowLength) * columns);
  for (let row = 0; row * rowLength + rowLength <= bytes.length; row++) {
    const type = bytes[row * rowLength];
    for (let i = 0; i < columns; i++) {
      const raw = bytes[row * rowLength + 1 + i];
      const left = i > 0 ? out[row * columns + i - 1] : 0;
      const up = row > 0 ? out[(row - 1) * columns + i] : 0;
      const upLeft = row > 0 && i > 0 ? out[(row - 1) * columns + i - 1] : 0;
      const predicted = type === 1 ? left : type === 2 ? up : type === 3 ? (left + up) >> 1 : type === 4 ? paeth(left, up, upLeft) : 0;
      out[row * columns + i] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
