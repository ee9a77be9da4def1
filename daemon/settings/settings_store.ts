/**
 * Run-time settings kept in the database, each validated by its zod schema, with defaults, and
 * every change audited (who, when, from what to what). Environment variables only seed them.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../db/mod.ts";
import { DEFAULT_PRICES } from "../analysis/cost.ts";
import { isTimeZone } from "../schedule/zoned.ts";

/** YouTube Data API costs (product.md); uploads have their own bucket of calls since 2026-06-01. */
const DEFAULT_COSTS = {
  "videos.insert": { bucket: "videos.insert", units: 1 },
  "videos.list": { bucket: "pool", units: 1 },
  "channels.list": { bucket: "pool", units: 1 },
  "videos.update": { bucket: "pool", units: 50 },
  "videos.delete": { bucket: "pool", units: 50 },
  "thumbnails.set": { bucket: "pool", units: 50 },
  "playlistItems.insert": { bucket: "pool", units: 50 },
  "captions.insert": { bucket: "pool", units: 400 },
};

/** A name in a setting (a model, a quota bucket, an API operation): what fits in a table cell. */
const name = z.string().min(1).max(200);
/** A map setting: names to values, at most 100 of them (every change is stored and sent to every client). */
const namedMap = <T extends z.ZodType>(value: T) =>
  z.record(name, value).refine((map) => Object.keys(map).length <= 100, "at most 100 entries");

const price = z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) });

