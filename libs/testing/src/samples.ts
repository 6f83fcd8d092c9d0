import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The reference SDK's example packets: shared/ beside the checkout (CI), or the workplace copy. */
const candidates = [path.resolve(__dirname, '../../../../shared/standards/samples'), '/work/shared/standards/samples'];
export const standardsSamplesDir = candidates.find((d) => existsSync(d)) ?? candidates[0];

export function readStandardsSample(name: string): Buffer {
  return readFileSync(path.join(standardsSamplesDir, name));
}
