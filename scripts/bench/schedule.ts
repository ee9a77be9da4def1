/**
 * `schedule.create` under contention, against real PostgreSQL: 50 clients, each issuing calls
 * back to back, 1,000 attempts in all, each for a given slot (`at`) of a ten-day calendar with
 * room for half of them (six slots of 10 a day, 50 a day; every other attempt of a day asks for
 * its first slot) and a quota ledger that fills (videos.insert 100 a Pacific day, a thumbnail's
 * 50 units from the 10,000 pool), so many attempts are refused — by a full slot, a full day or
 * spent quota. Two passes, each on a fresh schema:
 *
 * - direct: a `Scheduler` over a pg pool of one connection per client; the time of each
 *   `create` call (render and settings reads, the transaction, reading the schedule back);
 * - daemon: an in-process API daemon (`startTestDaemon`, role `api` so that no upload worker
 *   takes the file-less renders; its pool is `openDatabase`'s default of 10 connections) and one
 *   WebSocket connection per client; the end-to-end call time.
 *
 * Each pass first times 50 creates by one caller alone (each cancelled again, on a day of its
 * own). Each transaction is timed by wrapping the Kysely instance the scheduler calls
 * `db.transaction()` on: from BEGIN to COMMIT/ROLLBACK (a connection held, row-lock waits
 * included), and from asking for it (waiting for a pool connection included). Afterwards the
 * calendar is audited: every slot's `taken` ≤ capacity and equal to its active schedules, every
 * day's counts ≤ the caps and equal to its schedules, every ledger row's `reserved` equal to its
 * active schedules' reservations and `used + reserved` ≤ the limit, one active schedule per
 * render, and one schedule per successful call. Exits 1 on any overbooking, inconsistency or
 * unexpected error.
 *
 * Needs TEST_DATABASE_URL (a PostgreSQL database it may create schemas in) and, for the daemon
 * pass, TEST_REDIS_URL, as scripts/test sets them; schemas, daemons and Redis keys are removed
 * afterwards.
 *
 *   deno task bench:schedule [--json] [--clients 50] [--attempts 1000] [--pool N] [--only direct|daemon]
 *
 * --pool sets the direct pass's pool size (default: one connection per client).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { type Kysely, sql, type Transaction } from "kysely";
import { TRPCClientError } from "@trpc/client";
import { systemClock } from "../../daemon/clock.ts";
import { migrateToLatest, openDatabase } from "../../daemon/db/mod.ts";
import type { DB } from "../../daemon/db/schema.ts";
import { createLogger } from "../../daemon/log.ts";
import { nextDay, ScheduleConflictError, Scheduler, zonedDay, zonedTime } from "../../daemon/schedule/mod.ts";
import { SettingsStore } from "../../daemon/settings/mod.ts";
import { createClient, type LingoreelClient } from "../../shared/client.ts";
import { seedRenders } from "../../tests/helpers/schedule_fixture.ts";
import { createTestSchema, dropRedisPrefix, uniqueName } from "../../tests/helpers/services.ts";
import { startTestDaemon } from "../../tests/helpers/test_daemon.ts";

const args = Deno.args;
const json = args.includes("--json");
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const CLIENTS = Number(option("--clients") ?? 50);
const ATTEMPTS = Number(option("--attempts") ?? 1000);
const POOL = Number(option("--pool") ?? CLIENTS);
const only = option("--only");
/** `openDatabase`'s default pool size; the daemon does not pass one. */
const DAEMON_POOL = 10;
const TARGET_P99_MS = 50;

