import { COMMON_CYRILLIC, COMMON_HAN, COMMON_HANGUL } from "./_common_chars.ts";

/** How {@link decodeText} chose the encoding. */
export type EncodingMethod =
  /** The caller named it. */
  | "given"
  /** A byte order mark. */
  | "bom"
  /** No BOM, but NUL bytes at every other position: ASCII in UTF-16. */
  | "utf16-pattern"
  /** The bytes are valid UTF-8 (plain ASCII included), or nearly: a few stray bytes in `replaced`. */
  | "utf8"
  /** Valid 7-bit text with ISO-2022-JP escape sequences. */
  | "iso2022"
  /** Guessed among legacy encodings by how plausible each decoding reads. */
  | "scored";

/** The text of a file and the encoding it was read with. */
export interface DecodedText {
  text: string;
  /** A WHATWG encoding name, e.g. `utf-8`, `windows-1252`, `shift_jis`. */
  encoding: string;
  method: EncodingMethod;
  /** Characters that could not be decoded and became U+FFFD. */
  replaced: number;
}

/** The legacy encodings considered when the bytes are not UTF-8, in order of preference on a tie. */
export const LEGACY_ENCODINGS = [
  "windows-1252",
  "windows-1251",
  "shift_jis",
  "euc-jp",
  "euc-kr",
  "gb18030",
  "big5",
] as const;

type Candidate = (typeof LEGACY_ENCODINGS)[number];

const SAMPLE_BYTES = 65_536;

/** Encoding named by a byte order mark, if any. */
function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** UTF-16 without BOM: subtitle text is mostly ASCII (timings), so every other byte is NUL. */
function utf16Pattern(bytes: Uint8Array): string | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd / pairs >= 0.3 && even / pairs <= 0.05) return "utf-16le";
  if (even / pairs >= 0.3 && odd / pairs <= 0.05) return "utf-16be";
  return undefined;
}

/**
 * Counts well-formed UTF-8 multi-byte sequences and stray bytes >= 0x80. Legacy encodings rarely
 * form such sequences by chance, so many sequences and few strays means UTF-8 with a few bad
 * bytes (an edit in another editor), which reads better as UTF-8 than as mojibake ("Ã©").
 */
function utf8Sequences(bytes: Uint8Array): { valid: number; stray: number } {
  let valid = 0;
  let stray = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    let k = 1;
    while (k < length && i + k < bytes.length && (bytes[i + k] & 0xc0) === 0x80) k++;
    if (length > 0 && k === length) {
      valid++;
      i += length - 1;
    } else {
      stray++;
    }
  }
  return { valid, stray };
}

function isStrictUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** ESC $ B, ESC $ @ or ESC ( J: ISO-2022-JP switching JIS sets. UTF-8 subtitle text has no ESC. */
function hasIso2022Escape(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x1b); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0x1b, i + 1)) {
    const [a, b] = [bytes[i + 1], bytes[i + 2]];
    if ((a === 0x24 && (b === 0x40 || b === 0x42)) || (a === 0x28 && b === 0x4a)) return true;
  }
  return false;
}

