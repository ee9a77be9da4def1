import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** The size assumed for a stdout that does not say (a pipe, ink-testing-library's rows). */
export const DEFAULT_TERMINAL_SIZE = Object.freeze({ columns: 80, rows: 24 });

/** The terminal's size in columns and rows. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

const positive = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;

function sizeOf(stdout: object): TerminalSize {
  // Node's tty.WriteStream has both; a pipe or a test double may have neither.
  const { columns, rows } = stdout as { columns?: unknown; rows?: unknown };
  return {
    columns: positive(columns) ?? DEFAULT_TERMINAL_SIZE.columns,
    rows: positive(rows) ?? DEFAULT_TERMINAL_SIZE.rows,
  };
}

/**
 * The size of Ink's stdout, following resizes. Unlike Ink's `useWindowSize`, a stdout without
 * `rows` or `columns` falls back to 80x24 instead of asking the process's real terminal, so
 * the layout does not depend on where it runs (ink-testing-library's stdout has 100 columns and
 * no rows).
 */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () =>
      setSize((previous) => {
        const next = sizeOf(stdout);
        return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
      });
    stdout.on("resize", onResize);
    onResize();
    return () => void stdout.off("resize", onResize);
  }, [stdout]);
  return size;
}
