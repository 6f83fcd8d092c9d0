/**
 * Optional conformance check against packets this project did not write (another producer's
 * examples, packets captured on the axis). They are never kept in the repository: name their folder
 * in EDX_SAMPLES_DIR to run it. Every *.edxml there must parse as a package or a status with its
 * header read; each attachment is decoded or reported with the parser's code for it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isAgencyCode, parseEdxml, validatePackage, validateStatus } from '@edx/edxml';

const dir = process.env.EDX_SAMPLES_DIR;

if (!dir) {
  describe.skip('third-party sample packets', () => {
    it('set EDX_SAMPLES_DIR to a folder of *.edxml files to run', () => undefined);
  });
} else {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.edxml'))
    .sort();

  describe(`third-party sample packets in EDX_SAMPLES_DIR (${files.length} files)`, () => {
    it('the folder holds .edxml files', () => {
      expect(files.length).toBeGreaterThan(0);
    });

    it.each(files.length > 0 ? files : ['(none)'])(
      '%s parses, its header read, every attachment decoded or reported',
      (file) => {
        const parsed = parseEdxml(readFileSync(path.join(dir, file)));
        if (parsed.kind === 'status') {
          const s = parsed.status;
          expect(isAgencyCode(s.from.organId ?? '')).toBe(true);
          expect(s.statusCode).toMatch(/^\d\d$/);
          expect(s.responseFor?.documentId).toMatch(/\S/);
          expect(validateStatus(parsed).filter((i) => i.severity === 'error')).toEqual([]);
          return;
        }
        const p = parsed.package;
        expect(isAgencyCode(p.from.organId ?? '')).toBe(true);
        expect(p.to.length).toBeGreaterThan(0);
        expect(p.documentId).toMatch(/\S/);
        expect(p.subject).toMatch(/\S/);
        const issues = validatePackage(parsed);
        parsed.attachments.forEach((a, i) => {
          if (a.encodingError === undefined) {
            expect(a.bytes.length).toBeGreaterThan(0);
            expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
            return;
          }
          // Undecodable payloads (such as a stripped placeholder) are reported under this code, at this path.
          const at = `/edXML/AttachmentEncoded/Attachment[${i + 1}]/ContentTransferEncoded`;
          expect(issues.filter((x) => x.path === at).map((x) => x.code)).toEqual([
            'EDXML_ATTACHMENT_ENCODING',
          ]);
          expect(a.bytes).toHaveLength(0);
        });
        // Apart from undecodable payloads, the header must read without error.
        expect(
          issues.filter((i) => i.severity === 'error' && i.code !== 'EDXML_ATTACHMENT_ENCODING'),
        ).toEqual([]);
      },
    );
  });
}
