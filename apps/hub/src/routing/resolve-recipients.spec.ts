import { Directory, DirectoryAgency } from '../directory/directory';
import { resolveRecipients } from './resolve-recipients';

const agency = (code: string, more: Partial<DirectoryAgency> = {}): DirectoryAgency => ({
  code, name: code, status: 'active', systemId: 'sys', retired: false, successorCode: null, certificateFingerprints: new Set(), ...more,
});
const directory = new Directory(
  new Map(
    [
      agency('H41'),
      agency('H42', { retired: true, successorCode: 'H41' }), // merged into H41
      agency('H43', { retired: true, successorCode: 'H42' }), // into H42, which went on into H41
      agency('H50', { retired: true, successorCode: null }), // closed
      agency('H60', { retired: true, successorCode: 'H61' }),
      agency('H61', { status: 'suspended' }),
      agency('H70', { retired: true, successorCode: 'H71' }),
      agency('H71', { retired: true, successorCode: 'H70' }), // a loop the console refuses: it ends, never spins
    ].map((a) => [a.code, a]),
  ),
  [],
  { anchors: [], intermediates: [], crls: [] },
);

describe('resolving recipients through retired codes', () => {
  it('routes a retired code to the end of its chain of successors, keeping the code the sender wrote', () => {
    expect(resolveRecipients(['H43'], directory)).toEqual({ routed: ['H41'], held: [], rejected: [], addressedTo: { H41: 'H43' } });
  });

  it('sends one copy to a successor named directly and through retired codes, addressed directly', () => {
    expect(resolveRecipients(['H42', 'H41', 'H43'], directory)).toEqual({ routed: ['H41'], held: [], rejected: [], addressedTo: {} });
    expect(resolveRecipients(['H42', 'H43'], directory)).toEqual({ routed: ['H41'], held: [], rejected: [], addressedTo: { H41: 'H42' } });
  });

  it('refuses a code closed without a successor, and judges a successor as it is (suspended)', () => {
    const resolved = resolveRecipients(['H50', 'H60', 'Z99'], directory);
    expect(resolved.routed).toEqual([]);
    expect(resolved.rejected).toEqual([
      { recipientCode: 'H50', code: 'ROUTING_RECIPIENT_RETIRED', reason: expect.stringContaining('without a successor') },
      { recipientCode: 'H61', code: 'AGENCY_SUSPENDED', reason: 'The recipient agency H61 is suspended (H60 was retired into it): it receives nothing until an administrator resumes it; send again then.' },
      { recipientCode: 'Z99', code: 'ROUTING_RECIPIENT_UNKNOWN', reason: 'Agency Z99 is not registered.' },
    ]);
    expect(resolved.addressedTo).toEqual({ H61: 'H60' });
    // Held instead, when the hub keeps copies for suspended recipients.
    expect(resolveRecipients(['H60'], directory, 'hold')).toMatchObject({ routed: [], held: ['H61'], rejected: [] });
  });

  it('ends a chain that loops instead of spinning', () => {
    expect(resolveRecipients(['H70'], directory).rejected).toEqual([expect.objectContaining({ code: 'ROUTING_RECIPIENT_RETIRED' })]);
  });
});
