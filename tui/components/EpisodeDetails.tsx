import { basename } from "@std/path";
import type { AudioTrack, Episode, EpisodeDetail, SubtitleTrack } from "../../shared/schemas.ts";
import { formatBytes, formatCueTime, wrapText } from "../format.ts";
import type { ReactNode } from "react";
import type { EpisodeDetailsState } from "../hooks/use_episode_details.ts";
import { episodeCode, episodeTitle, formatRuntime } from "../library_rows.ts";
import { type DetailLine, DetailLines } from "./DetailLines.tsx";

export type { DetailLine };

function mediaLine(episode: Episode): string {
  const parts = [
    formatRuntime(episode.durationMs),
    episode.width && episode.height ? `${episode.width}x${episode.height}` : "",
    episode.fps ? `${Number(episode.fps.toFixed(3))} fps` : "",
    episode.videoCodec ?? "",
    formatBytes(episode.sizeBytes),
  ];
  return parts.filter(Boolean).join(" · ");
}

function audioLine(track: AudioTrack): string {
  const parts = [
    `#${track.index}`,
    track.codec ?? "unknown codec",
    track.language ?? "",
    track.channels ? `${track.channels} ch` : "",
    track.title ? `"${track.title}"` : "",
    track.default ? "default" : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

function subtitleLine(track: SubtitleTrack): string {
  const parts = [
    track.language ?? "unknown language",
    track.source,
    track.format,
    track.forced ? "forced" : "",
    track.sdh ? "SDH" : "",
    track.title ? `"${track.title}"` : "",
    track.path ? basename(track.path) : track.streamIndex !== null ? `stream ${track.streamIndex}` : "",
  ];
  return parts.filter(Boolean).join(" · ");
}

/**
 * What the details of an episode say, line by line at `width` columns: path, media
 * information, audio and subtitle tracks (with why a track cannot be used), and the first cues
 * or why there are none. `episode` is the list's entry, shown while the details load.
 */
export function detailLines(
  episode: Episode | undefined,
  state: EpisodeDetailsState,
  width: number,
): DetailLine[] {
  const lines: DetailLine[] = [];
  const add = (text: string, style: Omit<DetailLine, "text"> = {}, indent = "") => {
    for (const line of wrapText(text, width - indent.length)) lines.push({ text: indent + line, ...style });
  };
  const shown: Episode | EpisodeDetail | undefined = state.detail ?? episode;
  if (!shown) {
    add(state.error ? `✗ library.get failed: ${state.error}` : "Loading…", {
      role: state.error ? "error" : "muted",
    });
    return lines;
  }
  const heading = shown.kind === "film"
    ? `${episodeTitle(shown)}${shown.year ? ` (${shown.year})` : ""}`
    : [shown.show, episodeCode(shown), shown.title].filter(Boolean).join(" · ");
  add(heading, { bold: true });
  add(shown.path, { role: "muted" });
  add(mediaLine(shown));
  if (shown.probeError) add(`✗ unreadable: ${shown.probeError}`, { role: "error" });
  if (state.error) add(`✗ library.get failed: ${state.error}`, { role: "error" });

  lines.push({ text: "" }, { text: "Audio", bold: true, role: "accent" });
  if (shown.audioTracks.length === 0) add("none", { role: "muted" }, "  ");
  for (const track of shown.audioTracks) add(audioLine(track), {}, "  ");

  lines.push({ text: "" }, { text: "Subtitles", bold: true, role: "accent" });
  if (!state.detail) {
    add(state.error ? "unknown" : "loading…", { role: "muted" }, "  ");
  } else if (state.detail.subtitleTracks.length === 0) {
    add(
      "none: add a sidecar file next to the video (e.g. Name.en.srt), then rescan (r)",
      { role: "muted" },
      "  ",
    );
  }
  for (const track of state.detail?.subtitleTracks ?? []) {
    add(subtitleLine(track), track.supported ? {} : { role: "muted" }, "  ");
    if (!track.supported) {
      add(`✗ ${track.unsupportedReason ?? "cannot be used"}`, { role: "warn" }, "    ");
    }
  }

  lines.push({ text: "" }, { text: "First cues (best text track)", bold: true, role: "accent" });
  if (state.cuesError) {
    add(`✗ ${state.cuesError}`, { role: "error" }, "  ");
  } else if (!state.cues) {
    add("loading…", { role: "muted" }, "  ");
  } else if (state.cues.length === 0) {
    add("the track has no cues", { role: "muted" }, "  ");
  }
  for (const cue of state.cues ?? []) {
    const time = formatCueTime(cue.startMs).padStart(7);
    // Continuation lines line up under the text, after the time.
    wrapText(cue.text.replaceAll("\n", " / "), width - 11).forEach((text, i) =>
      lines.push({ text: `  ${i === 0 ? time : " ".repeat(7)}  ${text}` })
    );
  }
  return lines;
}

/** The lines `scroll` to `scroll + height` of the details. */
export function EpisodeDetails(
  props: { lines: readonly DetailLine[]; scroll: number; height: number },
): ReactNode {
  return <DetailLines lines={props.lines} scroll={props.scroll} height={props.height} />;
}
