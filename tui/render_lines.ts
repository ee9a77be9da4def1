/**
 * Rendered videos in words, for the Outputs screen: what a row says and what the details pane
 * says. Pure, like `expression_lines.ts`: built once per video and width, not per key.
 * @module
 */
import type { Render } from "../shared/render.ts";
import { type DetailLine, wrappedLines } from "./components/DetailLines.tsx";
import { formatBytes, formatCueTime, formatDateTime } from "./format.ts";
import { formatRuntime } from "./library_rows.ts";

/** Where a video comes from: `Sample Show S01E02`. */
export function renderSource(render: Render): string {
  const { show, episode } = render.sidecar.source;
  return [show, episode].filter(Boolean).join(" ");
}

/** The expressions a video teaches: `break the ice, call it a day`. */
export function renderExpressions(render: Render): string {
  return render.sidecar.expressions.map((expression) => expression.text).join(", ");
}

/** Lower-cased text a video is found by with the filter: its expressions, show, episode and path. */
export function renderHaystack(render: Render): string {
  return `${renderExpressions(render)} ${renderSource(render)} ${render.path}`.toLowerCase();
}

/** `4.2 s`: how long an encode took. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * What the details of a video say, line by line at `width` columns, what is read most first:
 * kind, length, resolution, size, render time and date; whether it is marked for the calendar;
 * where it comes from; its titles per language; its file and sidecar; then the description and
 * tags as they will be published.
 */
export function renderLines(render: Render, width: number): DetailLine[] {
  const lines: DetailLine[] = [];
  const add = (text: string, style: Omit<DetailLine, "text"> = {}, indent = "") =>
    lines.push(...wrappedLines(text, width, style, indent));
  const { sidecar } = render;

  add(
    [
      render.kind,
      formatRuntime(render.durationMs),
      `${render.width}x${render.height}`,
      formatBytes(render.sizeBytes),
      `rendered in ${seconds(render.renderMs)}`,
      formatDateTime(render.createdAt),
    ].join(" · "),
  );
  if (render.marked) add("★ marked for the publishing calendar", { role: "accent" });
  else add("not marked: m marks it for the publishing calendar", { role: "muted" });
  add(
    `${renderSource(render)} · scene ${formatCueTime(sidecar.source.startMs)}–${
      formatCueTime(sidecar.source.endMs)
    }`,
    { label: "From: " },
  );
  const titles = Object.entries(sidecar.titles);
  if (titles.length === 0) add("none", { label: "Titles: ", role: "muted" });
  for (const [language, title] of titles) add(title, { label: `Title ${language}: ` });
  add(render.path, { label: "Video: " });
  add(render.sidecarPath, { label: "Sidecar: " });
  add(sidecar.description || "—", { label: "Description: " });
  add(sidecar.tags.length > 0 ? sidecar.tags.join(", ") : "—", { label: "Tags: " });
  add(`${sidecar.language} · made for kids: ${sidecar.madeForKids ? "yes" : "no"}`, { label: "Audio: " });
  return lines;
}
