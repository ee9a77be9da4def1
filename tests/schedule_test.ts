import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { TRPCClientError } from "@trpc/client";
import { createClient } from "../shared/client.ts";
import { nextPacificMidnight, pacificDay, systemClock } from "../daemon/clock.ts";
import { offeredSlots, quotaDays } from "../daemon/schedule/calendar.ts";
import { nextDay, zonedDay, zonedTime } from "../daemon/schedule/zoned.ts";
import { Scheduler } from "../daemon/schedule/mod.ts";
import { startTestDaemon, type TestDaemon } from "./helpers/test_daemon.ts";
import { seedRenders } from "./helpers/schedule_fixture.ts";

const CALENDAR = {
  timeZone: "Europe/Madrid",
  slots: ["08:00", "12:00", "18:00"],
  capacityPerSlot: 2,
  perKindPerDay: { short: 6, long: 1 },
  maxPerDay: 6,
  horizonDays: 14,
  leadMinutes: 60,
};

Deno.test("wall-clock slots in a time zone are DST-correct, and past or too-near slots are never offered", () => {
  // Madrid: 2027-03-28 springs forward at 02:00 (UTC+1 → UTC+2); 2027-10-31 falls back at 03:00
  assertEquals(
    new Date(zonedTime("2027-03-27", "08:00", "Europe/Madrid")).toISOString(),
    "2027-03-27T07:00:00.000Z",
  );
  assertEquals(
    new Date(zonedTime("2027-03-28", "08:00", "Europe/Madrid")).toISOString(),
    "2027-03-28T06:00:00.000Z",
  );
  assertEquals(
    new Date(zonedTime("2027-03-28", "02:30", "Europe/Madrid")).toISOString(),
    "2027-03-28T01:30:00.000Z",
  );
  assertEquals(
    new Date(zonedTime("2027-10-31", "02:30", "Europe/Madrid")).toISOString(),
    "2027-10-31T00:30:00.000Z",
  );
  assertEquals(
    new Date(zonedTime("2027-10-31", "08:00", "Europe/Madrid")).toISOString(),
    "2027-10-31T07:00:00.000Z",
  );
  assertEquals(zonedDay(Date.parse("2026-11-21T23:30:00Z"), "Europe/Madrid"), "2026-11-22");
  assertEquals(nextDay("2026-12-31"), "2027-01-01");

  const now = Date.parse("2026-11-21T10:30:00Z"); // 11:30 in Madrid
  const slots = offeredSlots({ ...CALENDAR, leadMinutes: 60 }, now);
  // 12:00 is inside the hour of lead time: the first offer is 18:00 today
  assertEquals(slots[0].day, "2026-11-21");
  assertEquals(slots[0].time, "18:00");
  assert(slots.every((s) => s.startsAt >= now + 60 * 60_000));
  assertEquals(slots.at(-1)!.day, "2026-12-04", "14 days of horizon");
  assertEquals(offeredSlots({ ...CALENDAR, leadMinutes: 0 }, now)[0].time, "12:00");
});

Deno.test("quota days are Pacific days: 23:59 and 00:01 PT, and the DST start and end days", () => {
  // PST is UTC-8, PDT UTC-7; DST starts 2027-03-14 02:00 and ends 2027-11-07 02:00
  assertEquals(pacificDay(Date.parse("2026-11-22T07:59:00Z")), "2026-11-21"); // 23:59 PST
  assertEquals(pacificDay(Date.parse("2026-11-22T08:01:00Z")), "2026-11-22"); // 00:01 PST
  assertEquals(pacificDay(Date.parse("2027-03-14T07:59:00Z")), "2027-03-13"); // 23:59 PST, before the change
  assertEquals(pacificDay(Date.parse("2027-03-15T06:59:00Z")), "2027-03-14"); // 23:59 PDT on the 23-hour day
  assertEquals(pacificDay(Date.parse("2027-03-15T07:01:00Z")), "2027-03-15"); // 00:01 PDT
  assertEquals(pacificDay(Date.parse("2027-11-08T07:59:00Z")), "2027-11-07"); // 23:59 PST on the 25-hour day
  assertEquals(pacificDay(Date.parse("2027-11-08T08:01:00Z")), "2027-11-08");
  assertEquals(
    new Date(nextPacificMidnight(Date.parse("2027-03-14T12:00:00Z"))).toISOString(),
    "2027-03-15T07:00:00.000Z",
  );
  assertEquals(
    new Date(nextPacificMidnight(Date.parse("2027-11-07T12:00:00Z"))).toISOString(),
    "2027-11-08T08:00:00.000Z",
  );
  // an upload for a slot at 00:30 PT tomorrow may be made today or (just) tomorrow; one published
  // at once is uploaded on its slot's Pacific day
  const now = Date.parse("2026-11-21T20:00:00Z"); // 12:00 PST
  assertEquals(quotaDays(now, Date.parse("2026-11-23T08:30:00Z"), true), [
    "2026-11-21",
    "2026-11-22",
    "2026-11-23",
  ]);
  assertEquals(quotaDays(now, Date.parse("2026-11-23T08:30:00Z"), false), ["2026-11-23"]);
});

