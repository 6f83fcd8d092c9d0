import { Scenario } from './scenario';

export const wrongEncoding: Scenario = {
  name: 'declared non-UTF-8 encoding',
  proves: 'edXML is UTF-8; a package declaring another encoding is refused, not misread',
  publish: (ctx) => [{ as: 'sys-a', body: Buffer.from(ctx.signedPackage().toString('utf8').replace(/^<\?xml[^>]*\?>/, '<?xml version="1.0" encoding="ISO-8859-1"?>')) }],
  expect: { deadLetter: 'EDXML_ENCODING', senderTold: false },
};
