import type { Cue } from "../../shared/schemas.ts";

/** What {@link cleanText} removes. Every option is on by default; set one to `false` to keep that. */
export interface CleanOptions {
  /** HTML-like tags (`<i>`, `<font color="#fff">`); `<br>` becomes a line break; `&amp;` etc. decoded. */
  htmlTags?: boolean;
  /** ASS override blocks (`{\an8}`) and `\N` left in SRT/VTT files converted from ASS. */
  assTags?: boolean;
  /** Sound descriptions for the deaf and hard of hearing: `[music]`, `(laughs)`, `（笑）`, `【…】`. */
  sdh?: boolean;
  /** Lines with music notes (`♪ … ♪`): sung lyrics and music cues. */
  music?: boolean;
  /** Upper-case speaker labels at the start of a line: `JOHN:`, `MAN #2:`, `- DR. WHO:`. */
  speakerLabels?: boolean;
  /** Zero-width characters: U+200B–U+200D, U+2060, U+FEFF. */
  zeroWidth?: boolean;
  /** Runs of spaces and tabs become one space; lines are trimmed; blank and dash-only lines go. */
  whitespace?: boolean;
}

/** {@link CleanOptions} with everything on. */
export const DEFAULT_CLEAN_OPTIONS: Readonly<Required<CleanOptions>> = Object.freeze({
  htmlTags: true,
  assTags: true,
  sdh: true,
  music: true,
  speakerLabels: true,
  zeroWidth: true,
  whitespace: true,
});

const HTML_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00A0",
};
// A tag name must follow "<" directly, so "<3" and "a < b > c" stay text.
const HTML_TAG = /<\/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?\/?>/g;
// Bracketed descriptions may span lines; nested or unbalanced brackets are left alone.
const SDH = /\[[^[\]]*\]|\([^()]*\)|（[^（）]*）|【[^【】]*】/g;
const MUSIC_LINE = /[♪♫♬♩]|^#.*#$/;
// Two or more upper-case characters (MAN #2, DR. SMITH), ending in a letter or digit, then ":".
const SPEAKER = /^(\s*(?:-\s*)?)\p{Lu}[\p{Lu}\p{Nd} .'’#&-]*[\p{Lu}\p{Nd}]:(?=\s|$)\s*/u;
const NO_WORDS = /^[\s\-–—:.,]*$/;

/** The text of one cue with the chosen kinds of noise removed; may return "". */
export function cleanText(text: string, options: CleanOptions = {}): string {
  const o = { ...DEFAULT_CLEAN_OPTIONS, ...options };
  let out = text;
  if (o.zeroWidth) out = out.replace(/[\u200B-\u200D\u2060\uFEFF]/g, "");
  if (o.assTags) out = out.replace(/\{\\[^{}]*\}/g, "").replace(/\\N/g, "\n");
  if (o.htmlTags) {
    out = out.replace(/<br\s*\/?>/gi, "\n").replace(HTML_TAG, "")
      .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => HTML_ENTITIES[name]);
  }
  if (o.sdh) out = out.replace(SDH, "");
  let lines = out.split("\n");
  if (o.music) lines = lines.filter((line) => !MUSIC_LINE.test(line.trim()));
  if (o.speakerLabels) lines = lines.map((line) => line.replace(SPEAKER, "$1"));
  if (o.whitespace) {
    lines = lines.map((line) => line.replace(/[ \t\f\v\u00A0]+/g, " ").trim()).filter((line) =>
      !NO_WORDS.test(line)
    );
  }
  return lines.join("\n");
}

/**
 * Cleans every cue; cues left without text are dropped and counted, and the rest renumbered
 * from 1 so indices stay contiguous.
 */
export function cleanCues(
  cues: readonly Cue[],
  options: CleanOptions = {},
): { cues: Cue[]; dropped: number } {
  const kept: Cue[] = [];
  for (const cue of cues) {
    const text = cleanText(cue.text, options);
    if (text.trim() !== "") kept.push({ ...cue, index: kept.length + 1, text });
  }
  return { cues: kept, dropped: cues.length - kept.length };
}
