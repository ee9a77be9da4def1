/**
 * Notes as every format exports them: the fields (HTML, as Anki stores them), tags, a stable
 * GUID and stable media names. Pure except for hashing.
 *
 * The GUID is derived from what identifies an expression across analyses and exports — the
 * show, the episode code, the line's cue number and the normalised expression — never from
 * database ids, so re-analysing an episode and exporting again yields the same GUIDs and Anki
 * updates the notes it already has instead of adding duplicates.
 */
import { encodeHex } from "@std/encoding/hex";
import type { Cue } from "../../shared/schemas.ts";
import { slug } from "../render/mod.ts";
import { NOTE_FIELDS, type NoteField } from "./note_type.ts";

/** One exported note. */
export interface ExportNote {
  guid: string;
  expressionId: number;
  episodeId: number;
  /** Field values in HTML, by name (every name of {@link NOTE_FIELDS}). */
  fields: Record<NoteField, string>;
  tags: string[];
  /** Media file names (no folders) the fields refer to, when cut. */
  media: { audio: string | null; screenshot: string | null };
  /** Where the media were cut from, in the episode (ms). */
  timing: { audioStartMs: number | null; audioEndMs: number | null; screenshotMs: number | null };
}

/** What identifies an expression across analyses. */
export interface NoteIdentity {
  show: string;
  /** `S01E02`, or `film` (with the year when known) for films. */
  code: string;
  cueIndex: number;
  /** The normalised expression text (`expressions.normalized`). */
  normalized: string;
}

const BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function identityText(id: NoteIdentity): string {
  return ["lingoreel", id.show, id.code, String(id.cueIndex), id.normalized].join("__");
}

/**
 * The note's GUID: the first 8 bytes of the SHA-256 of its identity in Anki's base91 (the
 * alphabet and encoding Anki uses for the GUIDs it makes; genanki's `guid_for` does the same).
 */
export async function noteGuid(id: NoteIdentity): Promise<string> {
  const digest = await sha256(identityText(id));
  let n = 0n;
  for (const b of digest.subarray(0, 8)) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE91[Number(n % 91n)] + out;
    n /= 91n;
  }
  return out || "a";
}

/**
 * The base of the note's media file names (`.mp3`, `.jpg` added): readable and stable for the
 * same expression, and unique in a collection (Anki keeps all media in one folder).
 */
export async function mediaBaseName(id: NoteIdentity): Promise<string> {
  const hash = encodeHex((await sha256(identityText(id))).subarray(0, 4));
  return `lingoreel-${slug(id.show, 24)}-${slug(id.code, 12)}-c${
    String(id.cueIndex).padStart(4, "0")
  }-${hash}`;
}

/** Text as HTML: escaped, line breaks as `<br>` (quotes stay, as Anki's editor leaves them). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>");
}

/** A field's text without HTML (entities decoded), as Anki compares and sorts it. */
export function stripHtml(html: string): string {
  return html.replace(/<br\s*\/?>/gi, " ").replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").trim();
}

/** `text` as HTML with the first occurrence of `expression` (any case) in bold. */
export function highlight(text: string, expression: string): string {
  const lower = text.toLowerCase();
  const at = expression && lower.length === text.length ? lower.indexOf(expression.toLowerCase()) : -1;
  if (at < 0) return escapeHtml(text);
  const end = at + expression.length;
  return `${escapeHtml(text.slice(0, at))}<b>${escapeHtml(text.slice(at, end))}</b>${
    escapeHtml(text.slice(end))
  }`;
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** A tag as Anki allows it: no spaces (they separate tags) and no quotes. */
export function tagify(text: string): string {
  return text.trim().replace(/[\s"\u3000]+/g, "_") || "_";
}

/** Everything a note is made of. */
export interface NoteSource {
  identity: NoteIdentity;
  expression: {
    id: number;
    episodeId: number;
    text: string;
    line: string;
    startMs: number;
    translations: { language: string; expression: string; line: string }[];
    meaning: string;
    similar: string[];
    example: string;
    difficulty: number;
  };
  episode: { show: string; code: string | null; title: string | null; year: number | null };
  /** The analysis's learner level, when known. */
  level: string | null;
  /** Target languages to include, in order; undefined: all, as stored. */
  languages?: string[];
  context: { before: Cue[]; after: Cue[] };
  /** Subtitle shift (ms) applied to media, so that Source shows where the line is heard. */
  shiftMs: number;
  media: ExportNote["media"];
  timing: ExportNote["timing"];
}

function byLanguage(
  translations: NoteSource["expression"]["translations"],
  languages: string[] | undefined,
  pick: (t: NoteSource["expression"]["translations"][number]) => string,
): string {
  const chosen = languages
    ? languages.flatMap((l) => translations.filter((t) => t.language === l))
    : translations;
  if (chosen.length === 1) return escapeHtml(pick(chosen[0]));
  return chosen.map((t) => `<span class="lang">${escapeHtml(t.language)}</span> ${escapeHtml(pick(t))}`)
    .join("<br>");
}

/** Builds a note (its GUID computed from the identity). */
export async function buildNote(source: NoteSource): Promise<ExportNote> {
  const { expression: e, episode } = source;
  const sentence = [
    ...source.context.before.map((c) => `<span class="context">${escapeHtml(c.text)}</span>`),
    highlight(e.line, e.text),
    ...source.context.after.map((c) => `<span class="context">${escapeHtml(c.text)}</span>`),
  ].join("<br>");
  const where = [
    episode.show,
    episode.code ? `${episode.code}${episode.title ? ` “${episode.title}”` : ""}` : episode.year?.toString(),
    clock(e.startMs + source.shiftMs),
  ].filter(Boolean).join(" · ");
  const fields: Record<NoteField, string> = {
    Expression: escapeHtml(e.text),
    Translation: byLanguage(e.translations, source.languages, (t) => t.expression),
    Meaning: escapeHtml(e.meaning),
    Sentence: sentence,
    "Sentence translation": byLanguage(e.translations, source.languages, (t) => t.line),
    Audio: source.media.audio ? `[sound:${source.media.audio}]` : "",
    Screenshot: source.media.screenshot
      ? `<img src="${escapeHtml(source.media.screenshot).replace(/"/g, "&quot;")}">`
      : "",
    Similar: e.similar.map(escapeHtml).join(", "),
    Example: highlight(e.example, e.text),
    Source: escapeHtml(where),
  };
  const tags = [
    "lingoreel",
    `show::${tagify(episode.show)}`,
    ...(episode.code ? [`episode::${tagify(episode.code)}`] : []),
    ...(source.level ? [`level::${tagify(source.level)}`] : []),
    `difficulty::${e.difficulty}`,
  ];
  return {
    guid: await noteGuid(source.identity),
    expressionId: e.id,
    episodeId: e.episodeId,
    fields,
    tags,
    media: source.media,
    timing: source.timing,
  };
}

/** The fields of a note in {@link NOTE_FIELDS} order. */
export function fieldValues(note: ExportNote): string[] {
  return NOTE_FIELDS.map((name) => note.fields[name]);
}
