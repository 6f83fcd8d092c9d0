import { EdxError } from '@edx/common';
import { XMLDSIG_NS, c14nAttr, children, elementChildren } from './envelope-dom';

/**
 * The edx object inside the envelope signature (docs/signatures.md, "Layout"): what the edXML
 * elements cannot carry without changing their shape for other readers. A `ds:Object` holds one
 * element in edx's own namespace, referenced from SignedInfo by its Id:
 *   - a package: its id (the AMQP message id it travels under) and, in manifest order, each
 *     attachment's ContentId (exact), name, content type, description (when it has one) and SHA-256;
 *   - a status: its message id and the package id of the document it answers (the id the hub
 *     and the gateways file it under: outside the signature it could be pointed at any document).
 * Values are attributes (few elements: the envelope is parsed on every hop).
 */
export const EDX_SIGNED_NS = 'urn:edx:package:1';
export const SIGNED_OBJECT_IDS = { package: 'edx-package', status: 'edx-status' } as const;

/** One attachment as the signature binds it. `sha256` is the hex digest of the decoded bytes. */
export interface SignedAttachment {
  readonly contentId: string;
  readonly name: string;
  readonly contentType: string;
  readonly description?: string;
  readonly sha256: string;
}

export type SignedContent =
  | { readonly kind: 'package'; readonly id: string; readonly attachments: readonly SignedAttachment[] }
  | { readonly kind: 'status'; readonly id: string; readonly packageId: string };

const ELEMENT = { package: 'Package', status: 'Status' } as const;
const ID_ATTRIBUTE = { package: 'PackageId', status: 'MessageId' } as const;

/** Attributes in exclusive-c14n order (by name: none has a namespace), absent ones left out. */
const attributes = (values: ReadonlyArray<readonly [string, string | undefined]>): string =>
  values.map(([name, value]) => (value === undefined ? '' : ` ${name}="${c14nAttr(value)}"`)).join('');

/** The object's element, written in exclusive-c14n form (so its canonical bytes are this text). */
export function signedObjectXml(content: SignedContent): string {
  const element = `edx:${ELEMENT[content.kind]}`;
  let body = '';
  if (content.kind === 'package') {
    for (const a of content.attachments) {
      const values = [['ContentId', a.contentId], ['ContentType', a.contentType], ['Description', a.description], ['Name', a.name], ['Sha256', a.sha256]] as const;
      body += `<edx:Attachment${attributes(values)}></edx:Attachment>`;
    }
  }
  const own = attributes([
    ['Id', SIGNED_OBJECT_IDS[content.kind]],
    [ID_ATTRIBUTE[content.kind], content.id],
    ['PackageId', content.kind === 'status' ? content.packageId : undefined],
  ]);
  return `<${element} xmlns:edx="${EDX_SIGNED_NS}"${own}>${body}</${element}>`;
}

/** The element's attributes by name; throws SIGNATURE_MALFORMED for one not in `allowed` or a required one missing. */
function attributesOf(el: Element, required: readonly string[], optional: readonly string[] = []): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes[i];
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    if (!required.includes(a.name) && !optional.includes(a.name)) throw new EdxError('SIGNATURE_MALFORMED', `The signed ${el.localName} has an unexpected attribute ${a.name}.`);
    found.set(a.name, a.value);
  }
  const missing = required.find((name) => !found.has(name));
  if (missing) throw new EdxError('SIGNATURE_MALFORMED', `The signed ${el.localName} lacks its ${missing}.`);
  return found;
}

function signedAttachment(el: Element): SignedAttachment {
  if (el.namespaceURI !== EDX_SIGNED_NS || el.localName !== 'Attachment' || elementChildren(el).length > 0) {
    throw new EdxError('SIGNATURE_MALFORMED', `The signed Package holds an unexpected ${el.localName}.`);
  }
  const v = attributesOf(el, ['ContentId', 'ContentType', 'Name', 'Sha256'], ['Description']);
  const entry = { contentId: v.get('ContentId')!, name: v.get('Name')!, contentType: v.get('ContentType')!, sha256: v.get('Sha256')! };
  return v.has('Description') ? { ...entry, description: v.get('Description')! } : entry;
}

/**
 * The signature's edx object for a `kind` document, and its element (the target its Reference must
 * name). Throws EdxError SIGNATURE_INVALID when there is none (a signature that binds no id: made by
 * an older edx or another system) or it is of the other kind, SIGNATURE_MALFORMED when it cannot be read.
 */
export function readSignedObject(signature: Element, kind: SignedContent['kind']): { element: Element; content: SignedContent } {
  const objects = children(signature, XMLDSIG_NS, 'Object');
  if (objects.length === 0) throw new EdxError('SIGNATURE_INVALID', `The envelope signature binds no ${ID_ATTRIBUTE[kind]} (it has no ds:Object), so it could be replayed under any id.`);
  if (objects.length > 1) throw new EdxError('SIGNATURE_MALFORMED', 'The envelope signature holds more than one ds:Object.');
  const inside = elementChildren(objects[0]);
  const element = inside[0];
  if (inside.length !== 1 || element.namespaceURI !== EDX_SIGNED_NS || element.localName !== ELEMENT[kind]) {
    throw new EdxError('SIGNATURE_INVALID', `The envelope signature's ds:Object does not hold the edx ${ELEMENT[kind]} a ${kind} is signed with.`);
  }
  const entries = elementChildren(element);
  if (kind === 'status') {
    if (entries.length > 0) throw new EdxError('SIGNATURE_MALFORMED', `The signed Status holds an unexpected ${entries[0].localName}.`);
    const values = attributesOf(element, ['Id', 'MessageId', 'PackageId']);
    return { element, content: { kind, id: values.get('MessageId')!, packageId: values.get('PackageId')! } };
  }
  const id = attributesOf(element, ['Id', ID_ATTRIBUTE[kind]]).get(ID_ATTRIBUTE[kind])!;
  return { element, content: { kind, id, attachments: entries.map(signedAttachment) } };
}
