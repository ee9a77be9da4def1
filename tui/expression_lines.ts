/**
 * The details of an expression as lines of text, for the Review screen. Pure, like
 * `library_rows.ts`: built once per expression and width, not per key.
 * @module
 */
import type { Expression } from "../shared/analysis.ts";
import { formatCueTime, wrapText } from "./format.ts";
import { expressionLook } from "./theme.ts";
import { type DetailLine, wrappedLines } from "./components/DetailLines.tsx";

/** What the details of a sample expression say about where it comes from. */
export const SAMPLE_NOTE = "[sample] hand-written sample analysis, no LLM call";

/**
 * What the details of an expression say, line by line at `width` columns, most telling first:
 * status, difficulty and usefulness; where it comes from when it is sample data; why it was
 * dropped; the scene's lines with the expression's own line marked; each language's
 * translation, translated line and title; meaning, similar expressions and an example.
 */
export function expressionLines(expression: Expression, width: number): DetailLine[] {
  const lines: DetailLine[] = [];
  const add = (text: string, style: Omit<DetailLine, "text"> = {}, indent = "") =>
    lines.push(...wrappedLines(text, width, style, indent));
  const look = expressionLook(expression.status);
  add(
    [
      `${look.symbol} ${look.label}`,
      `difficulty ${expression.difficulty}/10`,
      `usefulness ${expression.usefulness}/10`,
      `at ${formatCueTime(expression.startMs)}`,
      expression.sceneType ? `scene: ${expression.sceneType}` : "",
    ].filter(Boolean).join(" · "),
    { role: look.role === "muted" ? undefined : look.role },
  );
  if (expression.sample) add(SAMPLE_NOTE, { role: "accent" });
  if (expression.status === "dropped") {
    add(expression.dropReason ?? "no reason recorded", { role: "warn", label: "Dropped: " });
  }

  for (const line of expression.contextLines) {
    const own = line.startMs === expression.startMs;
    const time = formatCueTime(line.startMs).padStart(7);
    // Continuation lines line up under the text, after the mark and the time.
    wrapText(line.text.replaceAll("\n", " / "), width - 11).forEach((text, i) =>
      lines.push({
        text: `${own && i === 0 ? "▸" : " "} ${i === 0 ? time : " ".repeat(7)}  ${text}`,
        bold: own,
        role: own ? "accent" : undefined,
      })
    );
  }
  if (expression.contextLines.length === 0) add(expression.line, { bold: true, role: "accent" }, "▸ ");

  for (const translation of expression.translations) {
    const lead = `${translation.language.padEnd(3)} `;
    add(translation.expression, { label: lead, bold: true });
    if (translation.line) add(translation.line, { label: "line: " }, " ".repeat(lead.length));
    add(translation.title, { label: "title: " }, " ".repeat(lead.length));
  }
  add(expression.meaning || "—", { label: "Meaning: " });
  add(expression.similar.length > 0 ? expression.similar.join(", ") : "—", { label: "Similar: " });
  add(expression.example || "—", { label: "Example: " });
  return lines;
}
