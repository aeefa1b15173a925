/**
 * Trimming without regular expressions. `/[.\s]+$/` looks harmless but is tried at every start
 * position of a long run of dots or spaces, which makes it quadratic on names a client chooses;
 * these walk each end once.
 */

export type CharTest = (char: string) => boolean;

export function trimStartWhere(text: string, drop: CharTest): string {
  let start = 0;
  while (start < text.length && drop(text[start]!)) start++;
  return text.slice(start);
}

export function trimEndWhere(text: string, drop: CharTest): string {
  let end = text.length;
  while (end > 0 && drop(text[end - 1]!)) end--;
  return text.slice(0, end);
}

export const trimWhere = (text: string, drop: CharTest): string => trimEndWhere(trimStartWhere(text, drop), drop);

/** One UTF-16 unit that `\s` matches: tested alone, so the test is constant time. */
const WHITESPACE = /^\s$/;
export const isWhitespace: CharTest = (char) => WHITESPACE.test(char);
