import { PdfDictionary, PdfItem, XrefEntry, readDictionaryAt, readItems, referencesIn } from './pdf-objects';
import { readXrefStream } from './xref-stream';

/**
 * What the incremental updates after a signature change (ISO 32000-1, 7.5.6; PAdES allows adding
 * signatures and validation data after a signature, ETSI EN 319 142-1 5.4).
 *
 * A signature covers the file up to the end of its ByteRange: its "signed revision". A forger may
 * append a revision that changes what a reader shows (a new page content stream, a redefined page),
 * and a newer signature over the whole file would hide it. So each signature gets its own verdict on
 * what follows it. Every object of a later revision must pass one of the rules below; so must every
 * xref entry and trailer. Anything else is a change of content.
 *
 * The rules, each a function below:
 *   - a new signature dictionary, document time-stamp, signature field or its form: isSignatureObject
 *   - new validation data (DSS, VRI): isValidationData
 *   - a new object only those reach (appearance streams, certificate and CRL streams): reachableFromAllowed
 *   - an existing object updated only as signing does: fillsEmptySignatureField, updatesFormOnly,
 *     updatesCatalogForSigning, addsPageAnnotations, updatesValidationData, updatesDocumentInformation
 *   - xref entries point into the later revisions and free nothing: xrefEntryProblem
 *   - trailers keep the document's catalog and encryption: trailerProblem
 */
export interface LaterChanges {
  /** Bytes after the signed revision. */
  readonly bytes: number;
  /** What they change, one phrase each ("redefines object 3 (a page)"); empty when nothing. */
  readonly changes: readonly string[];
}

/** What the signed revision says about itself (its last trailer). */
interface SignedRevision {
  readonly end: number;
  /** Objects numbered from here on are new; Infinity when the trailer cannot be read (every object then counts as existing). */
  readonly size: number;
  readonly root?: string;
  readonly encrypted: boolean;
}

type LaterObject = Extract<PdfItem, { kind: 'object' }>;

const FORM_KEYS = new Set(['Fields', 'SigFlags', 'DA', 'DR', 'NeedAppearances', 'Q']);
const DSS_KEYS = new Set(['Type', 'Certs', 'CRLs', 'OCSPs', 'VRI']);
const VRI_KEYS = new Set(['Type', 'Cert', 'CRL', 'OCSP', 'TU', 'TS']);
/** Catalog entries signing adds or updates: the form, validation data, the extension level that DSS declares. */
const CATALOG_SIGNING_KEYS = new Set(['AcroForm', 'DSS', 'Extensions']);

const typeOf = (d: PdfDictionary | undefined) => d?.get('Type');
const keysWithin = (d: PdfDictionary, allowed: Set<string>) => d.size > 0 && [...d.keys()].every((k) => allowed.has(k));

/** Finds the signed version of an object an update redefines. */
export class PdfObjectIndex {
  private starts?: Map<string, number[]>;
  constructor(readonly text: string) {}

  /** The dictionary of the last definition of `number generation` that starts before `limit`, if there is one. */
  definitionBefore(number: number, generation: number, limit: number): PdfDictionary | undefined {
    const start = this.lastHeaderBefore(number, generation, limit);
    if (start === undefined) return undefined;
    const [item] = readItems(this.text, start, limit);
    return item?.kind === 'object' ? (item.dictionary ?? new Map()) : undefined;
  }

  /** Searched backwards as writers spell it ("5 0 obj"); other spacing falls back to one indexing pass over the file. */
  private lastHeaderBefore(number: number, generation: number, limit: number): number | undefined {
    const header = `${number} ${generation} obj`;
    for (let at = this.text.lastIndexOf(header, limit - header.length); at >= 0; at = this.text.lastIndexOf(header, at - 1)) {
      if (at === 0 || !/[0-9]/.test(this.text[at - 1])) return at;
    }
    this.starts ??= indexObjects(this.text);
    return this.starts.get(`${number} ${generation}`)?.filter((s) => s < limit).at(-1);
  }
}

