/**
 * Language codes as they appear in subtitle file names and stream tags: ISO 639-1 (`en`),
 * ISO 639-2/B and /T (`eng`, `ger`/`deu`), English names (`English`), a few native names and
 * common regional forms (`pt-BR`, `zh-Hans`). Everything is reduced to ISO 639-1.
 */

// [639-1, 639-2/B, 639-2/T or "", English name, other names...]
const LANGUAGES: readonly (readonly string[])[] = [
  ["ar", "ara", "", "arabic"],
  ["bg", "bul", "", "bulgarian"],
  ["bn", "ben", "", "bengali"],
  ["ca", "cat", "", "catalan"],
  ["cs", "cze", "ces", "czech"],
  ["da", "dan", "", "danish", "dansk"],
  ["de", "ger", "deu", "german", "deutsch"],
  ["el", "gre", "ell", "greek"],
  ["en", "eng", "", "english"],
  ["es", "spa", "", "spanish", "espanol", "español", "castellano", "latino"],
  ["et", "est", "", "estonian"],
  ["eu", "baq", "eus", "basque"],
  ["fa", "per", "fas", "persian", "farsi"],
  ["fi", "fin", "", "finnish", "suomi"],
  ["fil", "fil", "", "filipino", "tagalog"],
  ["fr", "fre", "fra", "french", "francais", "français"],
  ["ga", "gle", "", "irish"],
  ["gl", "glg", "", "galician"],
  ["he", "heb", "", "hebrew"],
  ["hi", "hin", "", "hindi"],
  ["hr", "hrv", "", "croatian"],
  ["hu", "hun", "", "hungarian", "magyar"],
  ["id", "ind", "", "indonesian"],
  ["is", "ice", "isl", "icelandic"],
  ["it", "ita", "", "italian", "italiano"],
  ["ja", "jpn", "", "japanese", "日本語"],
  ["ko", "kor", "", "korean", "한국어"],
  ["lt", "lit", "", "lithuanian"],
  ["lv", "lav", "", "latvian"],
  ["ms", "may", "msa", "malay"],
  ["nb", "nob", "", "norwegian bokmal", "bokmal"],
  ["nl", "dut", "nld", "dutch", "nederlands", "flemish"],
  ["no", "nor", "", "norwegian", "norsk"],
  ["pl", "pol", "", "polish", "polski"],
  ["pt", "por", "", "portuguese", "portugues", "português", "brazilian"],
  ["ro", "rum", "ron", "romanian"],
  ["ru", "rus", "", "russian", "русский"],
  ["sk", "slo", "slk", "slovak"],
  ["sl", "slv", "", "slovenian", "slovene"],
  ["sr", "srp", "", "serbian"],
  ["sv", "swe", "", "swedish", "svenska"],
  ["ta", "tam", "", "tamil"],
  ["th", "tha", "", "thai"],
  ["tr", "tur", "", "turkish", "türkçe"],
  ["uk", "ukr", "", "ukrainian"],
  ["ur", "urd", "", "urdu"],
  ["vi", "vie", "", "vietnamese"],
  ["zh", "chi", "zho", "chinese", "mandarin", "cantonese", "中文", "chs", "cht"],
];

const BY_NAME = new Map<string, string>();
for (const [iso1, ...names] of LANGUAGES) {
  BY_NAME.set(iso1, iso1);
  for (const name of names) if (name) BY_NAME.set(name.toLowerCase(), iso1);
}
const ENGLISH_NAME = new Map(LANGUAGES.map(([iso1, , , english]) => [iso1, english]));

/**
 * The ISO 639-1 code of a language token (`en`, `eng`, `English`, `pt-BR`, `zh_Hans`), or
 * undefined when the token is not a language. `und` (undetermined) is not a language.
 */
export function normaliseLanguage(token: string | null | undefined): string | undefined {
  if (!token) return undefined;
  const lower = token.trim().toLowerCase();
  const direct = BY_NAME.get(lower);
  if (direct) return direct;
  // Regional forms: pt-BR, en_US, zh-Hans, "English (US)", "Spanish (Latin America)"
  const base = lower.split(/[-_ (]/)[0];
  return base && base !== lower ? BY_NAME.get(base) : undefined;
}

/** The English name of an ISO 639-1 code, capitalised (`en` → `English`); the code if unknown. */
export function languageName(code: string): string {
  const name = ENGLISH_NAME.get(code);
  return name ? name.replace(/\b\w/g, (c) => c.toUpperCase()) : code;
}
