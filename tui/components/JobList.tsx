import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import type { Job } from "../../shared/jobs.ts";
import { formatPercent, truncateStart } from "../format.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { etaText } from "../job_text.ts";
import type { ListPane } from "../jobs_view.ts";
import { JobStateBadge } from "./JobStateBadge.tsx";
import { ListWindow } from "./ListWindow.tsx";

const MARK_WIDTH = 2; // "› "
const STAGE_WIDTH = 8; // "analyze "
const STAGE_PERCENT_WIDTH = 6; // " 100% "
const PERCENT_WIDTH = 6;
const ETA_WIDTH = 9; // " 12m 05s "
const TRIES_WIDTH = 5; // " ×12 "
const STATE_WIDTH = 17; // "◇ waiting-review "
const FIXED_WIDTH = MARK_WIDTH + STAGE_WIDTH + STAGE_PERCENT_WIDTH + PERCENT_WIDTH + ETA_WIDTH + TRIES_WIDTH +
  STATE_WIDTH;
/** The most the episode's label takes; a failed job's error (or a job's export) gets the rest. */
const MAX_LABEL_WIDTH = 32;

/** Rows the list spends besides the jobs: its column headings. */
export const JOB_LIST_CHROME_ROWS = 1;

/** How a row's texts share `width` columns: the label, then a failed job's error or the export's file. */
function jobColumns(width: number): { label: number; error: number } {
  const rest = Math.max(1, width - FIXED_WIDTH);
  const label = Math.min(MAX_LABEL_WIDTH, rest);
  return { label, error: rest - label };
}

function Cells(
  props: {
    width: number;
    mark: ReactNode;
    label: ReactNode;
    stage: ReactNode;
    stagePercent: ReactNode;
    percent: ReactNode;
    eta: ReactNode;
    tries: ReactNode;
    state: ReactNode;
    error?: ReactNode;
  },
): ReactNode {
  const columns = jobColumns(props.width);
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH} flexShrink={0}>{props.mark}</Box>
      <Box width={columns.label} flexShrink={0} paddingRight={1}>{props.label}</Box>
      <Box width={STAGE_WIDTH} flexShrink={0}>{props.stage}</Box>
      <Box width={STAGE_PERCENT_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
        {props.stagePercent}
      </Box>
      <Box width={PERCENT_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
        {props.percent}
      </Box>
      <Box width={ETA_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>{props.eta}</Box>
      <Box width={TRIES_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>{props.tries}</Box>
      <Box width={STATE_WIDTH} flexShrink={0}>{props.state}</Box>
      {columns.error > 0 ? <Box width={columns.error} flexShrink={0}>{props.error}</Box> : null}
    </Box>
  );
}

const JobLine = memo(function JobLine(
  props: { job: Job; cursor: boolean; focused: boolean; width: number },
): ReactNode {
  const theme = useTheme();
  const { job, cursor } = props;
  const color = cursor && props.focused ? theme.color("accent") : undefined;
  const working = job.stage !== "done" && job.state !== "completed";
  return (
    <Cells
      width={props.width}
      mark={<Text color={color} bold={cursor}>{cursor ? "›" : " "}</Text>}
      label={<Text color={color} bold={cursor} wrap="truncate-end">{job.label}</Text>}
      stage={<Text>{job.stage}</Text>}
      stagePercent={<Text>{working ? formatPercent(job.stagePercent) : ""}</Text>}
      percent={<Text bold>{formatPercent(job.percent)}</Text>}
      eta={<Text>{etaText(job)}</Text>}
      tries={<Text color={job.attempts > 1 ? theme.color("warn") : undefined}>×{job.attempts}</Text>}
      state={<JobStateBadge state={job.state} />}
      error={job.error && job.state === "failed"
        ? <Text color={theme.color("error")} wrap="truncate-end">{job.error}</Text>
        : job.exportPath && job.state === "completed"
        ? (
          <Text color={theme.color("muted")} wrap="truncate-end">
            → {truncateStart(job.exportPath, Math.max(0, jobColumns(props.width).error - 2))}
          </Text>
        )
        : null}
    />
  );
});

/**
 * The jobs of a batch under column headings, the window that shows the cursor `height` rows
 * tall (headings included). Each row: the episode, its stage and the stage's percentage, the
 * overall percentage, the time left, how many times it was started, its state in the state's
 * colour and, when wide enough, why a failed one failed or (the end of) the file a completed one
 * exported.
 */
export function JobList(
  props: { pane: ListPane<Job>; focused: boolean; height: number; width: number },
): ReactNode {
  const theme = useTheme();
  const { pane } = props;
  const heading = (text: string) => <Text color={theme.color("muted")} wrap="truncate-end">{text}</Text>;
  return (
    <Box flexDirection="column" height={props.height} flexShrink={0} overflow="hidden">
      <Cells
        width={props.width}
        mark={heading(" ")}
        label={heading("episode")}
        stage={heading("stage")}
        stagePercent={heading("stage")}
        percent={heading("total")}
        eta={heading("left")}
        tries={heading("runs")}
        state={heading("state")}
        error={heading("error / export")}
      />
      <ListWindow
        rows={pane.rows}
        cursor={pane.cursor}
        top={pane.top}
        height={Math.max(0, props.height - JOB_LIST_CHROME_ROWS)}
        line={(job, cursor) => (
          <JobLine job={job} cursor={cursor} focused={props.focused} width={props.width} />
        )}
      />
    </Box>
  );
}
