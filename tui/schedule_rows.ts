/**
 * The publishing calendar in rows, for the Schedule screen's agenda: a day, its slots with their
 * occupancy, the videos in each slot. Pure, so what the agenda shows can be tested without a
 * terminal; built once per answer of the daemon, not per key.
 * @module
 */
import type { CalendarDay, Schedule } from "../shared/schedule.ts";

type OfferedSlot = CalendarDay["slots"][number];

/** A day of the agenda: its date and, when it is offered, its counts and caps. */
export interface DayRow {
  readonly kind: "day";
  readonly id: number;
  /** Stable across reloads: where the cursor stays. */
  readonly key: string;
  readonly day: string;
  /** The day as `schedule.slots` answered it; undefined for a day with closed slots only. */
  readonly calendar: CalendarDay | undefined;
}

/** A slot of the agenda: offered (with what is left), or closed (past, or inside the lead time). */
export interface SlotRow {
  readonly kind: "slot";
  readonly id: number;
  readonly key: string;
  readonly day: string;
  /** `HH:MM` in the channel's time zone. */
  readonly time: string;
  /** ISO 8601. */
  readonly startsAt: string;
  /** The slot as `schedule.slots` offered it; undefined when it is no longer offered. */
  readonly offered: OfferedSlot | undefined;
  /** How many of the listed videos are in it. */
  readonly videos: number;
}

/** A video on the calendar, under its slot. */
export interface VideoRow {
  readonly kind: "video";
  readonly id: number;
  readonly key: string;
  readonly schedule: Schedule;
  /** The key of its slot's row. */
  readonly slotKey: string;
  readonly day: string;
  readonly time: string;
}

/** One row of the agenda. */
export type AgendaRow = DayRow | SlotRow | VideoRow;

/** The key of the row of the slot starting at `startsAt` (ISO 8601). */
export function slotKey(startsAt: string): string {
  return `slot:${Date.parse(startsAt)}`;
}

/** The key of the row of schedule `id`. */
export function videoKey(id: number): string {
  return `video:${id}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-11-21` one day on (or `days` days on). */
export function addDays(day: string, days = 1): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** `Sat 21 Nov` for `2026-11-21`, with `· today` or `· tomorrow` when `today` says so. */
export function dayLabel(day: string, today?: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  const label = `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
  if (today === day) return `${label} · today`;
  if (today && addDays(today) === day) return `${label} · tomorrow`;
  return label;
}

function zonedParts(ms: number, timeZone: string | undefined): Record<string, string> | undefined {
  try {
    const format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    return Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  } catch {
    return undefined; // not a time zone this runtime knows: the local one then
  }
}

/** The day (`YYYY-MM-DD`) of the epoch-ms `ms` in `timeZone` (the local zone when unknown). */
export function zonedDay(ms: number, timeZone: string | undefined): string {
  const parts = zonedParts(ms, timeZone) ?? zonedParts(ms, undefined);
  return parts ? `${parts.year}-${parts.month}-${parts.day}` : new Date(ms).toISOString().slice(0, 10);
}

/** The wall-clock time (`HH:MM`) of an ISO instant in `timeZone` (the local zone when unknown). */
export function zonedClock(iso: string, timeZone: string | undefined): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return "--:--";
  const parts = zonedParts(ms, timeZone) ?? zonedParts(ms, undefined);
  return parts ? `${parts.hour}:${parts.minute}` : iso.slice(11, 16);
}

/** `Sat 21 Nov 08:00`: when a video is published, in the channel's zone. */
export function slotLabel(schedule: Pick<Schedule, "localDay" | "slotAt">, timeZone?: string): string {
  return `${dayLabel(schedule.localDay)} ${zonedClock(schedule.slotAt, timeZone)}`;
}

/** Whether a video still holds its slot: what `schedule.create` refuses to place again. */
export function holdsSlot(schedule: Schedule): boolean {
  return schedule.state === "scheduled" || schedule.state === "uploading" || schedule.state === "uploaded";
}

/**
 * The agenda: each day of `days` (as `schedule.slots` answered) with its offered slots, and
 * the videos of `schedules` in them. A video whose slot is no longer offered (past, or inside
 * the lead time: an upload running now) shows under a closed slot of its day; one from before
 * the first offered day only while it is uploading or failed (something to see or act on).
 * Cancelled videos are left out. Days, slots and videos are in time order.
 */
export function agendaRows(
  days: readonly CalendarDay[],
  schedules: readonly Schedule[],
  timeZone?: string,
): AgendaRow[] {
  interface SlotEntry {
    startsAt: string;
    time: string;
    offered: OfferedSlot | undefined;
    videos: Schedule[];
  }
  const byDay = new Map<string, { calendar: CalendarDay | undefined; slots: Map<number, SlotEntry> }>();
  const dayEntry = (day: string, calendar?: CalendarDay) => {
    let entry = byDay.get(day);
    if (!entry) byDay.set(day, entry = { calendar, slots: new Map() });
    return entry;
  };
  const offered = new Map<number, SlotEntry>();
  for (const day of days) {
    const entry = dayEntry(day.day, day);
    for (const slot of day.slots) {
      const slotEntry: SlotEntry = { startsAt: slot.startsAt, time: slot.time, offered: slot, videos: [] };
      entry.slots.set(Date.parse(slot.startsAt), slotEntry);
      offered.set(Date.parse(slot.startsAt), slotEntry);
    }
  }
  const firstDay = days[0]?.day;
  const sorted = [...schedules].sort((a, b) => Date.parse(a.slotAt) - Date.parse(b.slotAt) || a.id - b.id);
  for (const schedule of sorted) {
    if (schedule.state === "cancelled") continue;
    const at = Date.parse(schedule.slotAt);
    const slot = offered.get(at);
    if (slot) {
      slot.videos.push(schedule);
      continue;
    }
    const recent = firstDay === undefined || schedule.localDay >= firstDay;
    if (!recent && schedule.state !== "uploading" && schedule.state !== "failed") continue;
    const entry = dayEntry(schedule.localDay);
    let closed = entry.slots.get(at);
    if (!closed) {
      closed = {
        startsAt: schedule.slotAt,
        time: zonedClock(schedule.slotAt, timeZone),
        offered: undefined,
        videos: [],
      };
      entry.slots.set(at, closed);
    }
    closed.videos.push(schedule);
  }

  const rows: AgendaRow[] = [];
  for (const day of [...byDay.keys()].sort()) {
    const entry = byDay.get(day)!;
    rows.push({ kind: "day", id: rows.length, key: `day:${day}`, day, calendar: entry.calendar });
    for (const [at, slot] of [...entry.slots].sort(([a], [b]) => a - b)) {
      const key = `slot:${at}`;
      rows.push({
        kind: "slot",
        id: rows.length,
        key,
        day,
        time: slot.time,
        startsAt: slot.startsAt,
        offered: slot.offered,
        videos: slot.videos.length,
      });
      for (const schedule of slot.videos) {
        rows.push({
          kind: "video",
          id: rows.length,
          key: videoKey(schedule.id),
          schedule,
          slotKey: key,
          day,
          time: slot.time,
        });
      }
    }
  }
  return rows;
}

/** How much of a video is uploaded, 0–100 (0 while its size is unknown). */
export function uploadPercent(schedule: Pick<Schedule, "uploadedBytes" | "sizeBytes">): number {
  return schedule.sizeBytes > 0 ? Math.min(100, (schedule.uploadedBytes / schedule.sizeBytes) * 100) : 0;
}
