import { Scenario } from './scenario';

export const tooManyElements: Scenario = {
  name: 'element flood',
  proves: 'a flat document with 100,000 elements fails on the element-count limit',
  publish: () => [{ as: 'sys-a', body: Buffer.from(`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">${'<x/>'.repeat(100_000)}</edXML>`) }],
  expect: { deadLetter: 'EDXML_TOO_MANY_ELEMENTS', senderTold: false },
};
