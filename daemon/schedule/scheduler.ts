/**
 * Reservations on the publishing calendar and the quota ledger, each in one transaction.
 *
 * Every transaction that changes them creates the rows it needs (`INSERT … ON CONFLICT DO
 * NOTHING`) and locks them (`SELECT … FOR UPDATE`, or, for a reservation, one upsert per row that
 * creates, locks and counts it only when there is room) in one global order — ledger rows by
 * (project, day, bucket), then day rows, then slot rows, then the schedule — under a 5 s
 * `lock_timeout`, so concurrent callers queue instead of overbooking, and never deadlock across
 * daemons. Within one daemon the transactions also take turns (a mutex): waiting in line in
 * PostgreSQL's row locks convoys (every waiter re-reads the row each commit), waiting here does not.
 */
import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { CalendarDay, QuotaStatus, Schedule } from "../../shared/schedule.ts";
import { type Clock, nextPacificMidnight, pacificDay } from "../clock.ts";
import type { DB, SchedulesTable } from "../db/schema.ts";
import type { SettingsStore, SettingValue } from "../settings/mod.ts";
import { RenderNotFoundError } from "../render/mod.ts";
import { Semaphore } from "../semaphore.ts";
import {
  type Calendar,
  findSlot,
  offeredSlots,
  quotaDays,
  reservationFor,
  type Slot,
  uploadOperations,
} from "./calendar.ts";

/** A full slot, day or quota, a video already on the calendar, or a state that forbids the change. */
export class ScheduleConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleConflictError";
  }
}

/** No schedule with that id. */
export class ScheduleNotFoundError extends Error {
  constructor(id: number) {
    super(`No schedule with id ${id}: list them with schedule.list.`);
    this.name = "ScheduleNotFoundError";
  }
}

type Row = Selectable<SchedulesTable>;
type Tx = Transaction<DB>;

/** What a reservation needs to know, read once per call. */
interface Context {
  now: number;
  calendar: Calendar;
  project: string;
  limits: SettingValue<"quota.buckets">;
  reservation: Record<string, number>;
  privacy: SettingValue<"youtube.upload">["privacy"];
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

export class Scheduler {
  /** This daemon's calendar transactions take turns (see the module comment). */
  readonly #turns = new Semaphore(1);

  constructor(
    private readonly deps: {
      db: Kysely<DB>;
      settings: SettingsStore;
      clock: Clock;
      /** The channel the calendar belongs to. */
      channel?: string;
      /** Called after a change, with the Pacific days whose quota it touched. */
      onChanged?: (change: { scheduleIds: number[]; quotaDays: string[] }) => void;
    },
  ) {}

  get #channel(): string {
    return this.deps.channel ?? "default";
  }

