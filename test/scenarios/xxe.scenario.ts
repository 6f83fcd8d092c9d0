import { Scenario } from './scenario';

export const xxe: Scenario = {
  name: 'external entity (XXE)',
  proves: 'a DOCTYPE declaring an external entity is refused before anything is resolved',
  publish: () => [
    {
      as: 'sys-a',
      body: Buffer.from('<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&x;</edXML>'),
    },
  ],
  expect: { deadLetter: 'EDXML_DTD_FORBIDDEN', senderTold: false },
};
