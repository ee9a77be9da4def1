/**
 * The publishing calendar as pure data: which slots are offered, and which day and quota each
 * video needs. The transactions that reserve them are in `scheduler.ts`.
 */
import type { SettingValue } from "../settings/mod.ts";
import { nextDay, zonedDay, zonedTime } from "./zoned.ts";
import { pacificDay } from "../clock.ts";

/** The calendar settings. */
export type Calendar = SettingValue<"schedule.calendar">;
/** Operation → bucket and units. */
export type CostTable = SettingValue<"quota.costs">;

/** A slot of the calendar. */
export interface Slot {
  /** Epoch ms. */
  startsAt: number;
  /** The channel's local day (`YYYY-MM-DD`) and time (`HH:MM`). */
  day: string;
  time: string;
}

/**
 * The slots offered from `fromDay` (default: today in the channel's zone) for `days` days
 * (default: the horizon), never one before `now` plus the lead time.
 */
export function offeredSlots(
  calendar: Calendar,
  now: number,
  range: { fromDay?: string; days?: number } = {},
): Slot[] {
  const today = zonedDay(now, calendar.timeZone);
  const lastDay = nextDay(today, calendar.horizonDays - 1);
  const earliest = now + calendar.leadMinutes * 60_000;
  const slots: Slot[] = [];
  let day = range.fromDay && range.fromDay > today ? range.fromDay : today;
  for (let i = 0; i < (range.days ?? calendar.horizonDays) && day <= lastDay; i++, day = nextDay(day)) {
    for (const time of calendar.slots) {
      const startsAt = zonedTime(day, time, calendar.timeZone);
      // a DST change can make two wall times one instant: keep the first
      if (startsAt >= earliest && !slots.some((s) => s.startsAt === startsAt)) {
        slots.push({ startsAt, day, time });
      }
    }
  }
  return slots;
}

/** Whether an instant is one of the offered slots; returns it. */
export function findSlot(calendar: Calendar, now: number, at: number): Slot | undefined {
  const day = zonedDay(at, calendar.timeZone);
  return offeredSlots(calendar, now, { fromDay: day, days: 1 }).find((s) => s.startsAt === at);
}

/** The API operations an upload makes, given the upload settings. */
export function uploadOperations(upload: { thumbnail: boolean; playlistId?: string }): string[] {
  return [
    "videos.insert",
    ...(upload.thumbnail ? ["thumbnails.set"] : []),
    ...(upload.playlistId ? ["playlistItems.insert"] : []),
  ];
}

/** Units per bucket that a list of operations costs. */
export function reservationFor(costs: CostTable, operations: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of operations) {
    const cost = costs[op];
    if (!cost) throw new Error(`quota.costs has no entry for ${op}: add it in settings (bucket and units).`);
    out[cost.bucket] = (out[cost.bucket] ?? 0) + cost.units;
  }
  return out;
}

/**
 * The Pacific days on which the upload call may be made, in order of preference: a video
 * published by YouTube at its slot (private with publishAt) is uploaded as soon as quota allows,
 * from today to the day before the slot; one published at once is uploaded at its slot.
 */
export function quotaDays(now: number, slotAt: number, scheduledPublish: boolean): string[] {
  if (!scheduledPublish) return [pacificDay(slotAt)];
  const days: string[] = [];
  const last = pacificDay(slotAt - 15 * 60_000);
  for (let day = pacificDay(now); day <= last; day = nextDay(day)) days.push(day);
  return days.length ? days : [pacificDay(now)];
}
