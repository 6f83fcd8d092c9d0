import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withVerifiedTls } from '@edx/storage';
import { TEST_PG_ROOT } from '@edx/testing';
import { TransportCa } from '@edx/trust';
import { Prerequisite, databaseTlsPrerequisite, ensurePrerequisites, isLocalHost, managementPrerequisite, postgresPrerequisite } from './prerequisites';

describe('edx up prerequisites', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-prereq-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A prerequisite that is met when its file exists; its local fix creates the file with `touch`. */
  function fileExists(name: string, fixable: boolean): Prerequisite {
    const file = path.join(dir, name);
    return {
      name: `the file ${name}`,
      check: async () => (existsSync(file) ? { met: true } : { met: false, problem: `${name} is missing`, fixable }),
      localFix: { says: 'creating it', commands: [['touch', file]] },
      manualFix: `Run \`touch ${file}\`.`,
    };
  }

  it('fixes what it can here, says what it ran, and checks again', async () => {
    const lines: string[] = [];
    await ensurePrerequisites([fileExists('a', true)], (l) => lines.push(l));
    expect(existsSync(path.join(dir, 'a'))).toBe(true);
    expect(lines.join('\n')).toMatch(/a is missing; creating it: `touch .*a`/);
  });

  it('stops with PREREQUISITE_MISSING and the exact fix when it cannot fix it here', async () => {
    await expect(ensurePrerequisites([fileExists('b', false)], () => undefined)).rejects.toMatchObject({
      code: 'PREREQUISITE_MISSING',
      message: expect.stringContaining('Run `touch'),
    });
    expect(existsSync(path.join(dir, 'b'))).toBe(false);
  });

  it('runs a fix made of code (the broker TLS set-up) and prints each change it made', async () => {
    const file = path.join(dir, 'by-code');
    const byCode: Prerequisite = {
      ...fileExists('by-code', true),
      localFix: { says: 'setting it up', commands: [], apply: async () => (writeFileSync(file, ''), [`wrote ${file}`]) },
    };
    const lines: string[] = [];
    await ensurePrerequisites([byCode], (l) => lines.push(l));
    expect(lines).toEqual(['edx up: by-code is missing; setting it up', `edx up: changed: wrote ${file}`, 'edx up: the file by-code: done']);
  });

  it('reports a fix that failed with its output', async () => {
    const broken: Prerequisite = { ...fileExists('c', true), localFix: { says: 'trying', commands: [['false']] } };
    await expect(ensurePrerequisites([broken], () => undefined)).rejects.toMatchObject({ code: 'PREREQUISITE_MISSING', message: expect.stringContaining('`false` failed') });
  });

  it('only notes an optional prerequisite that is not met', async () => {
    const lines: string[] = [];
    await ensurePrerequisites([{ ...fileExists('d', false), optional: true }], (l) => lines.push(l));
    expect(lines).toEqual([expect.stringContaining('note: d is missing')]);
  });

  it('offers no local fix for a broker or database on another host', () => {
    expect(isLocalHost('127.0.0.1')).toBe(true);
    expect(isLocalHost('broker.example.gov.vn')).toBe(false);
    expect(managementPrerequisite('http://guest:guest@mq.example.gov.vn:15672', 'amqp://mq.example.gov.vn').localFix).toBeUndefined();
    expect(postgresPrerequisite('postgres://edx@db.example.gov.vn:5432').localFix).toBeUndefined();
    expect(managementPrerequisite('http://guest:guest@mq.example.gov.vn:15672', 'amqp://mq.example.gov.vn').manualFix).toContain('rabbitmq-plugins enable rabbitmq_management');
  });

  it('sees a real PostgreSQL answer, and names the server that does not', async () => {
    expect(await postgresPrerequisite('postgres://postgres@127.0.0.1:5432').check()).toEqual({ met: true });
    expect(await postgresPrerequisite('postgres://postgres@127.0.0.1:1').check()).toMatchObject({ met: false, problem: expect.stringContaining('127.0.0.1:1') });
  });

  it('takes only a verified TLS connection to PostgreSQL: refuses a URL that would go in clear and a CA that does not vouch for the server', async () => {
    const never = async () => { throw new Error('check() must not apply the fix'); };
    expect(await databaseTlsPrerequisite(TEST_PG_ROOT, never).check()).toEqual({ met: true });
    expect(await databaseTlsPrerequisite('postgres://postgres@127.0.0.1:5432', never).check()).toMatchObject({ met: false, problem: expect.stringContaining('does not say how to protect the connection') });
    const otherCa = path.join(dir, 'other-ca.pem');
    writeFileSync(otherCa, TransportCa.create({ name: 'somebody else' }).certificatePem);
    expect(await databaseTlsPrerequisite(withVerifiedTls(TEST_PG_ROOT, otherCa), never).check()).toMatchObject({ met: false, problem: expect.stringContaining('does not vouch for') });
    expect(await databaseTlsPrerequisite(withVerifiedTls(TEST_PG_ROOT, path.join(dir, 'missing.pem')), never).check()).toMatchObject({ met: false, problem: expect.stringContaining('does not exist') });
  });
});
