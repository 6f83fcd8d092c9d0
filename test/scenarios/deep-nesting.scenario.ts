import { Scenario } from './scenario';

export const deepNesting: Scenario = {
  name: 'deep nesting',
  proves: 'a document nested 10,000 levels deep fails fast on the depth limit',
  publish: () => [
    { as: 'sys-a', body: Buffer.from(`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">${'<x>'.repeat(10_000)}${'</x>'.repeat(10_000)}</edXML>`) },
  ],
  expect: { deadLetter: 'EDXML_TOO_DEEP', senderTold: false },
};