/** Every offered slot time of a day three days ahead, in the calendar's zone. */
function slotsOf(day: string): string[] {
  return CALENDAR.slots.map((t) => new Date(zonedTime(day, t, CALENDAR.timeZone)).toISOString());
}

async function ledger(t: TestDaemon) {
  const db = t.daemon.services.database.db;
  const quota = await db.selectFrom("quota_ledger").selectAll().where("bucket", "=", "videos.insert")
    .execute();
  const slots = await db.selectFrom("schedule_slots").selectAll().execute();
  const days = await db.selectFrom("schedule_days").selectAll().execute();
  const schedules = await db.selectFrom("schedules").selectAll().where("state", "=", "scheduled").execute();
  return {
    reserved: quota.reduce((n, r) => n + r.reserved, 0),
    taken: slots.reduce((n, r) => n + r.taken, 0),
    shorts: days.reduce((n, r) => n + r.shorts, 0),
    scheduled: schedules.length,
  };
}

/** `count` concurrent schedule.create calls, each on its own WebSocket connection. */
async function race(t: TestDaemon, renders: number[], slots: string[]) {
  const clients = renders.map(() => createClient({ url: t.daemon.url, token: t.token }));
  try {
    const results = await Promise.allSettled(
      renders.map((renderId, i) =>
        clients[i].schedule.create.mutate({ renderId, at: slots[i % slots.length] })
      ),
    );
    const codes = results.filter((r) => r.status === "rejected").map((r) => {
      const reason = (r as PromiseRejectedResult).reason;
      return reason instanceof TRPCClientError ? reason.data?.code : String(reason);
    });
    return { ok: results.filter((r) => r.status === "fulfilled").length, codes };
  } finally {
    for (const c of clients) c.close();
  }
}

Deno.test("200 concurrent schedule.create calls on separate connections for a day with room for 6: exactly 6 succeed, the rest get CONFLICT, and the ledger agrees", async () => {
  await using t = await startTestDaemon();
  const api = t.caller();
  await api.settings.update({ "schedule.calendar": CALENDAR });
  const renders = await seedRenders(t.daemon.services.database.db, 402);
  const today = zonedDay(Date.now(), CALENDAR.timeZone);

  // a day whose rows do not exist yet
  const first = await race(t, renders.slice(0, 200), slotsOf(nextDay(today, 3)));
  assertEquals(first.ok, 6);
  assertEquals(first.codes.length, 194);
  assert(first.codes.every((c) => c === "CONFLICT"), [...new Set(first.codes)].join(", "));
  assertEquals(await ledger(t), { reserved: 6, taken: 6, shorts: 6, scheduled: 6 });

  // a day whose rows exist beforehand (one video scheduled and cancelled there)
  const day = nextDay(today, 4);
  const probe = await api.schedule.create({ renderId: renders[400], at: slotsOf(day)[0] });
  await api.schedule.cancel({ id: probe.id });
  const second = await race(t, renders.slice(200, 400), slotsOf(day));
  assertEquals(second.ok, 6);
  assert(second.codes.every((c) => c === "CONFLICT"));
  assertEquals(await ledger(t), { reserved: 12, taken: 12, shorts: 12, scheduled: 12 });

  const slots = await api.schedule.slots({ from: day, days: 1 });
  assertEquals(slots[0].shorts, 6);
  assertEquals(slots[0].slots.map((s) => s.left), [0, 0, 0]);
  const quota = await api.quota.status();
  assertEquals(quota.buckets.find((b) => b.name === "videos.insert")!.reserved, 12);
});

