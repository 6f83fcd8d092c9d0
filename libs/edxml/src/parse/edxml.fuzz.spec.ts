import fc from 'fast-check';
import { EdxError } from '@edx/common';
import { parseEdxml, validatePackage, validateStatus } from '@edx/edxml';
import { samplePackageBytes } from '../testing/edxml.fixtures';
import { builtUnprefixedStatus, sdkStylePrefixedPackage, sdkStylePrefixedStatus } from '../testing/axis-shapes.fixtures';

const RUNS = Number(process.env.EDX_FUZZ_RUNS ?? 300);
const seeds = [samplePackageBytes(), sdkStylePrefixedPackage('update'), sdkStylePrefixedStatus('01'), builtUnprefixedStatus('02')];
const TOKENS = ['<', '>', '&', '&amp;', '&#0;', '&#x110000;', '<!DOCTYPE x>', '<!ENTITY a "b">', '<![CDATA[', ']]>', '<!--', '-->', '"', "'", '</', '/>', 'xmlns=""', 'xmlns:edXML="urn:x"', '\u0000', '\uffff', '\ud800', 'ContentTransferEncoded', '<ContentTransferEncoded>', '=', '<?xml version="1.0" encoding="latin1"?>'];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = { kind: string; at: number; byte?: number; len?: number; text?: string };
function mutate(seed: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip') b[at] = m.byte ?? 0;
    else if (m.kind === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + (m.len ?? 1))]);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text ?? ''), b.subarray(at)]);
    else b = b.subarray(0, at);
  }
  return b;
}

describe('parseEdxml under random mutation', () => {
  it(`never throws anything but EdxError, and validation never throws (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (s, ms) => {
        const bytes = mutate(seeds[s], ms);
        try {
          const parsed = parseEdxml(bytes);
          if (parsed.kind === 'package') validatePackage(parsed);
          else validateStatus(parsed);
        } catch (e) {
          if (!(e instanceof EdxError)) throw e;
          expect(e.code).toMatch(/^EDXML_/);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
