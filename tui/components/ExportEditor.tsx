import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { ExportResult } from "../../shared/export.ts";
import type { ExportForm } from "../export_form.ts";
import { formatPercent, plural, progressBar, wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { Notice } from "../library_view.ts";
import { FieldHint, fieldHintRows, FormFieldRows } from "./FormFields.tsx";

const LABEL_WIDTH = 16; // "› Pad before ms "
const HINT = "Tab / ↓ next field · ←→ Space change a choice · Enter exports · Esc closes";
/** The widest the progress bar gets. */
const MAX_BAR_WIDTH = 40;

/** `1.2 s`, `45 s`: how long an export took. */
function secondsText(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** What came out of an export, line by line: counts, file, deck, media folder. */
export function resultNotices(result: ExportResult): Notice[] {
  const counts = [
    plural(result.notes, "note"),
    plural(result.cards, "card"),
    plural(result.mediaFiles, "media file"),
  ].join(", ");
  const lines: Notice[] = [
    {
      text: `✓ Exported ${counts} (${result.format}) in ${secondsText(result.durationMs)}`,
      role: result.warnings.length > 0 ? "warn" : "ok",
    },
    { text: `File: ${result.path}`, role: "accent" },
    { text: `Deck: ${result.deckName}`, role: "muted" },
  ];
  if (result.mediaDir !== null) {
    lines.push({
      text: `Media: ${result.mediaDir} (copy its files into Anki's collection.media folder)`,
      role: "accent",
    });
  }
  return lines;
}

/**
 * The export form, `height` rows tall: a line per option (the focused one marked, with its
 * cursor or its choices) and what the focused option means; then what the keys do and why the
 * last export did not happen; while it runs, a progress bar; once done, the options in a line,
 * the file, the deck, the media folder (CSV, TSV, JSON) and the warnings, as many as fit.
 */
export function ExportEditor(props: { form: ExportForm; width: number; height: number }): ReactNode {
  const theme = useTheme();
  const { form, width } = props;
  const valueWidth = Math.max(1, width - LABEL_WIDTH);
  const lines = (notice: Notice, key: string, max = 3) =>
    wrapText(notice.text, width).slice(0, max).map((line, i) => (
      <Text key={`${key}${i}`} color={theme.color(notice.role)} wrap="truncate-end">
        {line === "" ? " " : line}
      </Text>
    ));

  const hintRows = form.editing ? fieldHintRows(form.hint, valueWidth) : 0;
  // Once done, the options take one line: the rest is for what came out.
  const fieldRows = form.result ? 1 : form.fields.length;
  const room = Math.max(1, props.height - fieldRows - hintRows - 1);
  const message = form.message ? lines(form.message, "message") : [];
  const running = form.running;
  const result = form.result;

  let outcome: ReactNode[];
  if (result) {
    const head = resultNotices(result).flatMap((notice, i) => lines(notice, `result${i}`));
    const close = (
      <Text key="close" color={theme.color("muted")} wrap="truncate-end">Enter or Esc closes this</Text>
    );
    const warnings: ReactNode[] = [];
    let left = room - head.length - 1;
    if (result.warnings.length > 0 && left > 0) {
      warnings.push(...lines({ text: `▲ ${plural(result.warnings.length, "warning")}:`, role: "warn" }, "w"));
      left--;
      const shown = result.warnings.length <= left ? result.warnings.length : Math.max(0, left - 1);
      for (const [i, warning] of result.warnings.slice(0, shown).entries()) {
        warnings.push(...lines({ text: `· ${warning}`, role: "warn" }, `warning${i}`, 1));
      }
      if (shown < result.warnings.length) {
        warnings.push(
          ...lines({ text: `… and ${result.warnings.length - shown} more`, role: "warn" }, "more", 1),
        );
      }
    }
    outcome = [...head, ...warnings, close];
  } else if (running) {
    const barWidth = Math.max(10, Math.min(MAX_BAR_WIDTH, width - 6));
    outcome = [
      <Text key="state" color={theme.color("accent")} wrap="truncate-end">
        {running.cancelling ? "Cancelling the export…" : `Exporting ${form.target.description}…`}
      </Text>,
      <Text key="bar" wrap="truncate-end">
        <Text color={theme.color("accent")}>{progressBar(running.percent, barWidth)}</Text>{" "}
        {formatPercent(running.percent)}
      </Text>,
      <Text key="keys" color={theme.color("muted")} wrap="truncate-end">
        Esc cancels the export · the other screens stay open meanwhile
      </Text>,
      ...message,
    ];
  } else {
    outcome = [
      <Text key="keys" color={theme.color("muted")} wrap="truncate-end">{HINT}</Text>,
      ...message,
    ];
  }

  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      {result
        ? <Text color={theme.color("muted")} wrap="truncate-end">Options: {form.summary}</Text>
        : (
          <FormFieldRows
            fields={form.fields}
            focus={form.editing ? form.focus : undefined}
            labelWidth={LABEL_WIDTH}
            valueWidth={valueWidth}
          />
        )}
      {form.editing ? <FieldHint text={form.hint} labelWidth={LABEL_WIDTH} valueWidth={valueWidth} /> : null}
      <Box height={1} />
      {outcome}
    </Box>
  );
}