Deno.test("moves between two days in opposite orders never deadlock; cancel and move release and re-reserve", async () => {
  await using t = await startTestDaemon();
  const api = t.caller();
  // published at once, each video's upload is reserved on its own slot's Pacific day: a move
  // between two days locks two days of the ledger
  await api.settings.update({
    "schedule.calendar": {
      ...CALENDAR,
      capacityPerSlot: 20,
      maxPerDay: 40,
      perKindPerDay: { short: 40, long: 1 },
    },
    "youtube.upload": { privacy: "public", chunkBytes: 8 * 1024 * 1024, categoryId: "27", thumbnail: false },
  });
  const renders = await seedRenders(t.daemon.services.database.db, 20);
  const today = zonedDay(Date.now(), CALENDAR.timeZone);
  const [a, b] = [slotsOf(nextDay(today, 2))[1], slotsOf(nextDay(today, 5))[1]];
  const onA = await Promise.all(
    renders.slice(0, 10).map((renderId) => api.schedule.create({ renderId, at: a })),
  );
  const onB = await Promise.all(
    renders.slice(10).map((renderId) => api.schedule.create({ renderId, at: b })),
  );
  // A → B and B → A at once, ten pairs, each through a scheduler of its own on the same database
  // (as from many daemons: one daemon's own transactions take turns, so only the lock order
  // stands between these and a deadlock)
  const own = () =>
    new Scheduler({
      db: t.daemon.services.database.db,
      settings: t.daemon.services.settings,
      clock: systemClock,
    });
  const moves = await Promise.allSettled([
    ...onA.map((s) => own().move(s.id, b)),
    ...onB.map((s) => own().move(s.id, a)),
  ]);
  const failures = moves.filter((m) => m.status === "rejected").map((m) =>
    String((m as PromiseRejectedResult).reason)
  );
  assertEquals(failures, []);
  assertEquals(await ledger(t), { reserved: 20, taken: 20, shorts: 20, scheduled: 20 });
  const list = await api.schedule.list();
  assertEquals((await api.schedule.list({ ids: [onA[0].id] })).map((s) => s.id), [onA[0].id]);
  assertEquals(list.filter((s) => s.slotAt === a).length, 10);
  assertEquals(new Set(list.filter((s) => s.slotAt === a).map((s) => s.id)), new Set(onB.map((s) => s.id)));

  // through the router: a move there and back
  const there = await api.schedule.move({ id: onA[1].id, at: a });
  assertEquals(there.slotAt, a);
  await api.schedule.move({ id: onA[1].id, at: b });
  // cancel gives everything back; a cancelled schedule cannot be cancelled again
  await api.schedule.cancel({ id: onA[0].id });
  assertEquals(await ledger(t), { reserved: 19, taken: 19, shorts: 19, scheduled: 19 });
  await assertRejects(() => api.schedule.cancel({ id: onA[0].id }), Error, "already off the calendar");
  // the same video cannot be on the calendar twice
  await assertRejects(
    () => api.schedule.create({ renderId: onB[0].renderId }),
    Error,
    "already on the calendar",
  );
  // without `at`, the next free slot
  const next = await api.schedule.create({ renderId: onA[0].renderId });
  const calendar = { ...CALENDAR, capacityPerSlot: 20 };
  assertEquals(Date.parse(next.slotAt), offeredSlots(calendar, Date.now())[0].startsAt);
});

Deno.test("a past or unknown slot is refused with the reason; bad input names the field", async () => {
  await using t = await startTestDaemon();
  const api = t.caller();
  await api.settings.update({ "schedule.calendar": CALENDAR });
  const [render] = await seedRenders(t.daemon.services.database.db, 1);
  const yesterday = nextDay(zonedDay(Date.now(), CALENDAR.timeZone), -1);
  const error = await assertRejects(() =>
    api.schedule.create({ renderId: render, at: slotsOf(yesterday)[0] })
  );
  assertStringIncludes((error as Error).message, "not an offered slot");
  await assertRejects(
    () => api.schedule.create({ renderId: render, at: "2030-01-01T08:07:00Z" }),
    Error,
    "not an offered slot",
  );
  await assertRejects(() => api.schedule.create({ renderId: 999_999 }), Error, "999999");
  await assertRejects(() => api.schedule.create({ renderId: render, at: "tomorrow" }), Error, "ISO 8601");
  await assertRejects(
    () => api.settings.update({ "schedule.calendar": { ...CALENDAR, timeZone: "Mars/Olympus" } }),
    Error,
    "IANA time zone",
  );
  await assertRejects(() => api.settings.update({ "quota.warningPercent": 120 }), Error);
  // a thumbnail reserves 50 units of the pool next to the upload's call (compared as numbers: 50 ≤ 10000)
  await api.settings.update({
    "youtube.upload": {
      privacy: "scheduled",
      chunkBytes: 8 * 1024 * 1024,
      categoryId: "27",
      thumbnail: true,
    },
  });
  const withThumbnail = await api.schedule.create({ renderId: render });
  assertEquals(withThumbnail.reservation, { pool: 50, "videos.insert": 1 });
  await assertRejects(
    () =>
      api.settings.update({
        "youtube.upload": { privacy: "scheduled", chunkBytes: 1000, categoryId: "27", thumbnail: false },
      }),
    Error,
    "256 KiB",
  );
});

