/**
 * The one catalogue of error codes. Every failure that reaches a person, an HTTP client or the
 * broker carries one of these codes. `http` is the status an API answers with; `amqp` is what a
 * consumer does with a message that failed this way:
 *   - `reject`: permanent; dead-letter it with the reason and tell the sender where one is known;
 *   - `retry`: transient (broker, database away); leave it on the queue and try again later.
 * Codes are stable: add new ones, never rename or reuse one.
 */
export type AmqpDisposition = 'reject' | 'retry';

export interface ErrorCodeSpec {
  readonly http: number;
  readonly amqp: AmqpDisposition;
  readonly summary: string;
}

const permanent = (http: number, summary: string): ErrorCodeSpec => ({ http, amqp: 'reject', summary });
const transient = (http: number, summary: string): ErrorCodeSpec => ({ http, amqp: 'retry', summary });

export const ERROR_CODES = {
  // edXML parsing and validation
  EDXML_MALFORMED: permanent(400, 'The document is not well-formed XML.'),
  EDXML_DTD_FORBIDDEN: permanent(400, 'The document declares a DTD or entities, which edXML never needs.'),
  EDXML_TOO_LARGE: permanent(413, 'The document is larger than the configured limit.'),
  EDXML_TOO_DEEP: permanent(400, 'The document nests elements deeper than the configured limit.'),
  EDXML_TOO_MANY_ELEMENTS: permanent(400, 'The document has more elements than the configured limit.'),
  EDXML_ENCODING: permanent(400, 'The document is not UTF-8 encoded.'),
  EDXML_NOT_EDXML: permanent(400, 'The root is not an edXML package or status in the QCVN 102:2016 namespace.'),
  EDXML_REQUIRED: permanent(400, 'A required element is missing or empty.'),
  EDXML_CARDINALITY: permanent(400, 'An element occurs more or fewer times than allowed.'),
  EDXML_AGENCY_CODE: permanent(400, 'An agency code is not in a recognised form.'),
  EDXML_DATE: permanent(400, 'A date or timestamp is not in yyyy/MM/dd (HH:mm:ss) form.'),
  EDXML_STATUS_CODE: permanent(400, 'A status code is not a two-digit code.'),
  EDXML_VALUE: permanent(400, 'An element holds a value outside its allowed set.'),
  EDXML_LENGTH: permanent(400, 'A text is longer than its limit.'),
  EDXML_REFERENCE_UNRESOLVED: permanent(400, 'A manifest reference has no matching attachment.'),
  EDXML_ATTACHMENT_UNREFERENCED: permanent(400, 'An attachment is not listed in the manifest.'),
  EDXML_CONTENT_ID_AMBIGUOUS: permanent(400, 'Two attachments or manifest references have ContentIds that differ only by a cid: prefix.'),
  EDXML_ATTACHMENT_ENCODING: permanent(400, 'An attachment is not valid base64.'),
  EDXML_ATTACHMENT_TYPE: permanent(400, 'An attachment content does not match its declared type.'),
  ATTACHMENT_TOO_LARGE: permanent(413, 'An attachment is larger than the exchange takes (or, as a PDF or zip, than it can check the signatures of).'),
  ATTACHMENT_MISSING: permanent(422, 'A claim-checked attachment is not in the blob store, or not uploaded by the system that names it.'),

  // Signatures and certificates
  SIGNATURE_MISSING: permanent(422, 'A required signature is missing.'),
  SIGNATURE_PLACEHOLDER: permanent(422, 'The signature is the reference SDK placeholder, not a real signature.'),
  SIGNATURE_INVALID: permanent(422, 'The signature value does not verify.'),
  SIGNATURE_MALFORMED: permanent(422, 'The signature block cannot be read.'),
  SIGNATURE_UNSUPPORTED: permanent(422, 'The signature uses an algorithm or layout edx does not accept.'),
  DIGEST_MISMATCH: permanent(422, 'The signed content was altered after signing.'),
  SIGNATURE_PACKAGE_ID_MISMATCH: permanent(422, 'The envelope is signed for another package or message id than the one it travels under.'),
  PDF_MODIFIED_AFTER_SIGNING: permanent(422, 'Bytes were added to the PDF after its last signature.'),
  PDF_MALFORMED: permanent(422, 'The PDF or its signature dictionary cannot be read.'),
  ATTACHMENT_UNREADABLE: permanent(422, 'An attachment, or a file inside a zipped attachment, cannot be opened to check its signatures (a damaged, encrypted or too deeply nested zip, or a file past the size or compression limit).'),
  CERT_UNTRUSTED: permanent(422, 'The certificate does not chain to a trust anchor.'),
  CERT_EXPIRED: permanent(422, 'The certificate had expired.'),
  CERT_NOT_YET_VALID: permanent(422, 'The certificate was not yet valid.'),
  CERT_REVOKED: permanent(422, 'The certificate is revoked.'),
  CERT_KEY_USAGE: permanent(422, 'The certificate is not allowed to sign.'),
  CERT_CHAIN_INVALID: permanent(422, 'A certificate in the chain is not allowed to issue what it issued (not a CA, no keyCertSign or cRLSign, or past its path length).'),
  SIGNATURE_ALGORITHM_WEAK: permanent(422, 'A signature, digest or key uses an algorithm or size the algorithm policy refuses (MD5, SHA-1 after the cut-off, RSA under 2048 bits).'),
  CRL_STALE: permanent(422, 'The revocation list is past its next-update time.'),
  CRL_MISSING: permanent(422, 'No revocation list is available for the issuing CA.'),
  REVOCATION_UNKNOWN: permanent(422, "The certificate names where its revocation status is published, but no current answer could be had (OCSP and CRL unreachable, unsigned or unknown) and the degraded mode refuses."),
  VERIFICATION_ABORTED: permanent(422, "Verifying the documents' signatures was stopped: it took longer than its time budget, or its worker failed."),
  SIGNER_NOT_SENDER: permanent(422, 'The signing certificate does not belong to the sending agency.'),
  CERT_NOT_FOR_AGENCY: permanent(422, 'The certificate is issued for another agency code (its subject UID) than the agency it is registered for.'),
  KEY_INVALID: permanent(400, 'The key or certificate file cannot be read.'),
  ATTESTATION_INVALID: permanent(422, "The hub's signed receipt attestation is missing, altered or not the hub's."),
  CERT_OWN_REFUSED: permanent(500, "This service's own signing certificate would be refused by those who verify it."),

  // Routing and the agency directory
  ROUTING_SENDER_UNKNOWN: permanent(422, 'The sending agency is not registered.'),
  /** No longer issued: AGENCY_SUSPENDED replaced it (kept, as codes are never reused: older records carry it). */
  ROUTING_SENDER_SUSPENDED: permanent(422, 'The sending agency is suspended.'),
  ROUTING_SENDER_RETIRED: permanent(422, 'The sending agency code is retired: the agency sends under its current code.'),
  ROUTING_SENDER_NOT_HOSTED: permanent(403, 'The connected system does not host the sending agency.'),
  ROUTING_RECIPIENT_UNKNOWN: permanent(422, 'A recipient agency is not registered.'),
  /** No longer issued: AGENCY_SUSPENDED replaced it (kept, as codes are never reused: older records carry it). */
  ROUTING_RECIPIENT_SUSPENDED: permanent(422, 'A recipient agency is suspended.'),
  AGENCY_SUSPENDED: permanent(422, 'The agency is suspended: it may not send, and receives nothing new until it is resumed.'),
  ROUTING_RECIPIENT_RETIRED: permanent(422, 'A recipient agency code is retired without a successor.'),
  ROUTING_RECIPIENT_UNROUTABLE: permanent(422, 'No connected system hosts the recipient agency.'),
  ROUTING_DOCUMENT_UNKNOWN: permanent(404, 'The document a status refers to is not known.'),
  DELIVERY_REJECTED: permanent(422, 'A recipient rejected the document (status 02).'),

  // Statuses: accepted only from their author, about the document they name
  STATUS_AUTHOR_NOT_RECIPIENT: permanent(403, 'The agency reporting the status is not a recipient of that document.'),
  STATUS_AUTHOR_NOT_SENDER: permanent(403, 'Only the sender of a document may ask for it back (status 13).'),
  STATUS_DOCUMENT_MISMATCH: permanent(422, "The status's signed ResponseFor names another document than the one it is filed under."),
  STATUS_UNROUTABLE: permanent(422, 'A status could not be routed to the agency it is for: no queue is bound for that agency.'),

  // Messaging and storage (transient by nature)
  MESSAGING_BROKER_UNAVAILABLE: transient(503, 'The message broker cannot be reached.'),
  MESSAGING_PUBLISH_TIMEOUT: transient(503, 'The broker did not confirm a publish in time.'),
  MESSAGING_PUBLISH_NACKED: transient(503, 'The broker refused to take a message.'),
  MESSAGING_BAD_MESSAGE: permanent(400, 'A message lacks the properties edx requires.'),
  MESSAGING_REJECTED: permanent(422, 'A consumer refused the message and its queue dead-lettered it.'),
  MESSAGING_DELIVERY_LIMIT: permanent(422, 'The message kept failing its consumers and reached the delivery limit.'),
  STORAGE_UNAVAILABLE: transient(503, 'The database cannot be reached.'),

  // Operations: audit, dead letters, proofs
  CHAIN_BROKEN: permanent(409, "A document's event log does not hold: an event was changed or removed after it was written."),
  DEAD_LETTER_NOT_REPLAYABLE: permanent(422, 'This dead letter cannot be replayed (its origin cannot be trusted, or it is not a message edx can send again).'),
  DEAD_LETTER_CLOSED: permanent(409, 'This dead letter was already replayed or discarded.'),
  CHECKPOINT_INVALID: permanent(422, "A chain checkpoint is missing, altered or not the hub's."),
  DIRECTORY_PARENT_UNKNOWN: permanent(422, 'The parent agency named for an agency is not registered.'),
  DIRECTORY_PARENT_CYCLE: permanent(409, 'That parent would make the agency its own ancestor.'),
  DIRECTORY_CONTACT_INVALID: permanent(400, "An agency's contact detail (e-mail, phone, address, person) is malformed or too long."),
  DIRECTORY_CODE_RETIRED: permanent(409, 'The agency code is retired: it cannot be changed, host certificates, send or be a successor.'),
  DIRECTORY_SUCCESSOR_CYCLE: permanent(409, 'That successor would retire the code into itself (directly or through a chain of retirements).'),
  DIRECTORY_IMPORT_INVALID: permanent(400, 'The import file cannot be read as an agency list (JSON array or CSV with a header row).'),
  DIRECTORY_IMPORT_TOO_LARGE: permanent(413, 'The import file has more rows than one import takes.'),
  DIRECTORY_ROW_INVALID: permanent(422, 'A row of an import file is not a valid agency (code, name or a field).'),
  PROOF_INVALID: permanent(422, 'The proof file does not prove what it claims (altered, incomplete or not signed by a trusted party).'),

  // HTTP APIs
  AUTH_REQUIRED: permanent(401, 'Credentials are missing or wrong.'),
  AUTH_FORBIDDEN: permanent(403, 'These credentials may not do this.'),
  AUTH_TOKEN_EXPIRED: permanent(401, "The account's token has expired."),
  AUTH_TOKEN_REVOKED: permanent(401, "The account's token was revoked."),
  ENROLMENT_TOKEN_INVALID: permanent(401, 'The enrolment token is not one the console issued, or a newer one replaced it.'),
  ENROLMENT_TOKEN_EXPIRED: permanent(401, 'The enrolment token has expired.'),
  ENROLMENT_TOKEN_USED: permanent(409, 'The enrolment token was redeemed already, by a gateway with another key.'),
  REQUEST_INVALID: permanent(400, 'The request is invalid.'),
  REQUEST_TOO_LARGE: permanent(413, 'The request body is larger than this API takes.'),
  NOT_FOUND: permanent(404, 'Nothing was found there.'),
  RANGE_NOT_SATISFIABLE: permanent(416, 'The byte range asked for is not within the content.'),
  CONFLICT: permanent(409, 'The request conflicts with the current state.'),
  RATE_LIMITED: permanent(429, 'Too many requests or uploads at once for this API key; retry after the time given.'),
  AUTH_CERTIFICATE_UNTRUSTED: permanent(401, 'The client certificate does not chain to the CA this server trusts for clients, or is not for client authentication.'),
  REQUEST_TOO_SLOW: permanent(408, 'The request did not arrive within its time limits (headers, the whole request, or its body below the least rate).'),
  TRANSPORT_UNTRUSTED: permanent(502, "The server's TLS certificate does not chain to the CA this client trusts, or does not name the host it was asked for."),

  // Start-up and everything unexpected
  CONFIG_INVALID: permanent(500, 'The settings are invalid.'),
  PREREQUISITE_MISSING: permanent(500, 'Something the exchange needs on this machine is missing or not running.'),
  EXCHANGE_INCONSISTENT: permanent(500, 'The local exchange state does not hang together.'),
  INTERNAL_ERROR: permanent(500, 'An unexpected error happened.'),
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