for (const [name, value] of [["--clients", CLIENTS], ["--attempts", ATTEMPTS], ["--pool", POOL]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} expects a positive integer`);
}
if (only && only !== "direct" && only !== "daemon") throw new Error(`--only expects direct or daemon`);
if (!Deno.env.get("TEST_DATABASE_URL") || (only !== "direct" && !Deno.env.get("TEST_REDIS_URL"))) {
  console.error(
    "bench:schedule needs TEST_DATABASE_URL (a PostgreSQL database it may create schemas in) and, " +
      "for the daemon pass, TEST_REDIS_URL (a Redis), as scripts/test sets them.",
  );
  Deno.exit(2);
}

// ---------------------------------------------------------------------------------------------
// the scenario

/** Bench days start this many days from today (clear of the lead time) and run for DAYS days. */
const FIRST_DAY = 2;
const DAYS = 10;
const CALENDAR = {
  timeZone: "Europe/Madrid",
  slots: ["08:00", "10:00", "12:00", "14:00", "16:00", "18:00"],
  capacityPerSlot: 10,
  perKindPerDay: { short: 50, long: 1 },
  maxPerDay: 50,
  // one more day for the warm-up, outside the bench days
  horizonDays: FIRST_DAY + DAYS + 1,
  leadMinutes: 60,
};
const BUCKETS = { pool: { limit: 10_000 }, "videos.insert": { limit: 100 } };
const UPLOAD = {
  privacy: "scheduled",
  chunkBytes: 8 * 1024 * 1024,
  categoryId: "27",
  thumbnail: true,
} as const;
const CALENDAR_ROOM = DAYS * Math.min(CALENDAR.slots.length * CALENDAR.capacityPerSlot, CALENDAR.maxPerDay);
/** Sequential create + cancel pairs before the contended run: untimed, then timed (one caller). */
const WARM_UP = 10;
const ALONE = 50;
const FIRST_RENDER = WARM_UP + ALONE;
const ACTIVE = ["scheduled", "uploading", "uploaded"] as const;

/** The instants of the calendar's slots on a day `offset` days from today. */
function slotsOn(offset: number): string[] {
  const day = nextDay(zonedDay(Date.now(), CALENDAR.timeZone), offset);
  return CALENDAR.slots.map((t) => new Date(zonedTime(day, t, CALENDAR.timeZone)).toISOString());
}

// ---------------------------------------------------------------------------------------------
// small helpers

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Spread {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, in ms. */
function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

interface TxSample {
  /** BEGIN done → COMMIT or ROLLBACK done: a connection held, row-lock waits included. */
  heldMs: number;
  /** `execute` called → done: waiting for a pool connection and BEGIN included. */
  totalMs: number;
  committed: boolean;
}

/** Transactions seen: timed while `on`, and how many were open at once. */
interface Recorder {
  on: boolean;
  samples: TxSample[];
  open: number;
  maxOpen: number;
}

const recorder = (): Recorder => ({ on: false, samples: [], open: 0, maxOpen: 0 });

/**
 * The same Kysely, with every `transaction().execute(…)` timed into the recorder (the scheduler
 * runs each reservation as one). Everything else is passed through, bound to the real instance.
 */
function timingTransactions(db: Kysely<DB>, rec: Recorder): Kysely<DB> {
  const pass = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === "function" ? value.bind(target) : value;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== "transaction") return pass(target, prop);
      return () =>
        new Proxy(target.transaction(), {
          get(builder, key) {
            if (key !== "execute") return pass(builder, key);
            return async <T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
              const asked = performance.now();
              let began = asked;
              let committed = false;
              let holding = false;
              const on = rec.on;
              try {
                const out = await builder.execute((trx) => {
                  began = performance.now();
                  holding = true;
                  rec.maxOpen = Math.max(rec.maxOpen, ++rec.open);
                  return work(trx);
                });
                committed = true;
                return out;
              } finally {
                const done = performance.now();
                if (holding) rec.open--;
                if (on) rec.samples.push({ heldMs: done - began, totalMs: done - asked, committed });
              }
            };
          },
        });
    },
  });
}

type Outcome = "reserved" | "slot" | "day" | "quota" | "busy" | "otherConflict" | "error";

/** What a refusal was about, from the scheduler's message. */
function refusal(message: string): Outcome {
  if (/busy/.test(message)) return "busy";
  if (/quota/.test(message)) return "quota";
  if (/slot is full/.test(message)) return "slot";
  if (/ has its \d+ /.test(message)) return "day";
  return "otherConflict";
}

/** Sets the scenario's settings and seeds the renders (warm-up ones first). */
async function prepare(db: Kysely<DB>): Promise<number[]> {
  await new SettingsStore(db).update({
    "schedule.calendar": CALENDAR,
    "quota.buckets": BUCKETS,
    "youtube.upload": UPLOAD,
  }, "bench");
  return await seedRenders(db, FIRST_RENDER + ATTEMPTS);
}

/** `CLIENTS` workers issuing `call(attempt, worker)` back to back until `ATTEMPTS` were made. */
async function drive(
  call: (attempt: number, worker: number) => Promise<Outcome>,
): Promise<{ wallMs: number; callMs: number[]; outcomes: Record<Outcome, number>; firstError?: string }> {
  const outcomes: Record<Outcome, number> = {
    reserved: 0,
    slot: 0,
    day: 0,
    quota: 0,
    busy: 0,
    otherConflict: 0,
    error: 0,
  };
  const callMs: number[] = [];
  let next = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, worker) => {
    for (let i = next++; i < ATTEMPTS; i = next++) {
      const t0 = performance.now();
      let outcome: Outcome;
      try {
        outcome = await call(i, worker);
      } catch (error) {
        outcome = "error";
        firstError ??= String(error);
      }
      callMs.push(performance.now() - t0);
      outcomes[outcome]++;
    }
  }));
  return { wallMs: performance.now() - started, callMs, outcomes, firstError };
}

const benchSlots = Array.from({ length: DAYS }, (_, d) => slotsOn(FIRST_DAY + d));
const warmUpSlots = slotsOn(FIRST_DAY + DAYS);

/**
 * The slot attempt `i` asks for: the days in turn; on each day, every other attempt asks for the
 * first slot (which fills), the rest go round the other slots (where the day's cap is reached).
 */
function slotFor(i: number): string {
  const turn = Math.floor(i / DAYS);
  const slot = turn % 2 === 0 ? 0 : 1 + (Math.floor(turn / 2) % (CALENDAR.slots.length - 1));
  return benchSlots[i % DAYS][slot];
}

/**
 * One caller alone: create + cancel on the warm-up day, `WARM_UP` times untimed, then `ALONE`
 * times with the create's call and transaction timed.
 */
async function alone(
  rec: Recorder,
  renders: number[],
  create: (renderId: number, at: string) => Promise<number>,
  cancel: (id: number) => Promise<unknown>,
): Promise<{ callMs: Spread; transactionMs: Spread }> {
  const callMs: number[] = [];
  for (let i = 0; i < WARM_UP + ALONE; i++) {
    rec.on = i >= WARM_UP;
    const started = performance.now();
    const id = await create(renders[i], warmUpSlots[i % warmUpSlots.length]);
    if (rec.on) callMs.push(performance.now() - started);
    rec.on = false;
    await cancel(id);
  }
  const out = { callMs: spread(callMs), transactionMs: spread(rec.samples.map((s) => s.heldMs)) };
  rec.samples = [];
  rec.maxOpen = 0;
  rec.on = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// the audit

interface Audit {
  activeSchedules: number;
  /** The states of the schedules the contended run made (something else may have moved them on). */
  statesOfReserved: Record<string, number>;
  /** A slot, day or ledger row holding more than its capacity, caps or limit. */
  overbookings: number;
  /** A count that disagrees with the schedules it counts. */
  inconsistencies: number;
  problems: string[];
}

async function audit(db: Kysely<DB>, reserved: number, benchRenders: number[]): Promise<Audit> {
  const [made, active, slots, days, ledger] = await Promise.all([
    db.selectFrom("schedules").select("state").where("render_id", "in", benchRenders).execute(),
    db.selectFrom("schedules").selectAll().where("state", "in", [...ACTIVE]).execute(),
    db.selectFrom("schedule_slots").selectAll().execute(),
    db.selectFrom("schedule_days").selectAll().execute(),
    db.selectFrom("quota_ledger").selectAll().execute(),
  ]);
  const problems: string[] = [];
  let overbookings = 0;
  let inconsistencies = 0;
  const over = (what: string) => (overbookings++, problems.push(`overbooked: ${what}`));
  const off = (what: string) => (inconsistencies++, problems.push(`inconsistent: ${what}`));
  const time = (d: Date | string) => new Date(d).getTime();

  for (const slot of slots) {
    const at = new Date(slot.starts_at).toISOString();
    const count = active.filter((s) => s.channel === slot.channel && time(s.slot_at) === time(slot.starts_at))
      .length;
    if (slot.taken > CALENDAR.capacityPerSlot) {
      over(`slot ${at} taken ${slot.taken} > ${CALENDAR.capacityPerSlot}`);
    }
    if (slot.taken !== count) off(`slot ${at} taken ${slot.taken}, ${count} active schedules`);
  }
  for (const s of active) {
    if (!slots.some((r) => r.channel === s.channel && time(r.starts_at) === time(s.slot_at))) {
      off(`schedule ${s.id} is in slot ${new Date(s.slot_at).toISOString()}, which has no row`);
    }
  }
  for (const day of days) {
    const mine = active.filter((s) => s.channel === day.channel && s.local_day === day.day);
    const shorts = mine.filter((s) => s.kind === "short").length;
    const longs = mine.length - shorts;
    if (day.shorts > CALENDAR.perKindPerDay.short) over(`day ${day.day} has ${day.shorts} Shorts`);
    if (day.longs > CALENDAR.perKindPerDay.long) over(`day ${day.day} has ${day.longs} lessons`);
    if (day.shorts + day.longs > CALENDAR.maxPerDay) {
      over(`day ${day.day} has ${day.shorts + day.longs} videos`);
    }
    if (day.shorts !== shorts || day.longs !== longs) {
      off(`day ${day.day} counts ${day.shorts}/${day.longs}, schedules ${shorts}/${longs}`);
    }
  }
  for (const row of ledger) {
    const sum = active.filter((s) => s.project === row.project && s.quota_day === row.day)
      .reduce((n, s) => n + ((s.reservation as Record<string, number>)[row.bucket] ?? 0), 0);
    const limit = Math.min(row.limit, BUCKETS[row.bucket as keyof typeof BUCKETS]?.limit ?? row.limit);
    if (row.used + row.reserved > limit) {
      over(`quota ${row.day} ${row.bucket}: used ${row.used} + reserved ${row.reserved} > ${limit}`);
    }
    if (row.reserved !== sum) {
      off(`quota ${row.day} ${row.bucket}: reserved ${row.reserved}, schedules ${sum}`);
    }
  }
  for (const s of active) {
    for (const bucket of Object.keys(s.reservation as Record<string, number>)) {
      if (!ledger.some((r) => r.project === s.project && r.day === s.quota_day && r.bucket === bucket)) {
        off(`schedule ${s.id} reserved ${bucket} on ${s.quota_day}, which has no ledger row`);
      }
    }
  }
  if (new Set(active.map((s) => s.render_id)).size !== active.length) {
    off("a render is on the calendar twice");
  }
  if (made.length !== reserved) off(`${reserved} successful calls made ${made.length} schedules`);
  const statesOfReserved: Record<string, number> = {};
  for (const { state } of made) statesOfReserved[state] = (statesOfReserved[state] ?? 0) + 1;
  return {
    activeSchedules: active.length,
    statesOfReserved,
    overbookings,
    inconsistencies,
    problems: problems.slice(0, 20),
  };
}

// ---------------------------------------------------------------------------------------------
// the passes

interface Pass {
  what: string;
  poolSize: number;
  /** One caller alone, sequential (create + cancel on a day of its own). */
  alone: { callMs: Spread; transactionMs: Spread };
  wallMs: number;
  attempts: number;
  outcomes: Record<Outcome, number>;
  firstError?: string;
  reservationsPerSecond: number;
  attemptsPerSecond: number;
  callMs: Spread;
  transactionMs: Spread & { committed: Spread; refused: Spread };
  transactionWithPoolWaitMs: Spread;
  maxTransactionsAtOnce: number;
  audit: Audit;
}

function summarise(
  what: string,
  poolSize: number,
  alone: Pass["alone"],
  run: Awaited<ReturnType<typeof drive>>,
  rec: Recorder,
  result: Audit,
): Pass {
  const { samples } = rec;
  return {
    what,
    poolSize,
    alone,
    wallMs: Math.round(run.wallMs),
    attempts: ATTEMPTS,
    outcomes: run.outcomes,
    ...(run.firstError ? { firstError: run.firstError } : {}),
    reservationsPerSecond: round(run.outcomes.reserved / (run.wallMs / 1000)),
    attemptsPerSecond: round(ATTEMPTS / (run.wallMs / 1000)),
    callMs: spread(run.callMs),
    transactionMs: {
      ...spread(samples.map((s) => s.heldMs)),
      committed: spread(samples.filter((s) => s.committed).map((s) => s.heldMs)),
      refused: spread(samples.filter((s) => !s.committed).map((s) => s.heldMs)),
    },
    transactionWithPoolWaitMs: spread(samples.map((s) => s.totalMs)),
    maxTransactionsAtOnce: rec.maxOpen,
    audit: result,
  };
}

const log = createLogger({ level: "error" });
let postgres = "";

async function serverVersion(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
  postgres = rows[0].server_version;
}

/** A `Scheduler` over its own pool, `CLIENTS` concurrent callers in this process. */
async function direct(): Promise<Pass> {
  await using schema = await createTestSchema();
  await using database = await openDatabase({ databaseUrl: schema.url, dataDir: "", log, poolSize: POOL });
  const { db } = database;
  await migrateToLatest(db, log);
  await serverVersion(db);
  const renders = await prepare(db);
  const rec = recorder();
  const settings = new SettingsStore(db);
  const scheduler = new Scheduler({ db: timingTransactions(db, rec), settings, clock: systemClock });

  // open every connection of the pool
  await Promise.all(Array.from({ length: POOL }, () => sql`select pg_sleep(0.02)`.execute(db)));
  const single = await alone(
    rec,
    renders,
    async (renderId, at) => (await scheduler.create(renderId, at)).id,
    (id) => scheduler.cancel(id),
  );
  const run = await drive(async (i) => {
    try {
      await scheduler.create(renders[FIRST_RENDER + i], slotFor(i));
      return "reserved";
    } catch (error) {
      if (error instanceof ScheduleConflictError) return refusal(error.message);
      throw error;
    }
  });
  return summarise(
    "Scheduler.create in-process",
    POOL,
    single,
    run,
    rec,
    await audit(db, run.outcomes.reserved, renders.slice(FIRST_RENDER)),
  );
}

/** An in-process daemon, `CLIENTS` WebSocket clients calling `schedule.create` through the router. */
async function daemon(): Promise<Pass> {
  const prefix = uniqueName("lrbench");
  await using _keys = { [Symbol.asyncDispose]: () => dropRedisPrefix(prefix) }; // after the daemon stopped
  // an API daemon: no upload worker taking the (file-less) renders it schedules to YouTube
  await using t = await startTestDaemon({ LINGOREEL_ROLE: "api", LINGOREEL_REDIS_PREFIX: prefix });
  const { db } = t.daemon.services.database;
  await serverVersion(db);
  const renders = await prepare(db);
  const rec = recorder();
  // time the daemon's own transactions: the scheduler keeps its Kysely in `deps.db`
  const internals = t.daemon.services.scheduler as unknown as { deps?: { db?: Kysely<DB> } };
  const timed = internals.deps?.db === db;
  if (timed) internals.deps!.db = timingTransactions(db, rec);
  else console.error("(the scheduler's Kysely was not found in its deps: no transaction times)");

  const clients: LingoreelClient[] = Array.from(
    { length: CLIENTS },
    () => createClient({ url: t.daemon.url, token: t.token }),
  );
  try {
    // connect every client
    await Promise.all(clients.map((c) => c.quota.status.query()));
    const single = await alone(
      rec,
      renders,
      async (renderId, at) => (await clients[0].schedule.create.mutate({ renderId, at })).id,
      (id) => clients[0].schedule.cancel.mutate({ id }),
    );
    const run = await drive(async (i, worker) => {
      try {
        await clients[worker].schedule.create.mutate({ renderId: renders[FIRST_RENDER + i], at: slotFor(i) });
        return "reserved";
      } catch (error) {
        if (error instanceof TRPCClientError && error.data?.code === "CONFLICT") {
          return refusal(error.message);
        }
        throw error;
      }
    });
    return summarise(
      "schedule.create over WebSocket, end to end",
      DAEMON_POOL,
      single,
      run,
      rec,
      await audit(db, run.outcomes.reserved, renders.slice(FIRST_RENDER)),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

// ---------------------------------------------------------------------------------------------
// main

const benchStarted = performance.now();
const passes: Record<string, Pass> = {};
if (only !== "daemon") passes.direct = await direct();
if (only !== "direct") passes.daemon = await daemon();

const failed = Object.values(passes).some((p) =>
  p.audit.overbookings > 0 || p.audit.inconsistencies > 0 || p.outcomes.error > 0 ||
  p.outcomes.otherConflict > 0
);
const result = {
  postgres,
  cores: navigator.hardwareConcurrency,
  clients: CLIENTS,
  attempts: ATTEMPTS,
  calendar: {
    days: DAYS,
    slotsPerDay: CALENDAR.slots.length,
    capacityPerSlot: CALENDAR.capacityPerSlot,
    maxPerDay: CALENDAR.maxPerDay,
    room: CALENDAR_ROOM,
    quotaPerPacificDay: BUCKETS["videos.insert"].limit,
  },
  targetP99Ms: TARGET_P99_MS,
  transactionP99UnderTarget: Object.fromEntries(
    Object.entries(passes).map(([name, p]) => [name, p.transactionMs.p99 < TARGET_P99_MS]),
  ),
  ...passes,
  benchSeconds: round((performance.now() - benchStarted) / 1000),
  ok: !failed,
};

if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(
    `schedule.create against PostgreSQL ${postgres.split(" ")[0]}: ${CLIENTS} concurrent clients, ` +
      `${ATTEMPTS} attempts for given slots (${navigator.hardwareConcurrency} cores)`,
  );
  console.log(
    `  calendar: ${DAYS} days × ${CALENDAR.slots.length} slots of ${CALENDAR.capacityPerSlot}, ` +
      `${CALENDAR.maxPerDay} a day (room for ${CALENDAR_ROOM}); quota ${
        BUCKETS["videos.insert"].limit
      } uploads a Pacific day, reserved from today on`,
  );
  const ms = (s: Spread) => s.count ? `p50 ${s.p50}, p99 ${s.p99}, max ${s.max} ms` : "none";
  for (const [name, p] of Object.entries(passes)) {
    const o = p.outcomes;
    const tx = p.transactionMs;
    console.log(`\n  ${name}: ${p.what}; a pool of ${p.poolSize} connections`);
    console.log(`    alone           call ${ms(p.alone.callMs)}; transaction ${ms(p.alone.transactionMs)}`);
    console.log(
      `    ${CLIENTS} clients      ${o.reserved} reserved; refused: ${o.slot} slot full, ${o.day} day full, ` +
        `${o.quota} quota spent, ${o.busy} lock timeouts${
          o.otherConflict ? `, ${o.otherConflict} other` : ""
        }${o.error ? `; ${o.error} ERRORS (first: ${p.firstError})` : ""}`,
    );
    console.log(
      `    wall time       ${p.wallMs} ms: ${p.reservationsPerSecond} reservations/s, ${p.attemptsPerSecond} attempts/s`,
    );
    console.log(`    call            ${ms(p.callMs)}`);
    console.log(
      `    transaction     ${ms(tx)}   (target p99 < ${TARGET_P99_MS}: ${
        tx.p99 < TARGET_P99_MS ? "ok" : "OVER"
      })`,
    );
    console.log(`      committed     ${ms(tx.committed)}`);
    console.log(`      refused       ${ms(tx.refused)}`);
    console.log(
      `      + pool wait   ${
        ms(p.transactionWithPoolWaitMs)
      }; at most ${p.maxTransactionsAtOnce} open at once`,
    );
    console.log(
      `    audit           ${p.audit.activeSchedules} active schedules, ${p.audit.overbookings} overbookings, ` +
        `${p.audit.inconsistencies} inconsistencies`,
    );
    const states = Object.entries(p.audit.statesOfReserved);
    if (states.some(([state]) => state !== "scheduled")) {
      console.log(
        `      the reserved ones are now: ${states.map(([state, n]) => `${n} ${state}`).join(", ")}`,
      );
    }
    for (const problem of p.audit.problems) console.log(`      ${problem}`);
  }
  console.log(
    `\n  transaction = BEGIN → COMMIT/ROLLBACK, waits for row locks included; + pool wait = from asking for one`,
  );
  console.log(`  ${result.ok ? "ok" : "FAILED"} in ${result.benchSeconds} s`);
}
if (failed) Deno.exit(1);
