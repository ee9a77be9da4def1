import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { AnalysisEstimate } from "../../shared/analysis.ts";
import type { BatchForm } from "../batch_form.ts";
import { formatCount, formatUsd, plural, wrapText } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { Notice } from "../library_view.ts";
import { FieldHint, FormFieldRows } from "./FormFields.tsx";

const LABEL_WIDTH = 15; // "› Render mode  "
const HINT = "Tab / ↓ next field · ←→ or Space change a choice · Enter starts the batch · Esc cancels";
const STARTED_HINT = "Enter shows it on the Jobs screen (5) · Esc goes back to the Library";

/** What the estimate says, line by line: the work, and whether today's budget covers it. */
function estimateNotices(estimate: AnalysisEstimate): Notice[] {
  const t = estimate.totals;
  const work = `Estimate for ${plural(estimate.episodes.length, "episode")}: ${plural(t.chunks, "chunk")}, ${
    plural(t.calls, "LLM call")
  }, ${formatCount(t.cachedChunks)} cached · ${formatCount(t.promptTokens)} prompt + ${
    formatCount(t.outputTokens)
  } output tokens · ${formatUsd(t.costUsd)} (${estimate.model})`;
  const { dailyLimitUsd, spentTodayUsd, fits } = estimate.budget;
  const spent = `${formatUsd(spentTodayUsd)} of ${formatUsd(dailyLimitUsd)} spent today`;
  return [
    { text: work, role: "accent" },
    fits
      ? { text: `✓ fits the budget: ${spent}`, role: "ok" }
      : { text: `✗ over the budget (${spent}): the daemon would refuse the analyses`, role: "error" },
  ];
}

/** What the form says about the estimate: the latest one, that one is coming, or why there is none. */
function estimateLines(form: BatchForm): Notice[] {
  const key = form.estimateKey();
  const state = form.estimate;
  if (key === undefined) return [{ text: "Fix the options to see what the batch would cost", role: "muted" }];
  if (state?.error && state.key === key) {
    return [{ text: `✗ analysis.estimate failed: ${state.error}`, role: "error" }];
  }
  if (!state?.estimate) return [{ text: "Estimating…", role: "muted" }];
  const lines = estimateNotices(state.estimate);
  return state.key === key ? lines : [{ ...lines[0], text: `${lines[0].text} (updating…)` }, lines[1]];
}

/**
 * The batch form, `height` rows tall: a line per option (the focused one marked, with its
 * cursor or its choices), what the focused option means, the estimate and the budget, and
 * what the keys do, or why the start failed; once started, the batch's id and where to see it.
 */
export function BatchEditor(props: { form: BatchForm; width: number; height: number }): ReactNode {
  const theme = useTheme();
  const { form, width } = props;
  const valueWidth = Math.max(1, width - LABEL_WIDTH);
  const wrapped = (notice: Notice, key: string) =>
    wrapText(notice.text, width).slice(0, 2).map((line, i) => (
      <Text key={`${key}${i}`} color={theme.color(notice.role)} wrap="truncate-end">{line}</Text>
    ));
  const unusable = form.episodes.filter((e) => e.probeError !== null || e.subtitleLanguages.length === 0);

  let outcome: ReactNode[];
  if (form.started) {
    const { batchId, jobIds } = form.started;
    outcome = [
      ...wrapped({
        text: `✓ Batch ${batchId} started: ${plural(jobIds.length, "job")} (${jobIds.join(", ")})`,
        role: "ok",
      }, "started"),
      <Text key="next" color={theme.color("accent")} wrap="truncate-end">{STARTED_HINT}</Text>,
    ];
  } else {
    outcome = [
      ...estimateLines(form).flatMap((line, i) => wrapped(line, `estimate${i}`)),
      ...(unusable.length > 0
        ? wrapped({
          text: `▲ ${plural(unusable.length, "episode")} without usable subtitles: ${
            unusable.length === 1 ? "its job" : "their jobs"
          } will fail`,
          role: "warn",
        }, "unusable")
        : []),
      <Box key="gap" height={1} />,
      form.starting
        ? <Text key="keys" color={theme.color("muted")}>Starting the batch…</Text>
        : <Text key="keys" color={theme.color("muted")} wrap="truncate-end">{HINT}</Text>,
      ...(form.error ? wrapped({ text: `✗ ${form.error}`, role: "error" }, "error") : []),
    ];
  }

  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      <FormFieldRows
        fields={form.fields}
        focus={form.started ? undefined : form.focus}
        labelWidth={LABEL_WIDTH}
        valueWidth={valueWidth}
      />
      {form.started ? null : <FieldHint text={form.hint} labelWidth={LABEL_WIDTH} valueWidth={valueWidth} />}
      <Box height={1} />
      {outcome}
    </Box>
  );
}