const isAsciiLetter = (code: number) => (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
const isLatinLetter = (code: number) =>
  (code >= 0xc0 && code <= 0xff && code !== 0xd7 && code !== 0xf7) ||
  [0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192].includes(code);
// Typographic punctuation that Western and Cyrillic code pages share: quotes, dashes, ellipsis, € …
const TYPOGRAPHIC = new Set([
  0x201c,
  0x201d,
  0x2018,
  0x2019,
  0x201e,
  0x2013,
  0x2014,
  0x2026,
  0x2022,
  0x20ac,
  0x2122,
  0xab,
  0xbb,
  0xa1,
  0xbf,
  0xb0,
  0xb7,
  0xba,
  0xaa,
  0xa7,
  0xa9,
  0xae,
  0xa0,
  0x2116,
]);
const isKana = (code: number) => (code >= 0x3041 && code <= 0x309e) || (code >= 0x30a1 && code <= 0x30fc);
const isHan = (code: number) =>
  (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) ||
  (code >= 0xf900 && code <= 0xfaff);
const isHangul = (code: number) => code >= 0xac00 && code <= 0xd7a3;
const isCjkPunct = (code: number) =>
  (code >= 0x3000 && code <= 0x303f) || (code >= 0xff01 && code <= 0xff60) ||
  (code >= 0xffe0 && code <= 0xffef) ||
  code === 0x30fb || TYPOGRAPHIC.has(code);
const isCyrillic = (code: number) => code >= 0x400 && code <= 0x4ff;

/**
 * How plausible one non-ASCII character is as text in `encoding`, from -3 (undecodable) to 1.
 * `run` is the length of the run of non-ASCII characters it belongs to, `nearAscii` whether that
 * run touches an ASCII letter: accents sit inside Latin words in short runs, while a CJK or
 * Cyrillic byte stream misread as windows-1252 gives long runs of accented letters.
 */
function weight(char: string, code: number, encoding: Candidate, run: number, nearAscii: boolean): number {
  if (code === 0xfffd) return -3;
  if ((code >= 0x80 && code <= 0x9f) || (code >= 0xe000 && code <= 0xf8ff)) return 0;
  switch (encoding) {
    case "windows-1252":
      if (isLatinLetter(code) || TYPOGRAPHIC.has(code)) return run <= 2 ? 1 : run === 3 ? 0.4 : 0.05;
      return run <= 2 ? 0.2 : 0.02;
    case "windows-1251":
      if (code >= 0x410 && code <= 0x451) {
        if (nearAscii) return 0.05;
        return COMMON_CYRILLIC.has(char) ? 1 : code >= 0x430 ? 0.6 : 0.3;
      }
      if (TYPOGRAPHIC.has(code)) return 1;
      return isCyrillic(code) ? 0.5 : 0.1;
    case "shift_jis":
    case "euc-jp":
      if (isKana(code) || COMMON_HAN.has(char)) return 1;
      if (isHan(code)) return 0.4;
      if (isCjkPunct(code)) return 0.9;
      return code >= 0xff61 && code <= 0xff9f ? 0.1 : 0.05; // half-width katakana: rare in subtitles
    case "euc-kr":
      if (isHangul(code)) return COMMON_HANGUL.has(char) ? 1 : 0.6;
      if (isCjkPunct(code)) return 0.9;
      return isHan(code) ? 0.2 : 0.05;
    case "gb18030":
    case "big5":
      if (COMMON_HAN.has(char)) return 1;
      if (isHan(code)) return 0.4;
      if (isCjkPunct(code)) return 0.9;
      return 0.05;
  }
}

/** Mean plausibility of the non-ASCII characters of `text` read as `encoding` (1 is best). */
function plausibility(text: string, encoding: Candidate): number {
  let sum = 0;
  let count = 0;
  let i = 0;
  while (i < text.length) {
    if (text.charCodeAt(i) < 0x80) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && text.charCodeAt(end) >= 0x80) end++;
    const nearAscii = isAsciiLetter(text.charCodeAt(i - 1)) || isAsciiLetter(text.charCodeAt(end));
    const run = end - i;
    for (let k = i; k < end; k++) sum += weight(text[k], text.charCodeAt(k), encoding, run, nearAscii);
    count += run;
    i = end;
  }
  return count === 0 ? 0 : sum / count;
}

function scoreLegacy(bytes: Uint8Array): Candidate {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let best: Candidate = "windows-1252";
  let bestScore = -Infinity;
  for (const encoding of LEGACY_ENCODINGS) {
    const score = plausibility(new TextDecoder(encoding).decode(sample), encoding);
    if (score > bestScore) {
      best = encoding;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Names the encoding of subtitle bytes: a BOM (UTF-8, UTF-16 LE/BE) wins; then BOM-less UTF-16
 * (NULs at every other byte); then UTF-8 (also with a few stray bytes among many well-formed
 * sequences); then the most plausible decoding among
 * {@link LEGACY_ENCODINGS}, judged by the share of characters in the scripts each encoding is used
 * for (frequent kana, Hangul, Chinese characters, Cyrillic letters, accented Latin letters in
 * short runs), penalising undecodable bytes and control characters.
 */
export function detectEncoding(bytes: Uint8Array): { encoding: string; method: EncodingMethod } {
  const bom = bomEncoding(bytes);
  if (bom) return { encoding: bom, method: "bom" };
  const utf16 = utf16Pattern(bytes);
  if (utf16) return { encoding: utf16, method: "utf16-pattern" };
  if (isStrictUtf8(bytes)) {
    if (hasIso2022Escape(bytes)) return { encoding: "iso-2022-jp", method: "iso2022" };
    return { encoding: "utf-8", method: "utf8" };
  }
  const { valid, stray } = utf8Sequences(bytes.subarray(0, SAMPLE_BYTES));
  if (valid >= 4 * stray) return { encoding: "utf-8", method: "utf8" };
  return { encoding: scoreLegacy(bytes), method: "scored" };
}

/**
 * Decodes subtitle bytes to text, detecting the encoding unless one is given (any WHATWG label:
 * `latin1`, `cp1251`, `sjis` …). A BOM is removed. Undecodable bytes become U+FFFD and are counted.
 * @throws RangeError when `encoding` is not a known label.
 */
export function decodeText(bytes: Uint8Array, encoding?: string): DecodedText {
  let decoder: TextDecoder;
  let method: EncodingMethod = "given";
  if (encoding !== undefined) {
    try {
      decoder = new TextDecoder(encoding);
    } catch (error) {
      throw new RangeError(
        `Unknown text encoding "${encoding}"; use a WHATWG label such as utf-8, windows-1252 or shift_jis`,
        { cause: error },
      );
    }
  } else {
    const detected = detectEncoding(bytes);
    method = detected.method;
    decoder = new TextDecoder(detected.encoding);
  }
  const text = decoder.decode(bytes);
  let replaced = 0;
  for (let i = text.indexOf("\uFFFD"); i >= 0; i = text.indexOf("\uFFFD", i + 1)) replaced++;
  return { text, encoding: decoder.encoding, method, replaced };
}