function indexObjects(text: string): Map<string, number[]> {
  const starts = new Map<string, number[]>();
  for (const m of text.matchAll(/(?<![0-9])(\d+)\s+(\d+)\s+obj\b/g)) {
    const key = `${m[1]} ${m[2]}`;
    const list = starts.get(key) ?? [];
    list.push(m.index);
    starts.set(key, list);
  }
  return starts;
}

/** What the bytes after `signedEnd` change; never throws (what cannot be read counts as a change). */
export function changesAfterSignedRevision(index: PdfObjectIndex, signedEnd: number): LaterChanges {
  const { text } = index;
  const bytes = text.length - signedEnd;
  if (bytes === 0) return { bytes, changes: [] };
  const revision = signedRevisionOf(text, signedEnd);
  const items = readItems(text, signedEnd, text.length);
  const changes: string[] = [];
  for (const item of items) {
    if (item.kind === 'unknown') changes.push(`hold ${item.end - item.start} bytes at offset ${item.start} that are not part of an incremental update`);
  }
  if (!/%%EOF\s*$/.test(text.slice(-1024))) changes.push('do not end with an end-of-file marker');

  const objects = items.filter((i): i is LaterObject => i.kind === 'object');
  const infos = new Set<string>();
  for (const dictionary of trailerDictionaries(items)) {
    const problem = trailerProblem(dictionary, revision);
    if (problem) changes.push(problem);
    const info = dictionary.get('Info');
    if (info) infos.add(info.replace(/ R$/, ''));
  }
  const starts = new Map(objects.map((o) => [o.start, o.number]));
  // Writers' offsets sometimes land on the line break before a header: a little whitespace is skipped.
  const objectAt = (offset: number) => starts.get(offset + (/^\s{0,4}/.exec(text.slice(offset, offset + 4))?.[0].length ?? 0));
  for (const entry of xrefEntries(text, items, changes)) {
    const problem = xrefEntryProblem(entry, revision, objectAt);
    if (problem) changes.push(problem);
  }
  const reachable = reachableFromAllowed(objects, revision);
  for (const object of objects) {
    const isNew = object.number >= revision.size;
    const problem = isNew ? newObjectProblem(object, reachable) : existingObjectProblem(object, index, revision, infos);
    if (problem) changes.push(problem);
  }
  return { bytes, changes };
}

/** The size, catalog and encryption of the signed revision, from its last trailer (or xref stream). */
function signedRevisionOf(text: string, end: number): SignedRevision {
  const unknown: SignedRevision = { end, size: Infinity, encrypted: false };
  const at = text.lastIndexOf('startxref', end);
  const offset = at === -1 ? NaN : Number(/^startxref\s+(\d+)/.exec(text.slice(at, at + 40))?.[1]);
  if (!Number.isInteger(offset) || offset >= end) return unknown;
  try {
    let dictionary: PdfDictionary | undefined;
    if (text.startsWith('xref', offset)) {
      const trailer = text.indexOf('trailer', offset);
      const open = trailer === -1 ? -1 : text.indexOf('<<', trailer);
      if (open !== -1 && open < end) dictionary = readDictionaryAt(text, open, end);
    } else {
      const [item] = readItems(text, offset, end);
      if (item?.kind === 'object') dictionary = item.dictionary;
    }
    const size = Number(dictionary?.get('Size'));
    if (!dictionary || !Number.isInteger(size)) return unknown;
    return { end, size, root: dictionary.get('Root'), encrypted: dictionary.has('Encrypt') };
  } catch {
    return unknown;
  }
}

function trailerDictionaries(items: readonly PdfItem[]): PdfDictionary[] {
  const found: PdfDictionary[] = [];
  for (const item of items) {
    if (item.kind === 'trailer') found.push(item.dictionary);
    else if (item.kind === 'object' && typeOf(item.dictionary) === '/XRef' && item.dictionary) found.push(item.dictionary);
  }
  return found;
}

