import type { CallOptions, ScheduleState, TuiClient } from "../context/ClientContext.tsx";
import { type Loaded, useLoad } from "./use_load.ts";
import { type RendersState, useRenders } from "./use_renders.ts";

/** The states the agenda shows (cancelled videos are off the calendar). */
export const AGENDA_STATES: readonly ScheduleState[] = ["scheduled", "uploading", "uploaded", "failed"];
/** The states in which a video holds its slot: `schedule.create` refuses to place it again. */
export const HOLDING_STATES: readonly ScheduleState[] = ["scheduled", "uploading", "uploaded"];
/**
 * How far back the agenda asks for videos: enough to hold today's earlier slots in any time
 * zone (and an upload that runs late), without the whole history.
 */
export const AGENDA_PAST_MS = 36 * 3_600_000;
/** The most days `schedule.slots` gives; the daemon stops at the calendar's horizon anyway. */
const MAX_DAYS = 90;

type Options = Required<CallOptions>;

const loadSlots = (client: TuiClient, options: Options) =>
  client.schedule.slots.query({ days: MAX_DAYS }, options);
const loadAgenda = (client: TuiClient, options: Options) =>
  client.schedule.list.query(
    { from: new Date(Date.now() - AGENDA_PAST_MS).toISOString(), states: [...AGENDA_STATES] },
    options,
  );
const loadPlaced = (client: TuiClient, options: Options) =>
  client.schedule.list.query({ states: [...HOLDING_STATES] }, options);
const loadQuota = (client: TuiClient, options: Options) => client.quota.status.query(undefined, options);
const loadYouTube = (client: TuiClient, options: Options) => client.youtube.status.query(undefined, options);
const loadSettings = (client: TuiClient, options: Options) => client.settings.get.query(undefined, options);

type Reloadable<T> = Loaded<T> & { reload(): void };

/** Everything the Schedule screen shows, each loaded (and reloaded) on its own. */
export interface ScheduleData {
  /** The offered days and slots (`schedule.slots`). */
  readonly slots: Reloadable<Awaited<ReturnType<typeof loadSlots>>>;
  /** The videos on the agenda: from yesterday on, not cancelled (`schedule.list`). */
  readonly agenda: Reloadable<Awaited<ReturnType<typeof loadAgenda>>>;
  /** Every video that holds a slot, for the renders still to place (`schedule.list`). */
  readonly placed: Reloadable<Awaited<ReturnType<typeof loadPlaced>>>;
  readonly quota: Reloadable<Awaited<ReturnType<typeof loadQuota>>>;
  readonly youtube: Reloadable<Awaited<ReturnType<typeof loadYouTube>>>;
  readonly settings: Reloadable<Awaited<ReturnType<typeof loadSettings>>>;
  /** Every rendered video (`renders.list`): the marked ones are to place. */
  readonly renders: RendersState & { reload(): void };
}

/** Loads what the Schedule screen shows on each (re)connection; each part reloads on its own. */
export function useScheduleData(): ScheduleData {
  return {
    slots: useLoad(loadSlots),
    agenda: useLoad(loadAgenda),
    placed: useLoad(loadPlaced),
    quota: useLoad(loadQuota),
    youtube: useLoad(loadYouTube),
    settings: useLoad(loadSettings),
    renders: useRenders(),
  };
}