/** Every setting, its schema and default. */
export const SETTINGS = {
  /** USD per million tokens, by model. */
  "analysis.prices": namedMap(price).default(DEFAULT_PRICES),
  /** The most analysis may cost in one Pacific day (USD); 0 turns paid analysis off. */
  "analysis.dailyBudgetUsd": z.number().min(0).max(10_000).default(5),
  /** The LLM pool's limits; the defaults suit a free-tier key (raise them for a paid project). */
  "analysis.pool": z.object({
    concurrency: z.number().int().min(1).max(50),
    rpm: z.number().int().min(1).max(100_000),
    tpm: z.number().int().min(1_000).max(100_000_000),
  }).default({ concurrency: 5, rpm: 10, tpm: 250_000 }),
  /** Sampling temperature and reply length of analysis calls. */
  "analysis.generation": z.object({
    temperature: z.number().min(0).max(2),
    maxOutputTokens: z.number().int().min(256).max(65_536),
  }).default({ temperature: 0.4, maxOutputTokens: 8_192 }),
  /**
   * Jobs of each stage one daemon runs at once (ffmpeg and LLM calls stay within their pools);
   * render jobs default to the render pool's size (half the cores), so none waits idle for it.
   */
  "queue.concurrency": z.object({
    analyze: z.number().int().min(1).max(20),
    render: z.number().int().min(1).max(20),
    export: z.number().int().min(1).max(20).default(1),
  }).default({ analyze: 2, render: Math.max(1, Math.floor(navigator.hardwareConcurrency / 2)), export: 1 }),
  /** Runs of a stage before a transient failure fails the job, and the first backoff (doubling). */
  "queue.retries": z.object({
    attempts: z.number().int().min(1).max(10),
    backoffMs: z.number().int().min(100).max(600_000),
  }).default({ attempts: 3, backoffMs: 5_000 }),
  /**
   * The publishing calendar: slot times in the channel's time zone, videos per slot, caps per
   * kind and per day, how far ahead it is offered, and the lead time before a slot.
   */
  "schedule.calendar": z.object({
    timeZone: z.string().max(64).refine(isTimeZone, "expected an IANA time zone such as Europe/Madrid"),
    slots: z.array(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM, e.g. 08:00")).min(1).max(24)
      .refine((v) => new Set(v).size === v.length, "a slot time appears twice")
      .transform((v) => [...v].sort()),
    capacityPerSlot: z.number().int().min(1).max(20),
    perKindPerDay: z.object({
      short: z.number().int().min(0).max(100),
      long: z.number().int().min(0).max(100),
    }),
    maxPerDay: z.number().int().min(1).max(100),
    horizonDays: z.number().int().min(1).max(90),
    leadMinutes: z.number().int().min(0).max(7 * 24 * 60),
  }).default({
    timeZone: "UTC",
    slots: ["08:00", "12:00", "18:00"],
    capacityPerSlot: 1,
    perKindPerDay: { short: 3, long: 1 },
    maxPerDay: 3,
    horizonDays: 14,
    leadMinutes: 60,
  }),
  /** The Google Cloud project whose quota the uploads spend (a name for the ledger). */
  "quota.project": z.string().trim().min(1).max(100).default("default"),
  /** Daily limit of each quota bucket (units or calls), per Pacific day. */
  "quota.buckets": namedMap(z.object({ limit: z.number().int().min(0).max(100_000_000) }))
    .default({ pool: { limit: 10_000 }, "videos.insert": { limit: 100 } }),
  /** What each API operation costs, and from which bucket (Google changes these; keep them here). */
  "quota.costs": namedMap(z.object({ bucket: name, units: z.number().int().min(0).max(100_000) }))
    .default(DEFAULT_COSTS),
  /** A bucket past this share of its limit shows in the warning colour. */
  "quota.warningPercent": z.number().min(0).max(100).default(80),
  /** How videos are published: private with publishAt = the slot, or at once; upload chunking. */
  "youtube.upload": z.object({
    privacy: z.enum(["scheduled", "private", "unlisted", "public"]),
    chunkBytes: z.number().int().min(256 * 1024).max(256 * 1024 * 1024)
      .refine((n) => n % (256 * 1024) === 0, "expected a multiple of 256 KiB (262144 bytes)"),
    categoryId: z.string().regex(/^\d{1,4}$/),
    thumbnail: z.boolean(),
    playlistId: z.string().regex(
      /^[\w-]{1,64}$/,
      "expected a playlist id such as PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    ).optional(),
  }).default({ privacy: "scheduled", chunkBytes: 8 * 1024 * 1024, categoryId: "27", thumbnail: false }),
} as const;

/** A setting's name. */
export type SettingKey = keyof typeof SETTINGS;
/** A setting's value. */
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;
/** Every setting's value. */
export type Settings = { [K in SettingKey]: SettingValue<K> };

/** Zod schema of a partial update, for `settings.update`. */
export const settingsUpdateSchema = z.object(SETTINGS).partial().strict();

/** Reads and changes settings. */
export class SettingsStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** One setting (its default when never set). */
  async get<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
    const row = await this.db.selectFrom("settings").select("value").where("key", "=", key)
      .executeTakeFirst();
    return SETTINGS[key].parse(row?.value ?? undefined) as SettingValue<K>;
  }

  /** Every setting. */
  async all(): Promise<Settings> {
    const rows = await this.db.selectFrom("settings").select(["key", "value"]).execute();
    const stored = new Map(rows.map((r) => [r.key, r.value]));
    return Object.fromEntries(
      Object.entries(SETTINGS).map(([key, schema]) => [key, schema.parse(stored.get(key) ?? undefined)]),
    ) as Settings;
  }

  /**
   * Stores a setting from the environment on first start only: a value already in the database
   * (set by a user at run time) wins. Returns whether it was stored.
   */
  async seed<K extends SettingKey>(
    key: K,
    value: z.input<(typeof SETTINGS)[K]>,
    by: string,
  ): Promise<boolean> {
    const parsed = SETTINGS[key].parse(value);
    const inserted = await this.db.insertInto("settings").values({
      key,
      value: JSON.stringify(parsed),
      updated_by: by,
    })
      .onConflict((oc) => oc.column("key").doNothing()).returning("key").executeTakeFirst();
    if (inserted) {
      await this.db.insertInto("settings_audit")
        .values({ key, old_value: null, new_value: JSON.stringify(parsed), changed_by: by }).execute();
    }
    return Boolean(inserted);
  }

  /** Validates and stores the given settings in one transaction, auditing each change. */
  async update(values: z.input<typeof settingsUpdateSchema>, by: string): Promise<Settings> {
    const parsed = settingsUpdateSchema.parse(values);
    await this.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(parsed)) {
        if (value === undefined) continue;
        const old = await trx.selectFrom("settings").select("value").where("key", "=", key).forUpdate()
          .executeTakeFirst();
        await trx.insertInto("settings").values({ key, value: JSON.stringify(value), updated_by: by })
          .onConflict((oc) =>
            oc.column("key").doUpdateSet({
              value: JSON.stringify(value),
              updated_by: by,
              updated_at: new Date(),
            })
          ).execute();
        await trx.insertInto("settings_audit").values({
          key,
          old_value: old ? JSON.stringify(old.value) : null,
          new_value: JSON.stringify(value),
          changed_by: by,
        }).execute();
      }
    });
    return await this.all();
  }
}
