import { EdxError } from '@edx/common';

/**
 * A small reader of PDF body syntax (ISO 32000-1, 7.3 and 7.5), enough to see what an incremental
 * update contains: its indirect objects (dictionary entries, whether a stream follows), xref
 * sections and trailers. It reads text in latin1, one byte per character, so offsets are byte offsets.
 */

/** A dictionary's entries: key without the slash → the value in a canonical form (tokens joined by one space). */
export type PdfDictionary = ReadonlyMap<string, string>;

export type PdfItem =
  | { readonly kind: 'object'; readonly number: number; readonly generation: number; readonly start: number; readonly end: number; readonly dictionary?: PdfDictionary; readonly stream?: { readonly start: number; readonly end: number } }
  | { readonly kind: 'xref'; readonly start: number; readonly end: number; readonly entries: readonly XrefEntry[] }
  | { readonly kind: 'trailer'; readonly start: number; readonly end: number; readonly dictionary: PdfDictionary }
  | { readonly kind: 'startxref'; readonly start: number; readonly end: number }
  /** Bytes that are none of the above: where reading stopped. */
  | { readonly kind: 'unknown'; readonly start: number; readonly end: number };

/** One entry of a cross-reference section: object `number` is at `offset` (in use), inside object stream `container`, or free. */
export interface XrefEntry {
  readonly number: number;
  readonly offset: number;
  readonly inUse: boolean;
  readonly container?: number;
}

const MAX_NESTING = 64;
const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%']);
const unreadable = (what: string, at: number) => new EdxError('PDF_MALFORMED', `The PDF cannot be read at byte ${at}: ${what}.`);

class Lexer {
  constructor(readonly text: string, public pos: number, readonly limit: number) {}

