/**
 * An agency name folded for search: lower case, without diacritics (Vietnamese tone and vowel marks;
 * đ and Đ become d, which Unicode does not decompose), spaces collapsed. "UBND tỉnh Nghệ An" and
 * "ubnd tinh nghe an" fold to the same text. Stored next to each name (`agencies.name_folded`) and
 * applied to the search text, so both sides are folded by this one function.
 */
export function foldAgencyName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
