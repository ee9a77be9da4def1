/**
 * Run-time settings kept in the database, each validated by its zod schema, with defaults, and
 * every change audited (who, when, from what to what). Environment variables only seed them.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../db/mod.ts";
import { DEFAULT_PRICES } from "../analysis/cost.ts";

const price = z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) });

/** Every setting, its schema and default. */
export const SETTINGS = {
  /** USD per million tokens, by model. */
  "analysis.prices": z.record(z.string().min(1), price).default(DEFAULT_PRICES),
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
  /** Jobs of each stage one daemon runs at once (ffmpeg and LLM calls stay within their pools). */
  "queue.concurrency": z.object({
    analyze: z.number().int().min(1).max(20),
    render: z.number().int().min(1).max(20),
  }).default({ analyze: 2, render: 2 }),
  /** Runs of a stage before a transient failure fails the job, and the first backoff (doubling). */
  "queue.retries": z.object({
    attempts: z.number().int().min(1).max(10),
    backoffMs: z.number().int().min(100).max(600_000),
  }).default({ attempts: 3, backoffMs: 5_000 }),
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