/** Every xref entry of the later revisions: classic sections, and cross-reference streams decoded. */
function xrefEntries(text: string, items: readonly PdfItem[], changes: string[]): XrefEntry[] {
  const entries: XrefEntry[] = [];
  for (const item of items) {
    if (item.kind === 'xref') entries.push(...item.entries);
    else if (item.kind === 'object' && typeOf(item.dictionary) === '/XRef' && item.stream) {
      try {
        entries.push(...readXrefStream(item.dictionary!, Buffer.from(text.slice(item.stream.start, item.stream.end), 'latin1')));
      } catch {
        changes.push(`have a cross-reference stream (object ${item.number}) edx cannot read`);
      }
    }
  }
  return entries;
}

/** A later trailer must keep the signed revision's catalog and must not start encrypting. */
function trailerProblem(trailer: PdfDictionary, revision: SignedRevision): string | undefined {
  if (revision.root !== undefined && trailer.get('Root') !== revision.root) return `point the document at another catalog (${trailer.get('Root') ?? 'none'} instead of ${revision.root})`;
  if (!revision.encrypted && trailer.has('Encrypt')) return 'encrypt the document';
  return undefined;
}

/**
 * A later xref entry may only point at an object this reader saw in the later revisions, by its
 * header (not into a stream's data, where a forged definition could hide); it may not free a signed object.
 */
function xrefEntryProblem(entry: XrefEntry, revision: SignedRevision, objectAt: (offset: number) => number | undefined): string | undefined {
  if (entry.number === 0) return undefined; // the head of the free list, in every section
  if (!entry.inUse) return entry.number < revision.size ? `free object ${entry.number}` : undefined;
  if (entry.container !== undefined) return entry.container < revision.size ? `point object ${entry.number} back at an earlier definition (in object stream ${entry.container})` : undefined;
  if (entry.offset < revision.end) return `point object ${entry.number} back at an earlier definition (offset ${entry.offset})`;
  return objectAt(entry.offset) === entry.number ? undefined : `point object ${entry.number} at bytes that do not define it (offset ${entry.offset})`;
}

// ---- New objects -------------------------------------------------------------------------------

/** A signature dictionary, a document time-stamp, a signature field (with its widget), or the form listing them. */
function isSignatureObject(d: PdfDictionary): boolean {
  return typeOf(d) === '/Sig' || typeOf(d) === '/DocTimeStamp' || d.get('FT') === '/Sig' || isFormDictionary(d);
}

function isFormDictionary(d: PdfDictionary): boolean {
  return d.has('Fields') && keysWithin(d, FORM_KEYS);
}

/** A DSS or VRI dictionary: the certificates, CRLs and OCSP responses that keep signatures verifiable. */
function isValidationData(d: PdfDictionary): boolean {
  return typeOf(d) === '/DSS' || typeOf(d) === '/VRI' || (typeOf(d) === undefined && (keysWithin(d, DSS_KEYS) || keysWithin(d, VRI_KEYS)));
}

/**
 * The new objects that only signature objects and validation data lead to: a signature widget's
 * appearance stream and its resources, the certificate, CRL and OCSP streams of the DSS.
 */
function reachableFromAllowed(objects: readonly LaterObject[], revision: SignedRevision): Set<number> {
  const byNumber = new Map(objects.filter((o) => o.number >= revision.size).map((o) => [o.number, o]));
  const pending = objects.filter((o) => o.dictionary && (isSignatureObject(o.dictionary) || isValidationData(o.dictionary)));
  const reached = new Set<number>();
  while (pending.length > 0) {
    const object = pending.pop()!;
    for (const ref of referencesIn(object.dictionary?.values() ?? [])) {
      const number = Number(ref.split(' ')[0]);
      const target = byNumber.get(number);
      if (target && !reached.has(number)) {
        reached.add(number);
        pending.push(target);
      }
    }
  }
  return reached;
}

