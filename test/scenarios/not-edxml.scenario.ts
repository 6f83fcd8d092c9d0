import { Scenario } from './scenario';

export const notEdxml: Scenario = {
  name: 'well-formed XML that is not edXML',
  proves: 'a root outside the QCVN 102 namespace is refused as not a package',
  publish: () => [{ as: 'sys-a', body: Buffer.from('<?xml version="1.0"?><invoice><total>1</total></invoice>') }],
  expect: { deadLetter: 'EDXML_NOT_EDXML', senderTold: false },
};
