import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { AuditActor, appendAudit } from '@edx/storage';
import { AgencyContacts, ContactField } from './agency-contacts';

const COLUMN: Record<ContactField, string> = { contactPerson: 'contact_person', mail: 'mail', phone: 'phone', address: 'address' };

/** Sets an agency's contact details; each change is audited with the fields before and after. */
export class AgencyContactsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Sets the given fields (null clears one; fields not given are kept). Throws NOT_FOUND for a code not
   * registered and DIRECTORY_CODE_RETIRED for a retired one (its successor holds the contacts now).
   */
  async set(code: string, changes: Partial<Record<ContactField, string | null>>, by: AuditActor): Promise<AgencyContacts> {
    const fields = Object.keys(changes) as ContactField[];
    return this.dataSource.transaction(async (em) => {
      const [row]: Array<Record<string, string | null> & { retired: boolean }> = await em.query(
        'SELECT contact_person, mail, phone, address, retired_at IS NOT NULL AS retired FROM agencies WHERE code = $1 FOR UPDATE', [code],
      );
      if (!row) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
      if (row.retired) throw new EdxError('DIRECTORY_CODE_RETIRED', `${code} is retired; set the contacts of its successor.`, { code });
      const before = Object.fromEntries(fields.map((f) => [f, row[COLUMN[f]]]));
      if (fields.length > 0) {
        await em.query(
          `UPDATE agencies SET ${fields.map((f, i) => `${COLUMN[f]} = $${i + 2}`).join(', ')}, updated_at = now() WHERE code = $1`,
          [code, ...fields.map((f) => changes[f])],
        );
      }
      await appendAudit(em, { actor: by, action: 'agency.contacts', target: code, before, after: { ...changes } });
      const now = (f: ContactField) => (f in changes ? changes[f] ?? null : row[COLUMN[f]] ?? null);
      return { contactPerson: now('contactPerson'), mail: now('mail'), phone: now('phone'), address: now('address') };
    });
  }
}