  async #context(): Promise<Context> {
    const { settings } = this.deps;
    const [calendar, project, limits, costs, upload] = await Promise.all([
      settings.get("schedule.calendar"),
      settings.get("quota.project"),
      settings.get("quota.buckets"),
      settings.get("quota.costs"),
      settings.get("youtube.upload"),
    ]);
    const reservation = reservationFor(costs, uploadOperations(upload));
    for (const bucket of Object.keys(reservation)) {
      if (!limits[bucket]) {
        throw new ScheduleConflictError(
          `quota.costs charges bucket "${bucket}", which quota.buckets does not define: add its daily limit in settings.`,
        );
      }
    }
    return { now: this.deps.clock.now(), calendar, project, limits, reservation, privacy: upload.privacy };
  }

  /**
   * Puts a rendered video on the calendar: at the given slot, or the next free one. Reserves the
   * quota of its upload on the first Pacific day with room before the slot.
   */
  async create(renderId: number, at?: string): Promise<Schedule> {
    const { db } = this.deps;
    const render = await db.selectFrom("renders").select(["id", "kind"]).where("id", "=", renderId)
      .executeTakeFirst();
    if (!render) throw new RenderNotFoundError([renderId]);
    await this.#refuseIfScheduled(db, renderId);
    const ctx = await this.#context();
    const candidates = at ? [this.#requestedSlot(ctx, at)] : offeredSlots(ctx.calendar, ctx.now);
    const reasons = new Set<string>();
    for (const slot of candidates) {
      const full = await this.#full(slot, render.kind, ctx);
      if (full && at) throw new ScheduleConflictError(full);
      if (full) continue;
      try {
        const row = await this.#transaction((trx) => this.#reserve(trx, ctx, slot, render));
        this.deps.onChanged?.({ scheduleIds: [row.id], quotaDays: [row.quota_day] });
        return await this.get(row.id);
      } catch (error) {
        if (!(error instanceof SlotFullError)) throw error;
        if (at) throw new ScheduleConflictError(error.message);
        reasons.add(error.reason);
      }
    }
    throw new ScheduleConflictError(
      `No free slot for render ${renderId} in the next ${ctx.calendar.horizonDays} days` +
        (reasons.size ? ` (${[...reasons].join("; ")})` : "") +
        ": add slot times or capacity in schedule.calendar, or cancel something.",
    );
  }

  /** Takes a video off the calendar, releasing its slot and quota. */
  async cancel(id: number): Promise<Schedule> {
    const row = await this.#transaction(async (trx) => {
      const current = await this.#lockSchedule(trx, id);
      if (current.state !== "scheduled" && current.state !== "failed") {
        throw new ScheduleConflictError(
          `Schedule ${id} is ${current.state}: ` +
            (current.state === "uploaded"
              ? `the video is on YouTube (${current.video_id}); delete or change it there.`
              : current.state === "uploading"
              ? "wait for the upload to finish, then change it on YouTube."
              : "it is already off the calendar."),
        );
      }
      if (current.state === "scheduled") await this.#release(trx, current);
      return await trx.updateTable("schedules").set({ state: "cancelled", updated_at: new Date() })
        .where("id", "=", id).returningAll().executeTakeFirstOrThrow();
    });
    this.deps.onChanged?.({ scheduleIds: [id], quotaDays: [row.quota_day] });
    return await this.get(id);
  }

  /** Moves a scheduled video to another slot (or the next free one), in one transaction. */
  async move(id: number, at?: string): Promise<Schedule> {
    const existing = await this.deps.db.selectFrom("schedules").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (!existing) throw new ScheduleNotFoundError(id);
    const ctx = await this.#context();
    const candidates = at ? [this.#requestedSlot(ctx, at)] : offeredSlots(ctx.calendar, ctx.now);
    for (const slot of candidates) {
      if (slot.startsAt === new Date(existing.slot_at).getTime()) continue;
      const full = await this.#full(slot, existing.kind, ctx);
      if (full && at) throw new ScheduleConflictError(full);
      if (full) continue;
      try {
        const row = await this.#transaction(async (trx) => {
          const current = await this.#lockSchedule(trx, id, {
            ctx,
            quotaDays: quotaDays(ctx.now, slot.startsAt, ctx.privacy === "scheduled"),
            slot,
          });
          if (current.state !== "scheduled") {
            throw new ScheduleConflictError(
              `Schedule ${id} is ${current.state}; only a scheduled video can be moved.`,
            );
          }
          await this.#release(trx, current);
          const moved = await this.#reserve(
            trx,
            ctx,
            slot,
            { id: current.render_id, kind: current.kind },
            id,
          );
          return { moved, from: current.quota_day };
        });
        this.deps.onChanged?.({ scheduleIds: [id], quotaDays: [row.from, row.moved.quota_day] });
        return await this.get(id);
      } catch (error) {
        if (!(error instanceof SlotFullError)) throw error;
        if (at) throw new ScheduleConflictError(error.message);
      }
    }
    throw new ScheduleConflictError(
      `No other free slot for schedule ${id} in the next ${ctx.calendar.horizonDays} days.`,
    );
  }

  /** One schedule. */
  async get(id: number): Promise<Schedule> {
    const [schedule] = await this.list({ ids: [id] });
    if (!schedule) throw new ScheduleNotFoundError(id);
    return schedule;
  }

  /** Schedules by slot time. */
  async list(
    filter: { ids?: number[]; from?: string; to?: string; states?: Schedule["state"][] } = {},
  ): Promise<
    Schedule[]
  > {
    let query = this.deps.db.selectFrom("schedules").innerJoin("renders", "renders.id", "schedules.render_id")
      .selectAll("schedules").select(["renders.sidecar", "renders.size_bytes"]);
    if (filter.ids) query = query.where("schedules.id", "in", filter.ids.length ? filter.ids : [-1]);
    if (filter.from) query = query.where("schedules.slot_at", ">=", new Date(filter.from));
    if (filter.to) query = query.where("schedules.slot_at", "<", new Date(filter.to));
    if (filter.states) query = query.where("schedules.state", "in", filter.states);
    const rows = await query.orderBy("schedules.slot_at").orderBy("schedules.id").execute();
    return rows.map((r) => {
      const titles = (r.sidecar as { titles?: Record<string, string> }).titles ?? {};
      return {
        id: r.id,
        renderId: r.render_id,
        kind: r.kind,
        title: Object.values(titles)[0] ?? `render ${r.render_id}`,
        channel: r.channel,
        slotAt: iso(r.slot_at),
        localDay: r.local_day,
        quotaDay: r.quota_day,
        reservation: r.reservation,
        state: r.state,
        privacy: r.privacy,
        videoId: r.video_id,
        uploadedBytes: Number(r.uploaded_bytes),
        sizeBytes: Number(r.size_bytes),
        error: r.error,
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      };
    });
  }

  /** The calendar from a day: each offered slot with what is left, and each day's caps. */
  async slots(input: { from?: string; days?: number } = {}): Promise<CalendarDay[]> {
    const { calendar } = await this.#context();
    const now = this.deps.clock.now();
    const slots = offeredSlots(calendar, now, { fromDay: input.from, days: input.days ?? 7 });
    if (!slots.length) return [];
    const days = [...new Set(slots.map((s) => s.day))];
    const [dayRows, slotRows] = await Promise.all([
      this.deps.db.selectFrom("schedule_days").selectAll().where("channel", "=", this.#channel)
        .where("day", "in", days).execute(),
      this.deps.db.selectFrom("schedule_slots").selectAll().where("channel", "=", this.#channel)
        .where("starts_at", "in", slots.map((s) => new Date(s.startsAt))).execute(),
    ]);
    return days.map((day) => {
      const counts = dayRows.find((d) => d.day === day);
      return {
        day,
        shorts: counts?.shorts ?? 0,
        longs: counts?.longs ?? 0,
        caps: {
          short: calendar.perKindPerDay.short,
          long: calendar.perKindPerDay.long,
          total: calendar.maxPerDay,
        },
        slots: slots.filter((s) => s.day === day).map((s) => {
          const taken = slotRows.find((r) => new Date(r.starts_at).getTime() === s.startsAt)?.taken ?? 0;
          return {
            startsAt: new Date(s.startsAt).toISOString(),
            time: s.time,
            capacity: calendar.capacityPerSlot,
            taken,
            left: Math.max(0, calendar.capacityPerSlot - taken),
          };
        }),
      };
    });
  }

  /** The quota buckets of a Pacific day (default today). */
  async quotaStatus(day?: string): Promise<QuotaStatus> {
    const { settings, db } = this.deps;
    const [project, limits, warningPercent] = await Promise.all([
      settings.get("quota.project"),
      settings.get("quota.buckets"),
      settings.get("quota.warningPercent"),
    ]);
    const now = this.deps.clock.now();
    const the = day ?? pacificDay(now);
    const rows = await db.selectFrom("quota_ledger").selectAll().where("project", "=", project)
      .where("day", "=", the).execute();
    const channel = await db.selectFrom("youtube_channels").selectAll().where("channel", "=", this.#channel)
      .executeTakeFirst();
    const until = (exhausted: Date | null) =>
      exhausted ? new Date(nextPacificMidnight(new Date(exhausted).getTime())) : null;
    return {
      project,
      day: the,
      warningPercent,
      cooldownUntil: channel?.cooldown_until && new Date(channel.cooldown_until).getTime() > now
        ? iso(channel.cooldown_until)
        : null,
      buckets: Object.entries(limits).map(([name, { limit }]) => {
        const row = rows.find((r) => r.bucket === name);
        const used = row?.used ?? 0;
        const reserved = row?.reserved ?? 0;
        const percent = limit ? Math.round(((used + reserved) / limit) * 1000) / 10 : 100;
        const exhaustedUntil = until(row?.exhausted_at ?? null);
        const exhausted = exhaustedUntil !== null && exhaustedUntil.getTime() > now;
        return {
          name,
          limit,
          used,
          reserved,
          free: Math.max(0, limit - used - reserved),
          percent,
          warning: exhausted || percent >= warningPercent,
          exhausted,
          until: exhausted ? exhaustedUntil!.toISOString() : null,
        };
      }),
    };
  }

  // ---- the upload's side of the ledger ----

  /**
   * Charges one API call of a schedule's upload: its units leave the reservation (on the quota
   * day) and are used on the Pacific day the call was made.
   */
  async charge(id: number, operation: string): Promise<void> {
    const costs = await this.deps.settings.get("quota.costs");
    const cost = costs[operation];
    if (!cost) return;
    const today = pacificDay(this.deps.clock.now());
    const row = await this.#transaction(async (trx) => {
      const seen = await trx.selectFrom("schedules").selectAll().where("id", "=", id)
        .executeTakeFirstOrThrow();
      const limit = (await this.deps.settings.get("quota.buckets"))[cost.bucket]?.limit ?? 0;
      await trx.insertInto("quota_ledger").values({
        project: seen.project,
        day: today,
        bucket: cost.bucket,
        limit,
      })
        .onConflict((oc) => oc.doNothing()).execute();
      await trx.selectFrom("quota_ledger").select("day").where("project", "=", seen.project)
        .where("day", "in", [...new Set([seen.quota_day, today])].sort()).where("bucket", "=", cost.bucket)
        .orderBy("day").forUpdate().execute();
      const current = await trx.selectFrom("schedules").selectAll().where("id", "=", id).forUpdate()
        .executeTakeFirstOrThrow();
      const held = Math.min(current.reservation[cost.bucket] ?? 0, cost.units);
      if (held) {
        await trx.updateTable("quota_ledger").set((eb) => ({
          reserved: sql`greatest(${eb.ref("reserved")} - ${held}, 0)`,
        }))
          .where("project", "=", current.project).where("day", "=", current.quota_day).where(
            "bucket",
            "=",
            cost.bucket,
          )
          .execute();
      }
      await trx.updateTable("quota_ledger").set((eb) => ({ used: sql`${eb.ref("used")} + ${cost.units}` }))
        .where("project", "=", current.project).where("day", "=", today).where("bucket", "=", cost.bucket)
        .execute();
      const reservation = {
        ...current.reservation,
        [cost.bucket]: (current.reservation[cost.bucket] ?? 0) - held,
      };
      if (!reservation[cost.bucket]) delete reservation[cost.bucket];
      return await trx.updateTable("schedules").set({
        reservation: JSON.stringify(reservation),
        updated_at: new Date(),
      })
        .where("id", "=", id).returningAll().executeTakeFirstOrThrow();
    });
    this.deps.onChanged?.({ scheduleIds: [id], quotaDays: [...new Set([row.quota_day, today])] });
  }

  /**
   * Ends a schedule whose upload cannot succeed: what is still reserved goes back to the ledger,
   * and its slot and day count are freed (the video can be scheduled again).
   */
  async fail(id: number, error: string): Promise<void> {
    const row = await this.#transaction(async (trx) => {
      const current = await this.#lockSchedule(trx, id);
      if (current.state === "uploaded" || current.state === "cancelled" || current.state === "failed") {
        return current;
      }
      await this.#release(trx, current);
      return await trx.updateTable("schedules").set({
        state: "failed",
        error,
        reservation: "{}",
        updated_at: new Date(),
      })
        .where("id", "=", id).returningAll().executeTakeFirstOrThrow();
    });
    this.deps.onChanged?.({ scheduleIds: [id], quotaDays: [row.quota_day] });
  }

  /**
   * Google said the bucket is spent (quotaExceeded): the ledger marks it so until the next
   * Pacific midnight, and the schedule's reservation moves to the next day with room before its
   * slot. Returns that day, or undefined when none is left (the caller fails the upload).
   */
  async quotaExhausted(id: number, bucket: string): Promise<string | undefined> {
    const now = this.deps.clock.now();
    const today = pacificDay(now);
    const ctx = await this.#context();
    const result = await this.#transaction(async (trx) => {
      const seen = await trx.selectFrom("schedules").selectAll().where("id", "=", id)
        .executeTakeFirstOrThrow();
      const days = quotaDays(now, new Date(seen.slot_at).getTime(), true).filter((d) => d > today);
      const buckets = Object.keys(seen.reservation).sort();
      const all = [...new Set([seen.quota_day, today, ...days])].sort();
      await trx.insertInto("quota_ledger").values(
        all.flatMap((day) =>
          [...new Set([...buckets, bucket])].sort().map((b) => ({
            project: seen.project,
            day,
            bucket: b,
            limit: ctx.limits[b]?.limit ?? 0,
          }))
        ),
      ).onConflict((oc) => oc.doNothing()).execute();
      const rows = await trx.selectFrom("quota_ledger").selectAll().where("project", "=", seen.project)
        .where("day", "in", all).orderBy("day").orderBy("bucket").forUpdate().execute();
      const current = await trx.selectFrom("schedules").selectAll().where("id", "=", id).forUpdate()
        .executeTakeFirstOrThrow();
      await trx.updateTable("quota_ledger").set({ exhausted_at: new Date(now) }).where(
        "project",
        "=",
        current.project,
      )
        .where("day", "=", today).where("bucket", "=", bucket).execute();
      const next = days.find((day) =>
        Object.entries(current.reservation).every(([b, units]) => {
          const r = rows.find((x) => x.day === day && x.bucket === b);
          return r && !r.exhausted_at && (ctx.limits[b]?.limit ?? 0) - r.used - r.reserved >= units;
        })
      );
      if (!next) return { next: undefined, from: current.quota_day };
      for (const [b, units] of Object.entries(current.reservation)) {
        await trx.updateTable("quota_ledger").set((eb) => ({
          reserved: sql`greatest(${eb.ref("reserved")} - ${units}, 0)`,
        }))
          .where("project", "=", current.project).where("day", "=", current.quota_day).where("bucket", "=", b)
          .execute();
        await trx.updateTable("quota_ledger").set((eb) => ({
          reserved: sql`${eb.ref("reserved")} + ${units}`,
        }))
          .where("project", "=", current.project).where("day", "=", next).where("bucket", "=", b).execute();
      }
      await trx.updateTable("schedules").set({
        quota_day: next,
        state: "scheduled",
        error: `quota ${bucket} spent on ${today}; the upload waits for ${next}`,
        updated_at: new Date(),
      }).where("id", "=", id).execute();
      return { next, from: current.quota_day };
    });
    this.deps.onChanged?.({
      scheduleIds: [id],
      quotaDays: [result.from, today, ...(result.next ? [result.next] : [])],
    });
    return result.next;
  }

  /** YouTube's per-channel upload cap was hit (uploadLimitExceeded): no upload for 24 hours. */
  async cooldown(reason: string): Promise<number> {
    const until = new Date(this.deps.clock.now() + 24 * 3_600_000);
    await this.deps.db.insertInto("youtube_channels").values({
      channel: this.#channel,
      cooldown_until: until,
      cooldown_reason: reason,
    })
      .onConflict((oc) =>
        oc.column("channel").doUpdateSet({ cooldown_until: until, cooldown_reason: reason })
      ).execute();
    this.deps.onChanged?.({ scheduleIds: [], quotaDays: [pacificDay(this.deps.clock.now())] });
    return until.getTime();
  }

  /** The end of the channel's cooldown, when one is running. */
  async cooldownUntil(): Promise<number | undefined> {
    const row = await this.deps.db.selectFrom("youtube_channels").select("cooldown_until")
      .where("channel", "=", this.#channel).executeTakeFirst();
    const until = row?.cooldown_until ? new Date(row.cooldown_until).getTime() : 0;
    return until > this.deps.clock.now() ? until : undefined;
  }

  /** Whether a bucket of a Pacific day was reported spent by Google (until that day ends). */
  async exhausted(project: string, day: string): Promise<boolean> {
    const rows = await this.deps.db.selectFrom("quota_ledger").select("exhausted_at").where(
      "project",
      "=",
      project,
    )
      .where("day", "=", day).where("exhausted_at", "is not", null).execute();
    return rows.length > 0 && day === pacificDay(this.deps.clock.now());
  }

  /** The raw row of a schedule (for the uploader). */
  async row(id: number): Promise<Row> {
    const row = await this.deps.db.selectFrom("schedules").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw new ScheduleNotFoundError(id);
    return row;
  }

  // ---- transactions ----

  async #transaction<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    const release = await this.#turns.acquire();
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        await sql`set local lock_timeout = '5s'`.execute(trx);
        return await work(trx);
      });
    } catch (error) {
      if ((error as { code?: string }).code === "55P03") {
        throw new ScheduleConflictError("The calendar is busy (a lock was held for 5 s): try again.");
      }
      if ((error as { code?: string }).code === "23505") {
        throw new ScheduleConflictError(
          "This video is already on the calendar: move or cancel its schedule.",
        );
      }
      throw error;
    } finally {
      release();
    }
  }

  #requestedSlot(ctx: Context, at: string): Slot {
    const instant = new Date(at).getTime();
    const slot = Number.isFinite(instant) ? findSlot(ctx.calendar, ctx.now, instant) : undefined;
    if (!slot) {
      throw new ScheduleConflictError(
        `${at} is not an offered slot: it is in the past or within the ${ctx.calendar.leadMinutes}-minute lead time, ` +
          `beyond the ${ctx.calendar.horizonDays}-day horizon, or not one of ${
            ctx.calendar.slots.join(", ")
          } ` +
          `(${ctx.calendar.timeZone}). List free slots with schedule.slots.`,
      );
    }
    return slot;
  }

  async #refuseIfScheduled(db: Kysely<DB>, renderId: number): Promise<void> {
    const existing = await db.selectFrom("schedules").select(["id", "slot_at"]).where(
      "render_id",
      "=",
      renderId,
    )
      .where("state", "in", ["scheduled", "uploading", "uploaded"]).executeTakeFirst();
    if (existing) {
      throw new ScheduleConflictError(
        `Render ${renderId} is already on the calendar (schedule ${existing.id} at ${
          iso(existing.slot_at)
        }): move or cancel it.`,
      );
    }
  }

  /**
   * Why a slot is plainly full, from an unlocked look (so that a full slot is refused without
   * queueing for locks); undefined when it may fit — the transaction decides.
   */
  async #full(slot: Slot, kind: "short" | "long", ctx: Context): Promise<string | undefined> {
    const { db } = this.deps;
    const [day, taken] = await Promise.all([
      db.selectFrom("schedule_days").selectAll().where("channel", "=", this.#channel).where(
        "day",
        "=",
        slot.day,
      )
        .executeTakeFirst(),
      db.selectFrom("schedule_slots").select("taken").where("channel", "=", this.#channel)
        .where("starts_at", "=", new Date(slot.startsAt)).executeTakeFirst(),
    ]);
    const dayFull = fitsDay(ctx.calendar, kind, day);
    if (dayFull) return `Cannot schedule: ${slot.day} ${dayFull}.`;
    if ((taken?.taken ?? 0) >= ctx.calendar.capacityPerSlot) {
      return `Cannot schedule: the ${slot.day} ${slot.time} slot is full (${ctx.calendar.capacityPerSlot}).`;
    }
    return undefined;
  }

  /**
   * Locks a schedule and every row its change touches — those of a move's new slot and quota
   * days too, created first when missing — in the global order; returns the schedule.
   */
  async #lockSchedule(
    trx: Tx,
    id: number,
    move?: { ctx: Context; quotaDays: string[]; slot: Slot },
  ): Promise<Row> {
    const seen = await trx.selectFrom("schedules").selectAll().where("id", "=", id).executeTakeFirst();
    if (!seen) throw new ScheduleNotFoundError(id);
    const buckets = [
      ...new Set([...Object.keys(seen.reservation), ...Object.keys(move?.ctx.reservation ?? {})]),
    ]
      .sort();
    const days = [...new Set([seen.quota_day, ...(move?.quotaDays ?? [])])].sort();
    const localDays = [...new Set([seen.local_day, ...(move ? [move.slot.day] : [])])].sort();
    const slotTimes = [...new Set([new Date(seen.slot_at).getTime(), ...(move ? [move.slot.startsAt] : [])])]
      .sort((a, b) => a - b).map((t) => new Date(t));
    // the global order: ledger rows, then days, then slots, then the schedule
    const known = buckets.filter((b) => !move || move.ctx.limits[b]);
    if (move && known.length) {
      await trx.insertInto("quota_ledger").values(
        days.flatMap((day) =>
          known.map((bucket) => ({
            project: seen.project,
            day,
            bucket,
            limit: move.ctx.limits[bucket].limit,
          }))
        ),
      ).onConflict((oc) => oc.doNothing()).execute();
    }
    if (buckets.length) {
      await trx.selectFrom("quota_ledger").select("bucket").where("project", "=", seen.project)
        .where("day", "in", days).where("bucket", "in", buckets).orderBy("day").orderBy("bucket").forUpdate()
        .execute();
    }
    if (move) {
      await trx.insertInto("schedule_days").values(localDays.map((day) => ({ channel: seen.channel, day })))
        .onConflict((oc) => oc.doNothing()).execute();
    }
    await trx.selectFrom("schedule_days").select("day").where("channel", "=", seen.channel)
      .where("day", "in", localDays).orderBy("day").forUpdate().execute();
    if (move) {
      await trx.insertInto("schedule_slots").values(
        slotTimes.map((starts_at) => ({ channel: seen.channel, starts_at })),
      )
        .onConflict((oc) => oc.doNothing()).execute();
    }
    await trx.selectFrom("schedule_slots").select("starts_at").where("channel", "=", seen.channel)
      .where("starts_at", "in", slotTimes).orderBy("starts_at").forUpdate().execute();
    return await trx.selectFrom("schedules").selectAll().where("id", "=", id).forUpdate()
      .executeTakeFirstOrThrow();
  }

  /** Gives back a schedule's slot, day count and reserved quota (rows already locked). */
  async #release(trx: Tx, row: Row): Promise<void> {
    for (const [bucket, units] of Object.entries(row.reservation)) {
      await trx.updateTable("quota_ledger").set((eb) => ({
        reserved: sql`greatest(${eb.ref("reserved")} - ${units}, 0)`,
      }))
        .where("project", "=", row.project).where("day", "=", row.quota_day).where("bucket", "=", bucket)
        .execute();
    }
    await trx.updateTable("schedule_days").set((eb) =>
      row.kind === "short"
        ? { shorts: sql`greatest(${eb.ref("shorts")} - 1, 0)` }
        : { longs: sql`greatest(${eb.ref("longs")} - 1, 0)` }
    ).where("channel", "=", row.channel).where("day", "=", row.local_day).execute();
    await trx.updateTable("schedule_slots").set((eb) => ({ taken: sql`greatest(${eb.ref("taken")} - 1, 0)` }))
      .where("channel", "=", row.channel).where("starts_at", "=", row.slot_at).execute();
  }

  /**
   * Reserves quota, day and slot for a render and writes its schedule (a new one, or `moveId`'s).
   * Each row is created, locked, checked and counted in one statement (an upsert whose update
   * only happens when there is room), in the global order; throws {@link SlotFullError} when
   * something is full, which rolls the whole transaction back.
   */
  async #reserve(
    trx: Tx,
    ctx: Context,
    slot: Slot,
    render: { id: number; kind: "short" | "long" },
    moveId?: number,
  ): Promise<Row> {
    const channel = this.#channel;
    const { calendar } = ctx;
    const startsAt = new Date(slot.startsAt);
    const buckets = Object.keys(ctx.reservation).sort();
    let quotaDay: string | undefined;
    for (const day of quotaDays(ctx.now, slot.startsAt, ctx.privacy === "scheduled")) {
      const taken: string[] = [];
      for (const bucket of buckets) {
        const units = ctx.reservation[bucket];
        const limit = ctx.limits[bucket].limit;
        const row = await sql<{ bucket: string }>`
          insert into quota_ledger (project, day, bucket, "limit", reserved)
          select ${ctx.project}, ${day}::date, ${bucket}, ${limit}::int, ${units}::int where ${units}::int <= ${limit}::int
          on conflict (project, day, bucket) do update set
            reserved = quota_ledger.reserved + ${units}, "limit" = excluded."limit"
            where quota_ledger.exhausted_at is null
              and excluded."limit" - quota_ledger.used - quota_ledger.reserved >= ${units}
          returning bucket`.execute(trx);
        if (!row.rows.length) break;
        taken.push(bucket);
      }
      if (taken.length === buckets.length) {
        quotaDay = day;
        break;
      }
      // this day has no room in every bucket: give back what was taken, try the next day
      for (const bucket of taken) {
        await trx.updateTable("quota_ledger").set((eb) => ({
          reserved: sql`${eb.ref("reserved")} - ${ctx.reservation[bucket]}`,
        }))
          .where("project", "=", ctx.project).where("day", "=", day).where("bucket", "=", bucket).execute();
      }
    }
    if (!quotaDay) {
      throw new SlotFullError(
        "quota",
        `the YouTube quota (${
          buckets.join(", ")
        }) is spent on every day the upload could be made before ${startsAt.toISOString()}`,
      );
    }

    const short = render.kind === "short" ? 1 : 0;
    const dayRow = await sql<{ shorts: number }>`
      insert into schedule_days (channel, day, shorts, longs) values (${channel}, ${slot.day}, ${short}, ${
      1 - short
    })
      on conflict (channel, day) do update set
        shorts = schedule_days.shorts + ${short}, longs = schedule_days.longs + ${1 - short}
        where schedule_days.shorts + schedule_days.longs < ${calendar.maxPerDay}
          and (${short} = 0 or schedule_days.shorts < ${calendar.perKindPerDay.short})
          and (${short} = 1 or schedule_days.longs < ${calendar.perKindPerDay.long})
      returning shorts`.execute(trx);
    if (!dayRow.rows.length || calendar.perKindPerDay[render.kind] === 0) {
      const day = await trx.selectFrom("schedule_days").selectAll().where("channel", "=", channel)
        .where("day", "=", slot.day).executeTakeFirst();
      throw new SlotFullError("day", `${slot.day} ${fitsDay(calendar, render.kind, day) ?? "takes no more"}`);
    }

    const slotRow = await sql<{ taken: number }>`
      insert into schedule_slots (channel, starts_at, taken) values (${channel}, ${startsAt}, 1)
      on conflict (channel, starts_at) do update set taken = schedule_slots.taken + 1
        where schedule_slots.taken < ${calendar.capacityPerSlot}
      returning taken`.execute(trx);
    if (!slotRow.rows.length) {
      throw new SlotFullError(
        "slot",
        `the ${slot.day} ${slot.time} slot is full (${calendar.capacityPerSlot})`,
      );
    }

    const values = {
      slot_at: startsAt,
      local_day: slot.day,
      project: ctx.project,
      quota_day: quotaDay,
      reservation: JSON.stringify(ctx.reservation),
      updated_at: new Date(),
    };
    if (moveId !== undefined) {
      return await trx.updateTable("schedules").set(values).where("id", "=", moveId).returningAll()
        .executeTakeFirstOrThrow();
    }
    return await trx.insertInto("schedules").values({
      ...values,
      render_id: render.id,
      channel,
      kind: render.kind,
      state: "scheduled",
      privacy: ctx.privacy,
    }).returningAll().executeTakeFirstOrThrow();
  }
}

/** Why a day cannot take another video of a kind, or undefined when it can. */
function fitsDay(
  calendar: Calendar,
  kind: "short" | "long",
  day: { shorts: number; longs: number } | undefined,
): string | undefined {
  const shorts = day?.shorts ?? 0;
  const longs = day?.longs ?? 0;
  if (shorts + longs >= calendar.maxPerDay) return `has its ${calendar.maxPerDay} videos`;
  if (kind === "short" && shorts >= calendar.perKindPerDay.short) {
    return `has its ${calendar.perKindPerDay.short} Shorts`;
  }
  if (kind === "long" && longs >= calendar.perKindPerDay.long) {
    return `has its ${calendar.perKindPerDay.long} lessons`;
  }
  return undefined;
}

/** Something the reservation needs is full (caught to try the next slot). */
class SlotFullError extends Error {
  constructor(readonly what: "quota" | "day" | "slot", readonly reason: string) {
    super(`Cannot schedule: ${reason}.`);
    this.name = "SlotFullError";
  }
}
