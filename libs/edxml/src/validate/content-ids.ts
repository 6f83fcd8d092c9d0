/**
 * How ContentIds compare (docs/edxml.md, "Attachments"). A manifest Reference finds its Attachment by
 * the ContentId with one leading "cid:" (the URL scheme, in any case) removed, so "cid:1" finds "1";
 * nothing else is stripped and nothing is case-folded.
 */
export const contentIdKey = (id: string): string => (/^cid:/i.test(id) ? id.slice(4) : id);

/**
 * The ContentId with every leading "cid:" removed. Two different ContentIds with one root ("cid:1",
 * "1", "CID:1", "cid:cid:1") are ambiguous: which attachment a reader, a signature or another system
 * resolves would depend on how many prefixes it strips, so such a package is refused.
 */
export const contentIdRoot = (id: string): string => id.replace(/^(?:cid:)+/i, '');
