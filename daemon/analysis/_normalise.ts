/** Lower case, no punctuation, single spaces, typographic quotes folded: for comparing text. */
export function normaliseText(text: string): string {
  return text.normalize("NFKC").toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, " ")
    .replace(/'(?=\s|$)|(?<=\s|^)'/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