function newObjectProblem(object: LaterObject, reachable: Set<number>): string | undefined {
  const d = object.dictionary;
  if (d && (isSignatureObject(d) || isValidationData(d) || typeOf(d) === '/XRef')) return undefined;
  if (reachable.has(object.number)) return undefined;
  return `add object ${object.number} (${kindOf(object)})`;
}

// ---- Existing objects --------------------------------------------------------------------------

function existingObjectProblem(object: LaterObject, index: PdfObjectIndex, revision: SignedRevision, infos: Set<string>): string | undefined {
  const updated = object.dictionary;
  const signed = index.definitionBefore(object.number, object.generation, revision.end);
  const what = `object ${object.number} (${kindOf(object)})`;
  if (!signed) return `redefine ${what}, whose signed version edx cannot find`;
  if (!updated || object.stream) return `redefine ${what}`;
  const ref = `${object.number} ${object.generation}`;
  if (fillsEmptySignatureField(signed, updated) || updatesFormOnly(signed, updated) || updatesValidationData(signed, updated)) return undefined;
  if (`${ref} R` === revision.root) return updatesCatalogForSigning(signed, updated) ? undefined : `change the catalog (${differingKeys(signed, updated, CATALOG_SIGNING_KEYS).join(', ')})`;
  if (addsPageAnnotations(signed, updated)) return undefined;
  if (infos.has(ref) && updatesDocumentInformation(updated)) return undefined;
  return `redefine ${what}`;
}

/** A signature field that had no value (an empty field prepared for a signer) gets its signature. */
function fillsEmptySignatureField(signed: PdfDictionary, updated: PdfDictionary): boolean {
  return signed.get('FT') === '/Sig' && !signed.has('V') && updated.get('FT') === '/Sig';
}

/** The form dictionary, kept a form dictionary (its field list grows with each signature). */
function updatesFormOnly(signed: PdfDictionary, updated: PdfDictionary): boolean {
  return isFormDictionary(signed) && isFormDictionary(updated);
}

function updatesValidationData(signed: PdfDictionary, updated: PdfDictionary): boolean {
  return isValidationData(signed) && isValidationData(updated);
}

/** The catalog, with only its form, its validation data and its extension level changed. */
function updatesCatalogForSigning(signed: PdfDictionary, updated: PdfDictionary): boolean {
  return differingKeys(signed, updated, CATALOG_SIGNING_KEYS).length === 0;
}

/** A page, with only its annotation list changed (to list a signature widget). */
function addsPageAnnotations(signed: PdfDictionary, updated: PdfDictionary): boolean {
  return typeOf(signed) === '/Page' && typeOf(updated) === '/Page' && differingKeys(signed, updated, new Set(['Annots'])).length === 0;
}

/** The document information dictionary (producer, modification date): metadata no reader shows as the document. */
function updatesDocumentInformation(updated: PdfDictionary): boolean {
  return [...updated.values()].every((v) => !/ R$/.test(v));
}

/** The keys whose values differ between two versions of a dictionary, those in `allowed` aside. */
function differingKeys(signed: PdfDictionary, updated: PdfDictionary, allowed: Set<string>): string[] {
  const keys = new Set([...signed.keys(), ...updated.keys()]);
  return [...keys].filter((k) => !allowed.has(k) && signed.get(k) !== updated.get(k)).map((k) => `/${k}`);
}

/** What a person would call the object, for the report. */
function kindOf(object: LaterObject): string {
  const d = object.dictionary;
  const type = typeOf(d);
  const subtype = d?.get('Subtype');
  if (type === '/Page') return 'a page';
  if (type === '/Pages') return 'the page tree';
  if (type === '/Catalog') return 'a catalog';
  if (type === '/ObjStm') return 'a compressed object stream edx does not look into';
  if (type === '/Annot' || (d?.has('Rect') && subtype)) return `an annotation${subtype ? ` ${subtype}` : ''}`;
  if (type === '/Font') return 'a font';
  if (subtype === '/Image') return 'an image';
  if (subtype === '/Form') return 'a form XObject';
  if (object.stream) return 'a stream';
  return d ? 'a dictionary' : 'a value';
}