  /** Skips whitespace and comments (a comment runs to the end of its line). */
  skipSpace(): void {
    while (this.pos < this.limit) {
      const c = this.text.charCodeAt(this.pos);
      if (WHITESPACE.has(c)) {
        this.pos++;
      } else if (c === 0x25) {
        while (this.pos < this.limit && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos++;
      } else {
        return;
      }
    }
  }

  startsWith(token: string): boolean {
    return this.text.startsWith(token, this.pos);
  }

  /** A regular token: the characters up to the next whitespace or delimiter. */
  private regular(): string {
    const start = this.pos;
    while (this.pos < this.limit && !WHITESPACE.has(this.text.charCodeAt(this.pos)) && !DELIMITERS.has(this.text[this.pos])) this.pos++;
    if (this.pos === start) throw unreadable(`unexpected "${this.text[this.pos] ?? 'end of data'}"`, start);
    return this.text.slice(start, this.pos);
  }

  /** One value, in canonical form; an indirect reference "5 0 R" is one value. */
  value(depth = 0): string {
    if (depth > MAX_NESTING) throw unreadable('values nest too deeply', this.pos);
    this.skipSpace();
    if (this.startsWith('<<')) return `<< ${[...this.dictionary(depth + 1)].map(([k, v]) => `/${k} ${v}`).join(' ')} >>`;
    const c = this.text[this.pos];
    if (c === '[') {
      this.pos++;
      const items: string[] = [];
      for (this.skipSpace(); this.text[this.pos] !== ']'; this.skipSpace()) {
        if (this.pos >= this.limit) throw unreadable('an array has no end', this.pos);
        items.push(this.value(depth + 1));
      }
      this.pos++;
      return `[${items.join(' ')}]`;
    }
    if (c === '(') return this.literalString();
    if (c === '<') {
      const end = this.text.indexOf('>', this.pos);
      if (end === -1 || end >= this.limit) throw unreadable('a hex string has no end', this.pos);
      const hex = this.text.slice(this.pos, end + 1).replace(/\s+/g, '');
      this.pos = end + 1;
      return hex;
    }
    if (c === '/') {
      this.pos++;
      return `/${this.regular()}`;
    }
    const token = this.regular();
    const reference = /^\s+(\d+)\s+R(?=[\s/<>[\]()%]|$)/.exec(this.text.slice(this.pos, this.pos + 32));
    if (/^\d+$/.test(token) && reference) {
      this.pos += reference[0].length;
      return `${token} ${reference[1]} R`;
    }
    return token;
  }

  /** A dictionary at `<<`: its entries in order, each value canonical. */
  dictionary(depth = 0): Map<string, string> {
    this.pos += 2;
    const entries = new Map<string, string>();
    for (this.skipSpace(); !this.startsWith('>>'); this.skipSpace()) {
      if (this.pos >= this.limit) throw unreadable('a dictionary has no end', this.pos);
      if (this.text[this.pos] !== '/') throw unreadable('a dictionary key is not a name', this.pos);
      this.pos++;
      const key = this.regular();
      entries.set(key, this.value(depth));
    }
    this.pos += 2;
    return entries;
  }

  /** A literal string, kept exactly: balanced parentheses, backslash escapes. */
  private literalString(): string {
    const start = this.pos;
    let depth = 0;
    for (; this.pos < this.limit; this.pos++) {
      const c = this.text[this.pos];
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return this.text.slice(start, ++this.pos);
    }
    throw unreadable('a string has no end', start);
  }
}

/** References ("5 0") found anywhere in a canonical value or dictionary. */
export function referencesIn(values: Iterable<string>): string[] {
  const found: string[] = [];
  for (const value of values) for (const m of value.matchAll(/(?:^|[\s[<])(\d+) (\d+) R(?=[\s\]>]|$)/g)) found.push(`${m[1]} ${m[2]}`);
  return found;
}

/** The dictionary whose `<<` is at `at`. Throws PDF_MALFORMED. */
export function readDictionaryAt(text: string, at: number, limit = text.length): PdfDictionary {
  return new Lexer(text, at, limit).dictionary();
}

const OBJECT_HEADER = /(\d+)\s+(\d+)\s+obj\b/y;
const XREF_SECTION = /xref\s+((?:\d+\s+\d+\s+(?:\d{10}\s+\d{5}\s+[nf]\s*)*)*)/y;
const STARTXREF = /startxref\s+\d+/y;

/**
 * Reads the top-level items between `from` and `to`, in order, as a reader walks an incremental
 * update. Never throws: bytes it cannot read end the list as one `unknown` item.
 */
export function readItems(text: string, from: number, to: number): PdfItem[] {
  const items: PdfItem[] = [];
  const lexer = new Lexer(text, from, to);
  for (lexer.skipSpace(); lexer.pos < to; lexer.skipSpace()) {
    const start = lexer.pos;
    try {
      const item = readItem(lexer, start);
      if (!item) break;
      items.push(item);
    } catch {
      items.push({ kind: 'unknown', start, end: to });
      return items;
    }
  }
  if (lexer.pos < to) items.push({ kind: 'unknown', start: lexer.pos, end: to });
  return items;
}

function sticky(pattern: RegExp, lexer: Lexer): RegExpExecArray | null {
  pattern.lastIndex = lexer.pos;
  const m = pattern.exec(lexer.text);
  return m && m.index + m[0].length <= lexer.limit ? m : null;
}

function readItem(lexer: Lexer, start: number): PdfItem | undefined {
  const header = sticky(OBJECT_HEADER, lexer);
  if (header) {
    lexer.pos += header[0].length;
    return readObjectBody(lexer, start, Number(header[1]), Number(header[2]));
  }
  const xref = sticky(XREF_SECTION, lexer);
  if (xref) {
    lexer.pos += xref[0].length;
    return { kind: 'xref', start, end: lexer.pos, entries: xrefEntries(xref[1]) };
  }
  if (lexer.startsWith('trailer')) {
    lexer.pos += 'trailer'.length;
    lexer.skipSpace();
    if (!lexer.startsWith('<<')) return undefined;
    const dictionary = lexer.dictionary();
    return { kind: 'trailer', start, end: lexer.pos, dictionary };
  }
  const startxref = sticky(STARTXREF, lexer);
  if (startxref) {
    lexer.pos += startxref[0].length;
    return { kind: 'startxref', start, end: lexer.pos };
  }
  return undefined;
}

function readObjectBody(lexer: Lexer, start: number, number: number, generation: number): PdfItem {
  lexer.skipSpace();
  let dictionary: Map<string, string> | undefined;
  if (lexer.startsWith('<<')) dictionary = lexer.dictionary();
  else lexer.value();
  lexer.skipSpace();
  let stream: { start: number; end: number } | undefined;
  if (dictionary && lexer.startsWith('stream')) {
    const eol = /stream(\r\n|\n)/y;
    eol.lastIndex = lexer.pos;
    const m = eol.exec(lexer.text);
    if (!m) throw unreadable('a stream keyword is not followed by an end of line', lexer.pos);
    const dataStart = lexer.pos + m[0].length;
    const length = Number(dictionary.get('Length'));
    // A direct /Length is trusted only when "endstream" follows it; otherwise search for the keyword.
    let dataEnd = Number.isInteger(length) && /^\s*endstream/.test(lexer.text.slice(dataStart + length, dataStart + length + 12)) ? dataStart + length : -1;
    if (dataEnd === -1) dataEnd = lexer.text.indexOf('endstream', dataStart);
    if (dataEnd === -1 || dataEnd >= lexer.limit) throw unreadable('a stream has no end', dataStart);
    stream = { start: dataStart, end: dataEnd };
    lexer.pos = lexer.text.indexOf('endstream', dataEnd) + 'endstream'.length;
    lexer.skipSpace();
  }
  if (!lexer.startsWith('endobj')) throw unreadable(`object ${number} has no endobj`, lexer.pos);
  lexer.pos += 'endobj'.length;
  return { kind: 'object', number, generation, start, end: lexer.pos, dictionary, stream };
}

function xrefEntries(body: string): XrefEntry[] {
  const entries: XrefEntry[] = [];
  const tokens = body.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i + 1 < tokens.length; ) {
    const first = Number(tokens[i]);
    const count = Number(tokens[i + 1]);
    i += 2;
    for (let k = 0; k < count && i + 2 < tokens.length; k++, i += 3) {
      entries.push({ number: first + k, offset: Number(tokens[i]), inUse: tokens[i + 2] === 'n' });
    }
  }
  return entries;
}
