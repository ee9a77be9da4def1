import type { ColumnType, Generated } from "kysely";

/** Run-time settings, seeded from the environment and edited through `settings.update`. */
export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string;
}

/** Who changed which setting, when, from what to what. */
export interface SettingsAuditTable {
  id: Generated<number>;
  key: string;
  old_value: ColumnType<unknown, string | null, never>;
  new_value: ColumnType<unknown, string, never>;
  changed_at: ColumnType<Date, Date | string | undefined, never>;
  changed_by: string;
}

/** ffprobe results cached by (path, size, mtime). */
export interface MediaProbesTable {
  path: string;
  size: number;
  mtime_ms: number;
  probe: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  probed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A video file in a media root: an episode of a show, or a film. */
export interface EpisodesTable {
  id: Generated<number>;
  root: string;
  path: string;
  rel_path: string;
  kind: "episode" | "film";
  show: string;
  season: number | null;
  episode: number | null;
  episode_end: number | null;
  title: string | null;
  year: number | null;
  sort_key: string;
  size: number;
  mtime_ms: number;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  video_codec: string | null;
  audio_tracks: ColumnType<unknown, string | undefined, string>;
  probe_error: string | null;
  subtitle_languages: ColumnType<string[], string[] | undefined, string[]>;
  added_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A subtitle track of an episode: a sidecar file or a stream inside the video. */
export interface SubtitleTracksTable {
  id: Generated<number>;
  episode_id: number;
  key: string;
  source: "sidecar" | "embedded";
  path: string | null;
  stream_index: number | null;
  language: string | null;
  title: string | null;
  forced: boolean;
  sdh: boolean;
  format: string;
  supported: boolean;
  unsupported_reason: string | null;
}

/** The database as Kysely sees it. */
export interface DB {
  settings: SettingsTable;
  settings_audit: SettingsAuditTable;
  media_probes: MediaProbesTable;
  episodes: EpisodesTable;
  subtitle_tracks: SubtitleTracksTable;
}
