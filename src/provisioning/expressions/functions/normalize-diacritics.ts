/** Letters that Unicode does not decompose into a base letter and a mark, per Entra's table. */
const SPECIAL: Record<string, string> = {
  æ: 'ae', Æ: 'AE', ǣ: 'ae', Ǣ: 'AE',
  ø: 'oe', Ø: 'OE', œ: 'oe', Œ: 'OE',
  ß: 'ss',
  ł: 'l', Ł: 'L',
  ı: 'i',
  đ: 'd', Đ: 'D',
};

/**
 * Replaces letters with diacritics by their plain equivalents (Zoë → Zoe), as Entra's
 * NormalizeDiacritics does for building user names and email addresses.
 */
export function normalizeDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[æÆǣǢøØœŒßłŁıđĐ]/g, (c) => SPECIAL[c] ?? c)
    .normalize('NFC');
}
