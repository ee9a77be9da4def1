import { Text } from "ink";
import type { ReactNode } from "react";
import type { HealthStatus } from "../../shared/schemas.ts";
import { useTheme } from "../hooks/use_theme.ts";
import { statusLook } from "../theme.ts";

/** A health status as symbol and word (`✓ ok`, `▲ degraded`, `✗ down`), coloured by the theme. */
export function StatusBadge(props: { status: HealthStatus; bold?: boolean }): ReactNode {
  const theme = useTheme();
  const look = statusLook(props.status);
  return (
    <Text color={theme.color(look.role)} bold={props.bold ?? false} wrap="truncate-end">
      {look.symbol} {look.label}
    </Text>
  );
}
