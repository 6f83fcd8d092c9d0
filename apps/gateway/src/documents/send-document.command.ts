import { EdxError } from '@edx/common';
import type { AttachmentClaim } from '@edx/edxml';
import { HostedAgency } from '../config/hosted-agencies';

export interface DocumentFile {
  readonly name: string;
  readonly contentType: string;
  /** Empty when the file is already in the claim-check store (`claim`). */
  readonly bytes: Buffer;
  readonly description?: string;
  readonly claim?: AttachmentClaim;
}

/** The fields a DMS gives when it lets the gateway build the edXML package. */
export interface DocumentFields {
  readonly to: ReadonlyArray<{ organId: string; organName?: string }>;
  readonly subject: string;
  readonly codeNumber: string;
  readonly codeNotation: string;
  readonly typeName?: string;
  readonly content?: string;
  readonly place?: string;
  readonly promulgationDate?: Date;
  readonly signer?: { competence?: string; position?: string; fullName?: string };
  readonly priority?: number;
  readonly dueDate?: Date;
  readonly files: readonly DocumentFile[];
}

/**
 * "Send this document as this agency": either a complete edXML package or the fields to build one.
 * Made at the HTTP edge (and by the CLI), checked when made.
 */
export class SendDocumentCommand {
  private constructor(
    readonly agency: HostedAgency,
    readonly edxml?: Buffer,
    readonly fields?: DocumentFields,
  ) {}

  static fromEdxml(agency: HostedAgency, bytes: Buffer): SendDocumentCommand {
    if (bytes.length === 0) throw new EdxError('REQUEST_INVALID', 'The request body is empty; send an edXML package.');
    return new SendDocumentCommand(agency, bytes);
  }

  static fromFields(agency: HostedAgency, fields: DocumentFields): SendDocumentCommand {
    const problems: string[] = [];
    if (!Array.isArray(fields.to) || fields.to.length === 0) problems.push('to: at least one recipient agency is required');
    if (!fields.subject?.trim()) problems.push('subject: required');
    if (!fields.codeNumber?.trim()) problems.push('codeNumber: required');
    if (!fields.codeNotation?.trim()) problems.push('codeNotation: required');
    if (!Array.isArray(fields.files) || fields.files.length === 0) problems.push('files: at least one file (the signed PDF) is required');
    if (problems.length > 0) throw new EdxError('REQUEST_INVALID', `The document is incomplete: ${problems.join('; ')}.`, { problems });
    return new SendDocumentCommand(agency, undefined, fields);
  }
}
