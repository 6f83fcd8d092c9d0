import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDevPki } from '@edx/trust';
import { Command, parseOptions } from './command';
import { runCli } from './cli';
import { COMMANDS } from './commands';

const ROOT = path.resolve(__dirname, '../../..');
const AGENCY = '000.00.00.G22';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI from sources, as a child process (what `edx` does before a build). */
function edx(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', path.join(ROOT, 'bin/register-ts.js'), path.join(ROOT, 'apps/cli/src/main.ts'), ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The CLI run in this process (runCli), its output captured. */
async function inProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { status, stdout, stderr };
}

/** Many CLI runs, two at a time (the machine has two cores). */
async function edxAll(cwd: string, runs: string[][]): Promise<Run[]> {
  const results: Run[] = [];
  let next = 0;
  await Promise.all([0, 1].map(async () => {
    while (next < runs.length) {
      const index = next++;
      results[index] = await edx(cwd, ...runs[index]);
    }
  }));
  return results;
}

/** A command line as a shell splits it (double quotes only: what the examples use), without leading VAR=value settings. */
function shellWords(line: string): string[] {
  const all = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  return all.slice(all.findIndex((word) => !/^[A-Z_][A-Z0-9_]*=/.test(word)));
}

const words = (command: Command) => command.name.split(' ');
const names = COMMANDS.map((c) => c.name);

