/** What contact search compares: names folded so that a prefix typed without accents or capitals finds them. */
import { MAX_NAME_TEXT } from '../commons/text';

/**
 * A name as the name index sorts it: compatibility-decomposed (NFKD), combining marks (accents) removed,
 * lower case, runs of whitespace as one space. "Élodie  DURAND" and "elodie du" share a prefix.
 */
export function nameSearchKey(name: string): string {
  return name
    .slice(0, MAX_NAME_TEXT * 2)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim()
    .slice(0, MAX_NAME_TEXT);
}