Deno.test("the PGlite path gives the same answer: 50 concurrent calls for a day with room for 6", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-pglite-" });
  try {
    await using t = await startTestDaemon({ DATABASE_URL: "" }, { dataDir });
    assertEquals(t.daemon.services.database.kind, "pglite");
    await t.caller().settings.update({ "schedule.calendar": CALENDAR });
    const renders = await seedRenders(t.daemon.services.database.db, 50);
    const result = await race(t, renders, slotsOf(nextDay(zonedDay(Date.now(), CALENDAR.timeZone), 3)));
    assertEquals(result.ok, 6);
    assert(result.codes.every((c) => c === "CONFLICT"));
    assertEquals(await ledger(t), { reserved: 6, taken: 6, shorts: 6, scheduled: 6 });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("reservations made at 23:59 and 00:01 PT, on the DST start and end days, are charged to the right Pacific day", async () => {
  await using t = await startTestDaemon();
  const db = t.daemon.services.database.db;
  const renders = await seedRenders(db, 8);
  const clock = { now: () => 0, sleep: () => Promise.resolve() };
  const scheduler = new Scheduler({ db, settings: t.daemon.services.settings, clock });
  await t.caller().settings.update({
    "schedule.calendar": { ...CALENDAR, timeZone: "America/Los_Angeles", leadMinutes: 0 },
  });
  const cases: [string, string][] = [
    ["2026-11-22T07:59:00Z", "2026-11-21"], // 23:59 PST
    ["2026-11-22T08:01:00Z", "2026-11-22"], // 00:01 PST
    ["2027-03-15T06:59:00Z", "2027-03-14"], // 23:59 PDT on the day DST starts
    ["2027-03-15T07:01:00Z", "2027-03-15"],
    ["2027-11-08T07:59:00Z", "2027-11-07"], // 23:59 PST on the day DST ends
    ["2027-11-08T08:01:00Z", "2027-11-08"],
  ];
  for (const [i, [now, day]] of cases.entries()) {
    clock.now = () => Date.parse(now);
    const schedule = await scheduler.create(renders[i]);
    assertEquals(schedule.quotaDay, day, now);
    assert(Date.parse(schedule.slotAt) > Date.parse(now), "never a past slot");
    const status = await scheduler.quotaStatus();
    assertEquals(status.day, day);
    assertEquals(status.buckets.find((b) => b.name === "videos.insert")!.reserved, 1);
  }
  // the slots offered at 23:59 PT begin with 08:00 the next morning, in Pacific time
  clock.now = () => Date.parse("2027-03-14T06:59:00Z"); // 22:59 PST, 2027-03-13
  const [first] = await scheduler.slots({ days: 2 });
  assertEquals(first.day, "2027-03-14");
  assertEquals(first.slots[0].startsAt, "2027-03-14T15:00:00.000Z", "08:00 PDT, after the change");
});

Deno.test("TZ seeds the calendar's time zone on first start only; a value set at run time wins", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "lingoreel-tz-" });
  try {
    {
      await using t = await startTestDaemon({ TZ: "Asia/Tokyo", DATABASE_URL: "" }, { dataDir });
      assertEquals((await t.caller().settings.get())["schedule.calendar"].timeZone, "Asia/Tokyo");
      await t.caller().settings.update({ "schedule.calendar": CALENDAR });
    }
    await using again = await startTestDaemon({ TZ: "Asia/Tokyo", DATABASE_URL: "" }, { dataDir });
    assertEquals((await again.caller().settings.get())["schedule.calendar"].timeZone, "Europe/Madrid");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
