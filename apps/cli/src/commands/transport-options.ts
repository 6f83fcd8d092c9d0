import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { EdxError, Fetch, tlsFetch } from '@edx/common';
import { OptionTable } from '../command';
import { readInput } from '../output/files';
import { transportCaFile } from '../up/transport-files';

/** The option of every verb that talks to an app over HTTPS. */
export const cacertOption = {
  cacert: { type: 'string', value: 'FILE', help: "the CA (PEM) the app's HTTPS certificate must chain to (default: the demo's transport CA .edx/pki/transport/ca.pem when it exists, else the system's roots)" },
} as const satisfies OptionTable;

/** The CA from --cacert FILE, else the demo's when `npm start` made one, else undefined (the system's roots). REQUEST_INVALID for a file that is not a PEM certificate. */
export function caFrom(values: { cacert?: string }): string | undefined {
  const file = values.cacert ?? (existsSync(transportCaFile('.edx')) ? transportCaFile('.edx') : undefined);
  if (!file) return undefined;
  const pem = readInput(file, '--cacert').toString('utf8');
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new EdxError('REQUEST_INVALID', `${file} (--cacert) is not a PEM certificate: ${(error as Error).message}.`);
  }
  return pem;
}

/** An HTTPS client trusting the CA of --cacert (or its default). */
export function fetchFrom(values: { cacert?: string }): Fetch {
  return tlsFetch({ ca: caFrom(values) });
}
