import { Box, Text } from "ink";
import { memo, type ReactNode } from "react";
import type { Expression } from "../../shared/analysis.ts";
import { useTheme } from "../hooks/use_theme.ts";
import type { ReviewView } from "../review_view.ts";
import { expressionLook } from "../theme.ts";
import { ListWindow } from "./ListWindow.tsx";

const MARK_WIDTH = 8; // "› [x] ✓ ": cursor, selection mark, status
const DIFFICULTY_WIDTH = 5; // " d10 "
const SAMPLE_WIDTH = 9; // " [sample]"
/** The part of the columns left after the marks that the expression gets; its translation the rest. */
const TEXT_SHARE = 0.45;

/** The part of a drop reason before its detail: `duplicate: …` → `duplicate`. */
export function dropReasonKind(reason: string | null): string {
  if (!reason) return "dropped";
  const colon = reason.indexOf(":");
  return colon < 0 ? reason : reason.slice(0, colon);
}

const ExpressionLine = memo(function ExpressionLine(
  props: { expression: Expression; cursor: boolean; selected: boolean; width: number; sampleColumn: boolean },
): ReactNode {
  const theme = useTheme();
  const { expression, cursor, width } = props;
  const look = expressionLook(expression.status);
  const dropped = expression.status === "dropped";
  const rest = Math.max(2, width - MARK_WIDTH - DIFFICULTY_WIDTH - (props.sampleColumn ? SAMPLE_WIDTH : 0));
  const textWidth = Math.max(1, Math.floor(rest * TEXT_SHARE));
  const color = cursor ? theme.color("accent") : undefined;
  const translation = expression.translations[0];
  return (
    <Box height={1}>
      <Box width={MARK_WIDTH} flexShrink={0}>
        <Text color={color} bold={cursor}>
          {cursor ? "›" : " "}{" "}
          <Text color={props.selected ? theme.color("accent") : undefined}>
            {props.selected ? "[x]" : "[ ]"}
          </Text>{" "}
          <Text color={theme.color(look.role)}>{look.symbol}</Text>
        </Text>
      </Box>
      <Box width={textWidth} flexShrink={0}>
        <Text color={color} bold={cursor} dimColor={dropped} wrap="truncate-end">{expression.text}</Text>
      </Box>
      <Box width={DIFFICULTY_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
        <Text dimColor={dropped}>d{expression.difficulty}</Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        {dropped
          ? (
            <Text color={theme.color("muted")} wrap="truncate-end">
              dropped: {dropReasonKind(expression.dropReason)}
            </Text>
          )
          : <Text wrap="truncate-end">{translation?.expression ?? ""}</Text>}
      </Box>
      {props.sampleColumn
        ? (
          <Box width={SAMPLE_WIDTH} flexShrink={0} justifyContent="flex-end">
            <Text color={theme.color("accent")}>{expression.sample ? "[sample]" : ""}</Text>
          </Box>
        )
        : null}
    </Box>
  );
});

/**
 * The window of the episode's expressions that shows the cursor, `height` rows tall: only
 * those are rendered, so an episode with hundreds (dropped ones shown) moves as fast as ten.
 * Each row: cursor, selection, status mark, the expression, its difficulty, its first
 * translation (or why it was dropped), and `[sample]` for the sample library's data.
 */
export function ExpressionList(props: { view: ReviewView; height: number; width: number }): ReactNode {
  const { view } = props;
  return (
    <ListWindow
      rows={view.rows}
      cursor={view.cursor}
      top={view.top}
      height={props.height}
      line={(expression, cursor) => (
        <ExpressionLine
          expression={expression}
          cursor={cursor}
          selected={view.selection.has(expression.id)}
          width={props.width}
          sampleColumn={view.hasSample}
        />
      )}
    />
  );
}