describe('edx help', () => {
  let dir: string;
  const byVerb = new Map<string, { text: Run; json: Run; unknownFlag: Run }>();

  const runs = COMMANDS.flatMap((c) => [[...words(c), '--help'], [...words(c), '-h', '--json'], [...words(c), '--no-such-flag']]);
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'edx-help-'));
    // In this process, through the CLI's own dispatcher: three runs per verb as separate processes
    // cost minutes; the tests below that spawn `edx` show the entry point answers the same way.
    const results: Run[] = [];
    for (const args of runs) results.push(await inProcess(args));
    COMMANDS.forEach((c, i) => byVerb.set(c.name, { text: results[3 * i], json: results[3 * i + 1], unknownFlag: results[3 * i + 2] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(names)('edx %s', (name) => {
    const command = COMMANDS.find((c) => c.name === name)!;

    it('answers --help with its usage, what it does, its options and an example (exit 0)', () => {
      const { status, stdout } = byVerb.get(name)!.text;
      expect(status).toBe(0);
      expect(stdout).toContain(`usage: edx ${command.usage}\n`);
      expect(stdout.replace(/\s+/g, ' ')).toContain(command.description.slice(0, 60).replace(/\s+/g, ' '));
      for (const option of [...Object.keys(command.options), 'json']) expect(stdout).toMatch(new RegExp(`^  --${option}\\b`, 'm'));
      expect(command.examples.length).toBeGreaterThan(0);
      expect(stdout).toContain(`examples:\n  ${command.examples[0]}`);
    });

    it('answers -h --json with one JSON object', () => {
      const { status, stdout } = byVerb.get(name)!.json;
      expect(status).toBe(0);
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(stdout)).toEqual({
        ok: true,
        command: name,
        usage: `edx ${command.usage}`,
        description: command.description,
        options: expect.arrayContaining([expect.objectContaining({ name: '--json', help: expect.any(String) })]),
        examples: command.examples,
      });
    });

    it('answers an unknown flag with its usage and where to read more (exit 2, USAGE)', () => {
      const { status, stderr } = byVerb.get(name)!.unknownFlag;
      expect(status).toBe(2);
      expect(stderr).toContain('USAGE: unknown option --no-such-flag');
      expect(stderr).toContain(`usage: edx ${command.usage}\nedx ${name} --help for details`);
    });

    it('names in its usage line the options of its table, and no others (--json aside: every verb has it)', () => {
      const inUsage = new Set([...command.usage.matchAll(/--([a-z0-9-]+)/g)].map((m) => m[1]).filter((name) => name !== 'json'));
      expect([...inUsage].sort()).toEqual(Object.keys(command.options).filter((name) => name !== 'json').sort());
    });

    it('has examples that are this verb with options it takes', () => {
      for (const example of command.examples) {
        const args = shellWords(example);
        expect(args.slice(0, 1 + words(command).length)).toEqual(['edx', ...words(command)]);
        expect(() => parseOptions(args.slice(1 + words(command).length), command.options)).not.toThrow();
      }
    });
  });

  it('answers from the `edx` entry point as it does in this process (help, JSON help, an unknown flag)', async () => {
    const cases = [['database', 'tls', '--help'], ['gateway', 'enrol', '-h', '--json'], ['bench', '--no-such-flag']];
    const spawned = await edxAll(dir, cases);
    for (const [i, args] of cases.entries()) expect(spawned[i]).toEqual(await inProcess(args));
  });

  it('lists every verb with its summary under headings, and ends with how to read more', async () => {
    const [help, dashed] = await edxAll(dir, [['help'], ['--help']]);
    expect([help.status, dashed.stdout]).toEqual([0, help.stdout]);
    for (const c of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${c.name} +${c.summary.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(help.stdout).toMatch(/^Documents: check, sign and send:$/m);
    expect(help.stdout.trim().split('\n').pop()).toMatch(/^edx help VERB for details/);
  });

  it('gives one verb\'s help for `edx help VERB`, and one JSON object with --json', async () => {
    const [text, json] = await edxAll(dir, [['help', 'pki', 'issue'], ['help', 'pki', 'issue', '--json']]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^usage: edx pki issue --code CODE/);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, command: 'pki issue' });
  });

  it('suggests the near verb for a typo, and lists the verbs', async () => {
    const [typo, nounTypo, nonsense] = await edxAll(dir, [['verfy', 'x.edxml', '--json'], ['pki', 'isue'], ['zzzz']]);
    expect(typo.status).toBe(2);
    expect(JSON.parse(typo.stdout)).toMatchObject({ ok: false, code: 'USAGE', message: expect.stringContaining('did you mean `edx verify`?'), suggestion: 'verify', commands: names });
    expect(nounTypo.status).toBe(2);
    expect(nounTypo.stderr).toContain('did you mean `edx pki issue`?');
    expect(nounTypo.stderr).toContain('  pki revoke ');
    expect(nonsense.stderr).not.toContain('did you mean');
    expect(nonsense.stderr).toContain('  validate ');
  });

  it('answers an unknown flag under --json with one JSON object: USAGE and the usage line', async () => {
    const result = await edx(dir, 'verify', '--polcy', 'every', '--json');
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, code: 'USAGE', message: 'unknown option --polcy (did you mean --policy?)', usage: `edx ${COMMANDS.find((c) => c.name === 'verify')!.usage}` });
  });

  describe('pdf sign for a newcomer: --text and a demo --agency', () => {
    let demo: string;

    beforeAll(() => {
      // As `npm start` lays it out: the dev PKI in DIR/pki, each agency's key and certificate in its gateway's folder, DIR/gateways/SYSTEM/agencies/CODE.
      demo = path.join(dir, 'demo');
      const pki = createDevPki();
      pki.save(path.join(demo, 'pki'));
      const issued = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ', kind: 'organisation' });
      const folder = path.join(demo, 'gateways', 'sys-a', 'agencies', AGENCY);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'key.pem'), issued.keyPem);
      writeFileSync(path.join(folder, 'cert.pem'), issued.certificatePem);
    });

    it('makes and signs a fresh PDF that `edx verify --trust` accepts', async () => {
      const out = path.join(dir, 'cong-van.pdf');
      const signed = await edx(dir, 'pdf', 'sign', '--text', 'Công văn 7816/VPCP-TTĐT', '--agency', AGENCY, '--dir', demo, '--out', out, '--json');
      expect([signed.status, JSON.parse(signed.stdout)]).toEqual([0, expect.objectContaining({ ok: true, out })]);
      const verified = await edx(dir, 'verify', out, '--trust', path.join(demo, 'pki'), '--json');
      expect(verified.status).toBe(0);
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, signatures: [expect.objectContaining({ ok: true, signer: expect.objectContaining({ agencyCode: AGENCY, kind: 'organisation' }) })] });
    });

    it('says what to do when the agency has no key there, and wants --out with --text', async () => {
      const [missing, noOut] = await edxAll(dir, [
        ['pdf', 'sign', '--text', 'x', '--agency', '000.00.00.H41', '--dir', demo, '--out', path.join(dir, 'x.pdf'), '--json'],
        ['pdf', 'sign', '--text', 'x', '--agency', AGENCY, '--dir', demo, '--json'],
      ]);
      expect([missing.status, JSON.parse(missing.stdout)]).toEqual([2, expect.objectContaining({ code: 'USAGE', message: expect.stringContaining(`no key for agency 000.00.00.H41 in ${path.join(demo, 'gateways')}/*/agencies/: run \`npm start\` first, or give --key and --cert (the demo's agencies: ${AGENCY})`) })]);
      expect([noOut.status, JSON.parse(noOut.stdout).code]).toEqual([2, 'USAGE']);
    });
  });
});
