/**
 * The shapes of packets other producers put on the axis (the reference SDK, agencies' document
 * systems), written by this project with invented content, and a catalogue of them. Where the
 * builders can write a shape they do (built-shapes.fixtures.ts: unprefixed packages of every
 * BussinessDocType, statuses); where they never would (namespace prefixes, the SDK's placeholder
 * Signature, other producers' element orders) the text is written by hand (sdk-style.fixtures.ts).
 * docs/edxml.md describes the shapes.
 */
import type { KnownStatusCode } from '../model/status-codes';
import { BUSINESS_DOC_TYPE, BUSINESS_KINDS, KNOWN_STATUS_CODES } from './axis-content.fixtures';
import {
  BUSSINESS_PLACEMENTS,
  builtUnprefixedPackage,
  builtUnprefixedStatus,
  unprefixedPackageWithBussiness,
} from './built-shapes.fixtures';
import { sdkStylePrefixedPackage, sdkStylePrefixedStatus } from './sdk-style.fixtures';

export * from './axis-content.fixtures';
export * from './built-shapes.fixtures';
export * from './sdk-style.fixtures';

export type AxisShapeExpectation =
  | { kind: 'package'; businessDocType: string; placeholderSignature: boolean }
  | { kind: 'status'; statusCode: KnownStatusCode };

export interface AxisShape {
  /** What the shape is (a test title). */
  readonly name: string;
  readonly bytes: Buffer;
  readonly expect: AxisShapeExpectation;
}

/** Every shape, each with a valid payload: what a reader of the axis must take. */
export function axisShapes(): AxisShape[] {
  const pkg = (businessDocType: string, placeholderSignature: boolean): AxisShapeExpectation => ({
    kind: 'package',
    businessDocType,
    placeholderSignature,
  });
  return [
    ...BUSINESS_KINDS.map((kind) => ({
      name: `SDK-style edXML:-prefixed ${kind} package with the placeholder Signature`,
      bytes: sdkStylePrefixedPackage(kind),
      expect: pkg(BUSINESS_DOC_TYPE[kind], true),
    })),
    {
      name: 'SDK-style ns:-prefixed new package with the placeholder Signature',
      bytes: sdkStylePrefixedPackage('new', { prefix: 'ns' }),
      expect: pkg('0', true),
    },
    ...BUSINESS_KINDS.map((kind) => ({
      name: `built unprefixed ${kind} package`,
      bytes: builtUnprefixedPackage(kind).bytes,
      expect: pkg(BUSINESS_DOC_TYPE[kind], false),
    })),
    ...BUSSINESS_PLACEMENTS.map((placement) => ({
      name: `unprefixed package with Bussiness ${placement}`,
      bytes: unprefixedPackageWithBussiness(placement),
      expect: pkg('2', false),
    })),
    ...KNOWN_STATUS_CODES.flatMap((statusCode): AxisShape[] => [
      {
        name: `SDK-style edXML:-prefixed status ${statusCode}`,
        bytes: sdkStylePrefixedStatus(statusCode),
        expect: { kind: 'status', statusCode },
      },
      {
        name: `built unprefixed status ${statusCode}`,
        bytes: builtUnprefixedStatus(statusCode),
        expect: { kind: 'status', statusCode },
      },
    ]),
    {
      name: 'SDK-style ns:-prefixed status 01',
      bytes: sdkStylePrefixedStatus('01', { prefix: 'ns' }),
      expect: { kind: 'status', statusCode: '01' },
    },
  ];
}
