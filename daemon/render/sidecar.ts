/**
 * What publishing needs, written next to each video: titles per language (≤ 100 characters),
 * a description, tags (≤ 500 characters in total, as YouTube counts them), the spoken language,
 * made-for-kids, and where the clip comes from.
 */
import type { RenderKind, RenderSidecar } from "../../shared/render.ts";
import type { PlanExpression } from "./plan.ts";

/** Cuts text to `max` characters on a word boundary, with an ellipsis. */
export function fit(text: string, max: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** YouTube counts a tag with a space as its length plus two quotes, and a comma between tags. */
export function tagsLength(tags: string[]): number {
  return tags.reduce((n, t) => n + t.length + (t.includes(" ") ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

/** The tags that fit in 500 characters, in order of importance, without repeats. */
export function fitTags(candidates: string[], max = 500): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of candidates) {
    const tag = raw.replace(/[<>,"]/g, "").replace(/\s+/g, " ").trim().slice(0, 100);
    if (!tag || seen.has(tag.toLowerCase())) continue;
    if (tagsLength([...out, tag]) > max) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

/** Builds the sidecar of one video. */
export function buildSidecar(input: {
  kind: RenderKind;
  durationMs: number;
  expressions: PlanExpression[];
  episode: { show: string; code: string };
  sourceLanguage: string;
  scene: { startMs: number; endMs: number };
}): RenderSidecar {
  const { expressions, episode } = input;
  const languages = [...new Set(expressions.flatMap((e) => e.translations.map((t) => t.language)))];
  const titles: Record<string, string> = {};
  for (const language of languages) {
    const t = expressions[0].translations.find((x) => x.language === language);
    const more = expressions.length > 1 ? ` (+${expressions.length - 1})` : "";
    titles[language] = fit(`${t?.title ?? expressions[0].text}${more} | ${episode.show}`, 100);
  }
  titles[input.sourceLanguage] ??= fit(
    `"${expressions[0].text}"${
      expressions.length > 1 ? ` and ${expressions.length - 1} more` : ""
    } — learn it from ${episode.show}`,
    100,
  );
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const description = [
    ...expressions.map((e) => {
      const translations = e.translations.map((t) => `${t.language}: ${t.expression}`).join(" · ");
      return `“${e.text}” — ${e.meaning}${translations ? `\n${translations}` : ""}${
        e.example ? `\nExample: ${e.example}` : ""
      }`;
    }),
    "",
    `Clip from ${episode.show} ${episode.code} (${clock(input.scene.startMs)}–${
      clock(input.scene.endMs)
    }), used for language teaching.`,
    "Made with lingoreel.",
  ].join("\n");
  const tags = fitTags([
    ...expressions.map((e) => e.text),
    ...expressions.flatMap((e) => e.keywords),
    episode.show,
    "learn english",
    "english expressions",
    "idioms",
    ...languages.map((l) => `english for ${l} speakers`),
    ...(input.kind === "short" ? ["shorts"] : []),
  ]);
  return {
    titles,
    description,
    tags,
    language: input.sourceLanguage,
    madeForKids: false,
    source: {
      show: episode.show,
      episode: episode.code,
      startMs: input.scene.startMs,
      endMs: input.scene.endMs,
    },
    expressions: expressions.map((e) => ({ id: e.id, text: e.text })),
    kind: input.kind,
    durationMs: input.durationMs,
  };
}

/** A file-name-safe slug. */
export function slug(text: string, max = 48): string {
  const s = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (s.slice(0, max).replace(/-+$/, "") || "clip");
}
