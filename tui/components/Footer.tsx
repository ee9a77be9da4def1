import { Text } from "ink";
import type { ReactNode } from "react";
import type { KeyHint } from "../keys.ts";
import { useTheme } from "../hooks/use_theme.ts";

const SEPARATOR = "  ";
const widthOf = (hint: KeyHint): number => [...`${hint.label} ${hint.description}`].length;

/**
 * The hints one line of `columns` shows, in their order: every one of `always`, then as many
 * of `rest` as fit, in order of importance (the rest are in the help).
 */
export function fitHints(
  always: readonly KeyHint[],
  rest: readonly KeyHint[],
  columns: number,
): readonly KeyHint[] {
  const listed = (hints: readonly KeyHint[]) => hints.filter((hint) => !hint.helpOnly && !hint.hidden);
  const kept = listed(always);
  let room = columns - kept.reduce((sum, hint) => sum + widthOf(hint) + SEPARATOR.length, 0);
  const fitting = new Set<KeyHint>();
  for (const hint of listed(rest)) {
    const width = widthOf(hint) + SEPARATOR.length;
    if (width > room) break;
    fitting.add(hint);
    room -= width;
  }
  return [...rest.filter((hint) => fitting.has(hint)), ...kept];
}

/**
 * One line of keys: `always` (help, quit) at the end, before them as many of `hints` as fit
 * in `columns`, the first ones first.
 */
export function Footer(
  props: { hints: readonly KeyHint[]; always: readonly KeyHint[]; columns: number },
): ReactNode {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {fitHints(props.always, props.hints, props.columns).map((hint, index) => (
        <Text key={hint.label}>
          {index > 0 ? SEPARATOR : ""}
          <Text bold color={theme.color("accent")}>{hint.label}</Text> {hint.description}
        </Text>
      ))}
    </Text>
  );
}
