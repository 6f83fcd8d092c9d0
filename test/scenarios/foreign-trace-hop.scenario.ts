import { Scenario } from './scenario';

/** A hop written by another system in its own numbering, after the sender's (hops are not signed). */
function withForeignHop(pkg: Buffer): Buffer {
  const text = pkg.toString('utf8');
  const end = text.indexOf('</TraceHeader>') + '</TraceHeader>'.length;
  return Buffer.from(`${text.slice(0, end)}<TraceHeader><OrganId>VPCP-TRUC</OrganId><Timestamp>2024/03/15 08:00:00</Timestamp></TraceHeader>${text.slice(end)}`, 'utf8');
}

export const foreignTraceHop: Scenario = {
  name: 'a package that travelled the national axis (a TraceHeader hop with OrganId VPCP-TRUC)',
  proves: 'a hop written by another system is never a reason to refuse: the package is delivered and receipted',
  publish: (ctx) => [{ as: 'sys-a', body: withForeignHop(ctx.signedPackage()) }],
  expect: { delivered: true },
};
