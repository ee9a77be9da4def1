import { Text } from "ink";
import type { ReactNode } from "react";
import type { JobState } from "../../shared/jobs.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { jobLook } from "../theme.ts";

/** A job's or a batch's state as symbol and word (`▶ active`, `✗ failed`), coloured by the theme. */
export function JobStateBadge(props: { state: JobState; bold?: boolean }): ReactNode {
  const theme = useTheme();
  const look = jobLook(props.state);
  return (
    <Text
      color={theme.color(look.role)}
      dimColor={look.dim ?? false}
      bold={props.bold ?? false}
      wrap="truncate-end"
    >
      {look.symbol} {look.label}
    </Text>
  );
}
