import { writeFileSync } from 'node:fs';
import { EdxError } from '@edx/common';
import { verifyDeliveryProof } from '@edx/trust';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { readInput } from '../output/files';
import { consoleFrom, consoleOptions } from './console-options';
import { trustStore } from './verify.command';

const exportOptions = {
  ...consoleOptions,
  out: { type: 'string', value: 'FILE', help: 'where to write the proof (default: proof-DOC_ID.json in the current folder)' },
} as const satisfies OptionTable;

export const proofExportCommand: Command = {
  name: 'proof export',
  summary: 'write the proof of delivery of a document to one file a recipient can be handed',
  usage: 'proof export DOC_ID [--out FILE] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Fetches from the console the proof of delivery of the document DOC_ID (a package id) and writes it as one JSON file (edx-delivery-proof/1): the package bytes exactly as the hub delivered them (base64), ' +
    "each signature's verdict as the hub judged it, the hub's signed receipt attestation (a JWS), every signed receipt (status) the hub accepted, and the document's event-chain entries with their head. " +
    '`edx proof verify FILE --trust DIR` checks it offline. Exits 1 with NOT_FOUND when the hub has no proof of that document.',
  options: exportOptions,
  examples: ['edx proof export 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10', 'edx proof export 3f2b6c1e-8d4a-4f7e-9a51-0c2d9e7b6a10 --out proof.json --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, exportOptions);
    if (positionals.length !== 1) throw new UsageError('DOC_ID is required (one package id)');
    const proof = await consoleFrom(values).proof(positionals[0]);
    const file = values.out ?? `proof-${positionals[0]}.json`;
    try {
      writeFileSync(file, `${JSON.stringify(proof, null, 2)}\n`);
    } catch (error) {
      throw new EdxError('REQUEST_INVALID', `Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    print(`${file}: package ${proof.packageId}, ${proof.receipts.length} signed receipt(s), ${proof.chain.entries.length} chain event(s)`);
    return { ok: true, message: `Wrote the proof of ${proof.packageId} to ${file}.`, file, packageId: proof.packageId, receipts: proof.receipts.length, events: proof.chain.entries.length };
  },
};

const verifyOptions = {
  trust: { type: 'string', value: 'DIR', help: 'a folder of trust anchor, intermediate and CRL PEM files: the hub and the agencies must chain to them (default: .edx/pki when it exists)' },
} as const satisfies OptionTable;

export const proofVerifyCommand: Command = {
  name: 'proof verify',
  summary: 'check a proof of delivery offline, against trust anchors (no database, no network)',
  usage: 'proof verify FILE [--trust DIR] [--json]',
  description:
    'Checks a proof written by `edx proof export`, with no database and no network: the package bytes hash to what the proof says; the receipt attestation is signed by a hub certificate that chains to the anchors at the attested time and names exactly these bytes and this package id; ' +
    'the envelope signature (the sending agency\'s) and every PDF signature hold at the attested receipt time; every signed receipt verifies, answers this package and is the status the chain recorded (by its hash); and the chain entries link to the head. ' +
    'Prints one line per check. Exits 0 when every check holds; 1 with PROOF_INVALID naming each check that failed.',
  options: verifyOptions,
  examples: ['edx proof verify proof.json --trust .edx/pki', 'edx proof verify proof.json --trust anchors/ --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, verifyOptions);
    if (positionals.length !== 1) throw new UsageError('FILE is required (one proof file)');
    const text = readInput(positionals[0]).toString('utf8');
    let proof: unknown;
    try {
      proof = JSON.parse(text);
    } catch {
      throw new EdxError('PROOF_INVALID', `${positionals[0]} is not JSON: not a proof file.`);
    }
    const verdict = verifyDeliveryProof(proof, trustStore(values.trust));
    for (const c of verdict.checks) print(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.item}: ${c.ok ? '' : `${c.code}: `}${c.message}`);
    if (verdict.ok) return { ...verdict, ok: true, message: `The proof of ${verdict.packageId} holds: ${verdict.checks.length} check(s) passed.` };
    const failed = verdict.checks.filter((c) => !c.ok);
    return { ...verdict, ok: false, code: 'PROOF_INVALID', message: `The proof of ${verdict.packageId || '(unknown package)'} does not hold: ${failed.map((c) => `${c.item} (${c.code}: ${c.message})`).join('; ')}.` };
  },
};
