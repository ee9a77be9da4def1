/**
 * The contract of the publishing calendar and the quota ledger: slots with what is left in them,
 * videos on the calendar, and the quota buckets of a Pacific day.
 * @module
 */
import { z } from "zod";

/** Where a scheduled video is. */
export const SCHEDULE_STATES = ["scheduled", "uploading", "uploaded", "failed", "cancelled"] as const;

/** A video on the calendar. */
export const scheduleSchema = z.object({
  id: z.number().int(),
  renderId: z.number().int(),
  kind: z.enum(["short", "long"]),
  /** The render's title in its first language, for lists. */
  title: z.string(),
  channel: z.string(),
  /** When YouTube publishes it (ISO 8601). */
  slotAt: z.string(),
  /** The slot's day in the channel's time zone. */
  localDay: z.string(),
  /** The Pacific day the upload call is reserved on, and the units it reserved per bucket. */
  quotaDay: z.string(),
  reservation: z.record(z.string(), z.number().int()),
  state: z.enum(SCHEDULE_STATES),
  privacy: z.string(),
  videoId: z.string().nullable(),
  uploadedBytes: z.number().int(),
  sizeBytes: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link scheduleSchema}. */
export type Schedule = z.infer<typeof scheduleSchema>;

/** One slot and what is left in it. */
export const slotSchema = z.object({
  startsAt: z.string(),
  time: z.string(),
  capacity: z.number().int(),
  taken: z.number().int(),
  left: z.number().int(),
});

/** A day of the calendar: its slots and the caps left. */
export const calendarDaySchema = z.object({
  day: z.string(),
  shorts: z.number().int(),
  longs: z.number().int(),
  caps: z.object({ short: z.number().int(), long: z.number().int(), total: z.number().int() }),
  slots: z.array(slotSchema),
});
/** See {@link calendarDaySchema}. */
export type CalendarDay = z.infer<typeof calendarDaySchema>;

/** Input of `schedule.slots`. */
export const slotsInputSchema = z.strictObject({
  /** First day (`YYYY-MM-DD`, the channel's zone); default today. */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day like 2026-11-21").optional(),
  days: z.number().int().min(1).max(90).optional(),
});

/** One quota bucket of a Pacific day. */
export const quotaBucketSchema = z.object({
  name: z.string(),
  limit: z.number().int(),
  used: z.number().int(),
  reserved: z.number().int(),
  free: z.number().int(),
  /** (used + reserved) / limit, 0–100. */
  percent: z.number(),
  /** Past the warning threshold, or spent. */
  warning: z.boolean(),
  /** Google answered quotaExceeded: nothing more is spent until `until`. */
  exhausted: z.boolean(),
  until: z.string().nullable(),
});

/** The answer of `quota.status`. */
export const quotaStatusSchema = z.object({
  project: z.string(),
  /** The Pacific day (quota resets at its midnight). */
  day: z.string(),
  warningPercent: z.number(),
  buckets: z.array(quotaBucketSchema),
  /** The channel's upload cooldown after uploadLimitExceeded, if any. */
  cooldownUntil: z.string().nullable(),
});
/** See {@link quotaStatusSchema}. */
export type QuotaStatus = z.infer<typeof quotaStatusSchema>;
