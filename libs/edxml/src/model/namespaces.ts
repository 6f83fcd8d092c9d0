/** Every edXML element lives in this namespace, prefixed or not. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** The W3C XML-DSig namespace; edx gateways put their envelope signature there. */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
/** edx's own namespace: the envelope signature's signed object, and the claim check of an attachment kept in the blob store. */
export const EDX_NS = 'urn:edx:package:1';
