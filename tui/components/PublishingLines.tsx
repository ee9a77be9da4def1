import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { QuotaStatus } from "../../shared/schedule.ts";
import type { YouTubeStatus } from "../context/ClientContext.tsx";
import { formatCount, formatDateTime, formatPercent, progressBar, wrapText } from "../format.ts";
import type { Theme } from "../theme.ts";

const MARK_WIDTH = 2; // "▲ "
const MAX_NAME_WIDTH = 16;
const BAR_WIDTH = 12;
const PERCENT_WIDTH = 6; // " 100% "

type Bucket = QuotaStatus["buckets"][number];

/** Whether a bucket shows in the warning colour: past the threshold, or spent until midnight Pacific. */
export function bucketWarns(bucket: Bucket, warningPercent: number): boolean {
  return bucket.warning || bucket.exhausted || bucket.percent >= warningPercent;
}

/** `85 of 100 (5 reserved) · 15 free`, or when spent, until when. */
export function bucketText(bucket: Bucket): string {
  const reserved = bucket.reserved > 0 ? ` (${formatCount(bucket.reserved)} reserved)` : "";
  const text = `${formatCount(bucket.used + bucket.reserved)} of ${formatCount(bucket.limit)}${reserved}` +
    ` · ${formatCount(bucket.free)} free`;
  return bucket.exhausted && bucket.until ? `${text} · spent until ${formatDateTime(bucket.until)}` : text;
}

/**
 * The quota of today's Pacific day, a line per bucket: a meter (used and reserved of the daily
 * limit) with its percentage, in the warning colour and marked `▲` past the threshold (`✗` when
 * Google said it is spent, with until when); then the channel's upload cooldown, if any.
 */
export function quotaLines(
  theme: Theme,
  quota: { status: QuotaStatus | undefined; error: string | undefined },
): ReactNode[] {
  const { status, error } = quota;
  if (!status) {
    return [
      error
        ? (
          <Text key="quota:error" color={theme.color("error")} wrap="truncate-end">
            ✗ quota.status failed: {error}
          </Text>
        )
        : <Text key="quota:loading" color={theme.color("muted")}>Loading the quota…</Text>,
    ];
  }
  const nameWidth = Math.min(MAX_NAME_WIDTH, Math.max(4, ...status.buckets.map((b) => b.name.length))) + 1;
  const lines = status.buckets.map((bucket) => {
    const warns = bucketWarns(bucket, status.warningPercent);
    const color = warns ? theme.color("warn") : undefined;
    return (
      <Box key={`bucket:${bucket.name}`} height={1}>
        <Box width={MARK_WIDTH} flexShrink={0}>
          <Text color={color} bold>{bucket.exhausted ? "✗" : warns ? "▲" : " "}</Text>
        </Box>
        <Box width={nameWidth} flexShrink={0}>
          <Text color={color} wrap="truncate-end">{bucket.name}</Text>
        </Box>
        <Box width={BAR_WIDTH} flexShrink={0}>
          <Text color={warns ? color : theme.color("ok")}>{progressBar(bucket.percent, BAR_WIDTH)}</Text>
        </Box>
        <Box width={PERCENT_WIDTH} flexShrink={0} justifyContent="flex-end" paddingRight={1}>
          <Text color={color} bold={warns}>{formatPercent(bucket.percent)}</Text>
        </Box>
        <Box flexGrow={1} flexShrink={1} overflow="hidden">
          <Text color={color} wrap="truncate-end">{bucketText(bucket)}</Text>
        </Box>
      </Box>
    );
  });
  if (status.buckets.length === 0) {
    lines.push(
      <Text key="quota:none" color={theme.color("muted")}>
        No quota buckets: add them in the settings (S).
      </Text>,
    );
  }
  if (status.cooldownUntil) {
    lines.push(
      <Text key="quota:cooldown" color={theme.color("warn")} wrap="truncate-end">
        ▲ Channel cooldown until{" "}
        {formatDateTime(status.cooldownUntil)}: YouTube's upload limit was reached, uploads wait
      </Text>,
    );
  }
  if (error) {
    lines.push(
      <Text key="quota:error" color={theme.color("error")} wrap="truncate-end">
        ✗ Reloading the quota failed: {error}
      </Text>,
    );
  }
  return lines;
}

/** The connection in a few words, and its colour role. */
export function youtubeSummary(status: YouTubeStatus): { text: string; role: "ok" | "warn" | "error" } {
  const pending = status.pending ? ` · authorisation open on port ${status.pending.port}` : "";
  if (!status.configured) return { text: `✗ YouTube: not configured${pending}`, role: "error" };
  if (!status.connected) return { text: `▲ YouTube: not authorised (a authorises)${pending}`, role: "warn" };
  const channel = status.channel ? `${status.channel.title} (${status.channel.id})` : "no channel found yet";
  return { text: `✓ YouTube: connected to ${channel}${pending}`, role: "ok" };
}

/**
 * The YouTube connection: connected to which channel, not configured, or not authorised; then
 * each warning (Testing-mode expiry, invalid_grant, what is missing), wrapped to `width`, at
 * most `warningLines` lines each.
 */
export function youtubeLines(
  theme: Theme,
  youtube: { status: YouTubeStatus | undefined; error: string | undefined },
  width: number,
  warningLines: number,
): ReactNode[] {
  const { status, error } = youtube;
  if (!status) {
    return [
      error
        ? (
          <Text key="youtube:error" color={theme.color("error")} wrap="truncate-end">
            ✗ youtube.status failed: {error}
          </Text>
        )
        : <Text key="youtube:loading" color={theme.color("muted")}>YouTube: loading…</Text>,
    ];
  }
  const summary = youtubeSummary(status);
  const lines: ReactNode[] = [
    <Text key="youtube:summary" color={theme.color(summary.role)} wrap="truncate-end">{summary.text}</Text>,
  ];
  for (const warning of status.warnings) {
    const wrapped = wrapText(warning, Math.max(1, width - 2));
    const kept = wrapped.length <= warningLines
      ? wrapped
      : [...wrapped.slice(0, Math.max(0, warningLines - 1)), `${wrapped[warningLines - 1]}…`];
    kept.forEach((line, i) =>
      lines.push(
        <Text key={`youtube:warning:${warning}:${i}`} color={theme.color("warn")} wrap="truncate-end">
          {i > 0 ? `  ${line}` : `▲ ${line}`}
        </Text>,
      )
    );
  }
  if (error) {
    lines.push(
      <Text key="youtube:error" color={theme.color("error")} wrap="truncate-end">
        ✗ Reloading the connection failed: {error}
      </Text>,
    );
  }
  return lines;
}
