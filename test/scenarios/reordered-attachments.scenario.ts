import { Scenario } from './scenario';

/** Swaps the first two matches of `pattern` in `text`. */
function swapFirstTwo(text: string, pattern: RegExp): string {
  const [first, second] = [...text.matchAll(pattern)].map((m) => m[0]);
  return text.replace(first + second, second + first);
}

export const reorderedAttachments: Scenario = {
  name: 'attachments reordered after signing',
  proves: 'the order is signed (under policy main the first PDF is the document): swapping manifest and attachments breaks the signature (DIGEST_MISMATCH)',
  publish: (ctx) => {
    const annex = ctx.signedPdf(ctx.identities.organisationOfA);
    const text = ctx.signedPackage({ files: [{ name: 'phu-luc.pdf', contentType: 'application/pdf', bytes: annex }] }).toString('utf8');
    const reordered = swapFirstTwo(swapFirstTwo(text, /<Reference>[\s\S]*?<\/Reference>/g), /<Attachment>[\s\S]*?<\/Attachment>/g);
    return [{ as: 'sys-a', body: Buffer.from(reordered, 'utf8') }];
  },
  expect: { deadLetter: 'DIGEST_MISMATCH', senderTold: true },
};
