import { Scenario } from './scenario';

const lol = ['<!ENTITY a0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');

export const entityBomb: Scenario = {
  name: 'entity expansion bomb (billion laughs)',
  proves: 'nested entity definitions are refused outright, not expanded',
  publish: () => [{ as: 'sys-a', body: Buffer.from(`<?xml version="1.0"?><!DOCTYPE edXML [${lol}]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&a9;</edXML>`) }],
  expect: { deadLetter: 'EDXML_DTD_FORBIDDEN', senderTold: false },
};
