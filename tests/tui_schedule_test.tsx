/**
 * The Schedule screen rendered with ink-testing-library and a fake client: the agenda by day
 * with each slot's occupancy and the videos in it (an upload's progress bar, a failure's error),
 * a meter per quota bucket in the warning colour past the threshold, the YouTube connection and
 * its warnings, authorising (URL, port, the ssh -L hint, a pasted code), placing marked videos
 * into the next free slots (one `schedule.create` each, conflicts per video), moving a video to
 * a picked slot, cancelling one after a confirmation, the settings form (`settings.update`, the
 * daemon's validation errors on their fields), live reloads from events, and the keys listed.
 */
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { AppEvent } from "../shared/schemas.ts";
import { AUTH_POLL_MS, UPLOAD_POLL_MS } from "../tui/screens/Schedule.tsx";
import { agendaRows, dayLabel } from "../tui/schedule_rows.ts";
import { SettingsForm } from "../tui/schedule_settings_form.ts";
import { ScheduleView } from "../tui/schedule_view.ts";
import { plainTheme } from "../tui/theme.ts";
import {
  calendarDay,
  colourCodes,
  dayFromToday,
  defaultPublishingSettings,
  FakeClient,
  forceColours,
  joined,
  KEYS,
  mount,
  plain,
  press,
  quotaStatusOf,
  type Rendered,
  renderOf,
  resize,
  scheduleOf,
  waitForFrame,
  youtubeStatusOf,
} from "./helpers/tui.tsx";

const { ENTER, ESC, TAB, SHIFT_TAB, CTRL_U, RIGHT } = KEYS;

/** Tomorrow and the day after (UTC, the calendar's zone in these tests). */
const D1 = dayFromToday(1);
const D2 = dayFromToday(2);
const at = (day: string, time: string) => new Date(`${day}T${time}:00.000Z`).toISOString();

/**
 * Tomorrow: 08:00 full (an upload running, a failed one), 12:00 half taken (a scheduled long
 * video), 18:00 free, two places each; the day after: three free slots of one place. Marked
 * videos 1–3 are to place; 4 is marked but holds a slot, 6 is not marked.
 */
function scheduleClient(): FakeClient {
  const fake = new FakeClient();
  fake.calendar = [
    calendarDay(D1, ["08:00", "12:00", "18:00"], {
      capacity: 2,
      taken: { "08:00": 2, "12:00": 1 },
      shorts: 2,
      longs: 1,
    }),
    calendarDay(D2, ["08:00", "12:00", "18:00"]),
  ];
  fake.renders = [
    renderOf({ id: 1, text: "break the ice", marked: true }),
    renderOf({ id: 2, text: "call it a day", kind: "long", marked: true }),
    renderOf({ id: 3, text: "spill the beans", marked: true }),
    renderOf({ id: 4, text: "hit the road", kind: "long", marked: true }),
    renderOf({ id: 6, text: "not marked at all" }),
  ];
  fake.schedules = [
    scheduleOf({
      id: 1,
      renderId: 7,
      slotAt: at(D1, "08:00"),
      state: "uploading",
      uploadedBytes: 1_900_000,
      sizeBytes: 4_200_000,
      title: "Aprende «a piece of cake»",
    }),
    scheduleOf({
      id: 2,
      renderId: 8,
      slotAt: at(D1, "08:00"),
      state: "failed",
      error: "YouTube refused the upload: uploadLimitExceeded. The channel uploads again after the cooldown.",
      title: "Aprende «once in a blue moon»",
    }),
    scheduleOf({ id: 3, renderId: 4, slotAt: at(D1, "12:00"), kind: "long", title: "Learn «hit the road»" }),
    scheduleOf({ id: 4, renderId: 9, slotAt: at(D1, "18:00"), state: "cancelled", title: "Cancelled one" }),
  ];
  return fake;
}

/** Shows the Schedule screen of `fake` at `columns`x`rows` and waits for `text`. */
async function openSchedule(
  fake: FakeClient,
  text = "Learn «hit the road»",
  columns = 100,
  rows = 40,
): Promise<Rendered> {
  const app = mount(fake.app({ initialScreen: "schedule" }));
  resize(app, columns, rows);
  await waitForFrame(app, (f) => f.includes(text), `the schedule screen showing "${text}"`);
  return app;
}

const frameOf = (app: Rendered): string => plain(app.lastFrame() ?? "");
/** The frame's line that contains `text`. */
const lineOf = (frame: string, text: string): string =>
  plain(frame).split("\n").find((l) => l.includes(text)) ?? "";
/** The footer: the frame's last line. */
const footerOf = (frame: string): string => plain(frame).trimEnd().split("\n").at(-1) ?? "";
/** The panels' text with the line breaks taken out: a URL wrapped over lines reads whole. */
const unwrapped = (frame: string): string =>
  plain(frame).split("\n").map((line) => line.replace(/^[│╭╰]\s?/, "").replace(/\s*[│╮╯]$/, "").trim()).join(
    "",
  );

const event = <T extends AppEvent["type"]>(type: T, data: Extract<AppEvent, { type: T }>["data"]): AppEvent =>
  ({ type, at: new Date().toISOString(), source: "test:1", data }) as AppEvent;

/** Presses j until the cursor (`›` at the start of a panel line) is on the line with `text`. */
async function cursorTo(app: Rendered, text: string, key = "j"): Promise<void> {
  for (let i = 0; i < 30; i++) {
    if (/^│ [›»]/.test(lineOf(frameOf(app), text))) return;
    await press(app, key);
  }
  throw new Error(`The cursor never reached "${text}":\n${frameOf(app)}`);
}

Deno.test("the agenda shows each day's slots with their occupancy and the videos in them: state, kind, title, an upload's bar, a failure's error", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  const frame = frameOf(app);

  const tomorrow = dayLabel(D1, dayFromToday(0));
  assertStringIncludes(tomorrow, "tomorrow");
  assertMatch(lineOf(frame, tomorrow), /3 of 3 videos · shorts 2\/3 · longs 1\/1 · day full/);
  assertMatch(lineOf(frame, dayLabel(D2)), /0 of 3 videos · shorts 0\/3 · longs 0\/1/);
  const lines = frame.split("\n");
  const index = (text: string) => lines.findIndex((l) => l.includes(text));
  // Tomorrow's slots, each followed by its videos.
  assertMatch(lines[index(tomorrow) + 1], /08:00\s+2\/2 full/);
  assertMatch(
    lines[index(tomorrow) + 2],
    /⇡ uploading\s+short\s+Aprende «a piece of cake»\s+█{5}░{5}\s+45% 1\.9 MB of 4\.2 MB/,
  );
  assertMatch(
    lines[index(tomorrow) + 3],
    /✗ failed\s+short\s+Aprende «once in a blue moon»\s+YouTube refused the upload/,
  );
  assertMatch(lines[index(tomorrow) + 4], /12:00\s+1\/2 · 1 free/);
  assertMatch(lines[index(tomorrow) + 5], /○ scheduled\s+long\s+Learn «hit the road»/);
  assertMatch(lines[index(tomorrow) + 6], /18:00\s+0\/2 · 2 free/);
  assertMatch(lines[index(tomorrow) + 7], new RegExp(dayLabel(D2)));
  assertFalse(frame.includes("Cancelled one"), "a cancelled video is on the agenda");
  assertStringIncludes(frame, "Agenda — UTC · 2 days · 3 videos");

  // What was asked: every offered slot; the videos from yesterday on, not cancelled ones.
  assertEquals(fake.slotsCalls[0], { days: 90 });
  const agendaCall = fake.scheduleListCalls.find((input) => input?.from !== undefined);
  assertEquals(agendaCall?.states, ["scheduled", "uploading", "uploaded", "failed"]);
  assert(
    Date.parse(agendaCall!.from!) < Date.now() - 24 * 3_600_000,
    "the agenda starts later than yesterday",
  );

  // On the failed video the status line says its whole error.
  await cursorTo(app, "once in a blue moon");
  const failed = joined(frameOf(app));
  assertStringIncludes(
    failed,
    "✗ YouTube refused the upload: uploadLimitExceeded. The channel uploads again after the cooldown.",
  );
});

Deno.test("each video state has its colour: scheduled cyan, uploading yellow, failed red", async () => {
  using _colours = forceColours();
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  const frame = app.lastFrame() ?? "";
  const codesOf = (word: string) => colourCodes(frame.split("\n").find((l) => plain(l).includes(word)) ?? "");
  assert(codesOf("○ scheduled").includes("36"), "scheduled is not cyan");
  assert(codesOf("⇡ uploading").includes("33"), "uploading is not yellow");
  assert(codesOf("✗ failed").includes("31"), "failed is not red");
});

Deno.test("a quota bucket past the warning threshold shows in the warning colour and with ▲; a spent one says until when; the cooldown shows", async () => {
  using _colours = forceColours();
  const fake = scheduleClient();
  const until = "2026-11-22T08:00:00.000Z";
  fake.quota = quotaStatusOf([
    { name: "pool", limit: 10_000, used: 1_200 },
    { name: "videos.insert", limit: 100, used: 80, reserved: 5 },
    { name: "captions", limit: 50, used: 50, until },
  ], { warningPercent: 80, cooldownUntil: "2026-11-21T23:00:00.000Z" });
  using app = await openSchedule(fake, "captions");
  const coloured = app.lastFrame() ?? "";
  const frame = plain(coloured);
  const colouredLine = (text: string) => coloured.split("\n").find((l) => plain(l).includes(text)) ?? "";

  assertMatch(lineOf(frame, "pool"), /│\s{3}pool\s+█░{11}\s+12% 1,200 of 10,000 · 8,800 free/);
  assertMatch(
    lineOf(frame, "videos.insert"),
    /│ ▲ videos\.insert\s+█{10}░{2}\s+85% 85 of 100 \(5 reserved\) · 15 free/,
  );
  assertMatch(
    lineOf(frame, "captions"),
    /│ ✗ captions\s+█{12}\s+100% 50 of 50 · 0 free · spent until \d{4}-\d\d-\d\d \d\d:\d\d/,
  );
  // Yellow (33) on the buckets past the threshold, none on the one below it.
  assert(
    colourCodes(colouredLine("videos.insert")).includes("33"),
    "videos.insert is not in the warning colour",
  );
  assert(
    colourCodes(colouredLine("captions")).includes("33"),
    "the spent bucket is not in the warning colour",
  );
  assertFalse(
    colourCodes(colouredLine("pool")).includes("33"),
    "pool is in the warning colour below the threshold",
  );
  assertStringIncludes(frame, "warning at 80%");
  assertStringIncludes(joined(frame), "▲ Channel cooldown until");

  // The threshold is the daemon's: raised, the bucket is no longer a warning.
  fake.quota = quotaStatusOf([{ name: "videos.insert", limit: 100, used: 80, reserved: 5 }], {
    warningPercent: 90,
  });
  fake.emit(event("quota.changed", { days: [dayFromToday(0)] }));
  await waitForFrame(app, (f) => f.includes("warning at 90%"), "the new threshold");
  assertMatch(lineOf(frameOf(app), "videos.insert"), /│\s{3}videos\.insert/);
  const after = (app.lastFrame() ?? "").split("\n").find((l) => plain(l).includes("videos.insert")) ?? "";
  assertFalse(
    colourCodes(after).includes("33"),
    "videos.insert is in the warning colour below the new threshold",
  );
});

Deno.test("the videos to place are the marked ones without a slot; Space selects, n places each in the next free slot and says which were refused and why", async () => {
  const fake = scheduleClient();
  fake.createConflicts.set(
    2,
    "No free slot for render 2 in the next 14 days (the day's cap of long videos is reached): add slot times or capacity in schedule.calendar, or cancel something.",
  );
  using app = await openSchedule(fake, "spill the beans");
  let frame = frameOf(app);
  assertStringIncludes(frame, "To place — 3 marked videos not on the calendar");
  assertFalse(lineOf(frame, "hit the road").includes("★"), "a video that holds a slot is to place");
  assertFalse(frame.includes("not marked at all"));

  await press(app, RIGHT, " ", "j", " ", "j", " ");
  await waitForFrame(app, (f) => f.includes("3 selected"), "three selected");
  assertMatch(lineOf(frameOf(app), "spill the beans"), /\[x\] ★ short/);
  await press(app, "n");
  frame = joined(await waitForFrame(app, (f) => f.includes("Placed 2 of 3"), "the outcome"));

  assertEquals(fake.scheduleCalls, ["schedule.create 1", "schedule.create 2", "schedule.create 3"]);
  // 12:00 has one place left, then 18:00 (the next free slots, in list order).
  assertStringIncludes(
    frame,
    `✓ Placed 2 of 3 videos: "break the ice" (short) → ${dayLabel(D1)} 12:00, "spill the beans" (short) → ${
      dayLabel(D1)
    } 18:00`,
  );
  assertStringIncludes(
    frame,
    `✗ "call it a day" (long): CONFLICT: No free slot for render 2 in the next 14 days (the day's cap of long videos is reached)`,
  );
  // The placed ones leave the list for the agenda; the refused one stays, still selected.
  await waitForFrame(app, (f) => f.includes("To place — 1 marked video not"), "the placed videos gone");
  frame = frameOf(app);
  assertStringIncludes(frame, "1 selected");
  assertMatch(lineOf(frame, "call it a day"), /\[x\] ★ long/);
  const lines = frame.split("\n");
  const noon = lines.findIndex((l) => /12:00\s+2\/2 full/.test(l));
  assert(noon > 0, "12:00 is not full");
  assertMatch(lines[noon + 1], /○ scheduled\s+long\s+Learn «hit the road»/);
  assertMatch(lines[noon + 2], /○ scheduled\s+short\s+Aprende «break the ice»/);
  assertMatch(lines[noon + 3], /18:00\s+1\/2 · 1 free/);
  assertMatch(lines[noon + 4], /○ scheduled\s+short\s+Aprende «spill the beans»/);
});

Deno.test("p places the video under the cursor in a picked slot; a full slot is refused with the daemon's reason", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake, "spill the beans");
  await press(app, RIGHT, "p");
  await waitForFrame(app, (f) => f.includes(`Placing "break the ice" (short): pick a slot`), "the pick");
  // The cursor is on the first offered slot (08:00, full); j goes to 12:00.
  assertMatch(lineOf(frameOf(app), "08:00  2/2"), /» {3}08:00/);
  await press(app, ENTER);
  await waitForFrame(app, (f) => joined(f).includes("is full"), "the refusal");
  assertEquals(fake.scheduleCalls, [`schedule.create 1 at ${at(D1, "08:00")}`]);
  assertStringIncludes(
    joined(frameOf(app)),
    `✗ "break the ice" (short): CONFLICT: The slot at 08:00 on ${D1} is full.`,
  );

  await press(app, "p", "j", ENTER);
  await waitForFrame(app, (f) => f.includes("✓ Placed 1 video"), "placed");
  assertEquals(fake.scheduleCalls.at(-1), `schedule.create 1 at ${at(D1, "12:00")}`);
  await waitForFrame(app, (f) => /12:00\s+2\/2 full/.test(plain(f)), "12:00 full");
});

Deno.test("M moves the video under the cursor to a picked slot with schedule.move; Esc leaves it", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  await cursorTo(app, "Learn «hit the road»");
  assertStringIncludes(frameOf(app), "M moves the video to another slot · x cancels it");

  await press(app, "M");
  await waitForFrame(app, (f) => f.includes(`Moving "Learn «hit the road»" (long): pick a slot`), "the pick");
  let frame = frameOf(app);
  assertMatch(lineOf(frame, "12:00"), /» {3}12:00/);
  assertStringIncludes(lineOf(frame, "hit the road"), "⇢ moving: Learn «hit the road»");
  assertStringIncludes(lineOf(frame, "Agenda"), "pick a slot");
  assertMatch(footerOf(frame), /^Enter move here\s+n next free slot\s+Esc back/);
  // Esc: nothing is asked, the cursor is back on the video.
  await press(app, ESC);
  await waitForFrame(app, (f) => /│ ›.*Learn «hit the road»/.test(plain(f)), "the cursor back on the video");
  assertEquals(fake.scheduleCalls, []);

  // The slots the cursor rests on are the offered ones, videos are skipped: j goes to 18:00.
  await press(app, "M", "j");
  await waitForFrame(app, (f) => /» {3}18:00/.test(plain(f)), "18:00 picked");
  await press(app, ENTER);
  frame = joined(await waitForFrame(app, (f) => f.includes("✓ Moved"), "the move"));
  assertEquals(fake.scheduleCalls, [`schedule.move 3 at ${at(D1, "18:00")}`]);
  assertStringIncludes(frame, `✓ Moved "Learn «hit the road»" (long) to ${dayLabel(D1)} 18:00`);
  await waitForFrame(app, (f) => /18:00\s+1\/2 · 1 free/.test(plain(f)), "the video in its new slot");
  const lines = frameOf(app).split("\n");
  const slot = lines.findIndex((l) => /18:00\s+1\/2/.test(l));
  assertMatch(lines[slot + 1], /○ scheduled\s+long\s+Learn «hit the road»/);

  // n while picking: the next free slot, chosen by the daemon.
  await cursorTo(app, "Learn «hit the road»", "k");
  await press(app, "M", "n");
  await waitForFrame(app, (f) => fake.scheduleCalls.length === 2 && f.includes("✓ Moved"), "the second move");
  assertEquals(fake.scheduleCalls[1], "schedule.move 3");
});

Deno.test("x asks before it cancels: n keeps the video, y cancels it with schedule.cancel; the daemon's refusal shows", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  await cursorTo(app, "Learn «hit the road»");
  await press(app, "x");
  let frame = joined(await waitForFrame(app, (f) => f.includes("y cancels it"), "the question"));
  assertStringIncludes(
    frame,
    `Cancel "Learn «hit the road»" (long) of ${dayLabel(D1)} 12:00? Its slot and quota are freed.`,
  );
  assertMatch(footerOf(frameOf(app)), /^y cancel the video\s+n \/ Esc keep it/);
  await press(app, "n");
  await waitForFrame(app, (f) => !f.includes("y cancels it"), "the question gone");
  assertEquals(fake.scheduleCalls, []);

  await press(app, "x", "y");
  frame = joined(await waitForFrame(app, (f) => f.includes("✓ Cancelled"), "the cancel"));
  assertEquals(fake.scheduleCalls, ["schedule.cancel 3"]);
  assertStringIncludes(frame, `✓ Cancelled "Learn «hit the road»" (long): its slot and quota are free again`);
  await waitForFrame(
    app,
    (f) => !/scheduled\s+long\s+Learn «hit the road»/.test(plain(f)) && /12:00\s+0\/2/.test(plain(f)),
    "the video gone",
  );
  // Its render holds no slot any more: it is to place again.
  await waitForFrame(app, (f) => f.includes("To place — 4 marked videos"), "hit the road to place again");

  // An upload cannot be cancelled: the daemon says why.
  await cursorTo(app, "a piece of cake", "k");
  await press(app, "x", "y");
  frame = joined(await waitForFrame(app, (f) => f.includes("Could not cancel"), "the refusal"));
  assertEquals(fake.scheduleCalls.at(-1), "schedule.cancel 1");
  assertStringIncludes(
    frame,
    `✗ Could not cancel "Aprende «a piece of cake»" (short): CONFLICT: Schedule 1 is uploading: wait for the upload to finish`,
  );
});

Deno.test("the YouTube line says the channel or what is missing, with each warning", async () => {
  const fake = scheduleClient();
  fake.youtube = youtubeStatusOf({
    refreshExpiresAt: "2026-11-27T10:00:00.000Z",
    warnings: [
      "The OAuth consent screen is in Testing mode: this refresh token expires in 6.0 days — publish the app in Google Cloud (OAuth consent screen → Publish) or authorise again every week.",
    ],
  });
  using app = await openSchedule(fake);
  let frame = joined(frameOf(app));
  assertStringIncludes(frame, "✓ YouTube: connected to Learn With Clips (UCclips123)");
  assertStringIncludes(
    frame,
    "▲ The OAuth consent screen is in Testing mode: this refresh token expires in 6.0 days",
  );

  fake.youtube = youtubeStatusOf({
    connected: false,
    warnings: ["Google answered invalid_grant: the authorisation is revoked or expired; authorise again."],
  });
  await press(app, "r");
  frame = joined(await waitForFrame(app, (f) => f.includes("invalid_grant"), "the invalid_grant warning"));
  assertStringIncludes(frame, "▲ YouTube: not authorised (a authorises)");
  assertStringIncludes(
    frame,
    "▲ Google answered invalid_grant: the authorisation is revoked or expired; authorise again.",
  );

  fake.youtube = youtubeStatusOf({
    configured: false,
    connected: false,
    channel: null,
    warnings: ["YOUTUBE_CLIENT_SECRET_FILE is not set: uploads are off."],
  });
  await press(app, "r");
  frame = joined(await waitForFrame(app, (f) => f.includes("not configured"), "not configured"));
  assertStringIncludes(frame, "✗ YouTube: not configured");
  assertStringIncludes(frame, "▲ YOUTUBE_CLIENT_SECRET_FILE is not set: uploads are off.");
});

Deno.test("a starts the authorisation: the URL, the port and the ssh -L hint; a pasted code or refresh token goes to youtube.authComplete", async () => {
  const fake = scheduleClient();
  fake.youtube = youtubeStatusOf({
    connected: false,
    channel: null,
    warnings: ["Not authorised yet: run youtube.authStart."],
  });
  using app = await openSchedule(fake);
  await press(app, "a");
  const frame = await waitForFrame(app, (f) => f.includes("Authorise YouTube"), "the authorisation");
  assertEquals(fake.authStartCalls, 1);
  assertStringIncludes(unwrapped(frame), fake.authStart.url);
  assertStringIncludes(frame, "Authorise YouTube — port 8765");
  assertStringIncludes(frame, "ssh -L 8765:127.0.0.1:8765 <host>");
  assertStringIncludes(joined(frame), "where the daemon listens on port 8765");
  assertMatch(footerOf(frame), /^Enter send the code\s+Esc close/);

  // Letters are typed, not taken as keys (q does not quit, a does not start again).
  fake.authCompleteError = Object.assign(
    new Error("Google refused the code: invalid_grant (Malformed auth code)."),
    {
      data: { code: "PRECONDITION_FAILED" },
    },
  );
  await press(app, "4/0AqbadcodE");
  await waitForFrame(app, (f) => f.includes("4/0AqbadcodE"), "the code typed");
  assertStringIncludes(frameOf(app), "Enter sends it as an authorisation code");
  await press(app, ENTER);
  await waitForFrame(app, (f) => joined(f).includes("Malformed auth code"), "the refusal");
  assertEquals(fake.authCompleteCalls, [{ code: "4/0AqbadcodE" }]);
  assertStringIncludes(
    joined(frameOf(app)),
    "✗ youtube.authComplete failed: PRECONDITION_FAILED: Google refused the code: invalid_grant (Malformed auth code).",
  );
  assertEquals(fake.closes, 0);
  assertEquals(fake.authStartCalls, 1);

  fake.authCompleteError = undefined;
  await press(app, CTRL_U, "1//0gRefreshTokenFromElsewhere");
  await waitForFrame(app, (f) => f.includes("as a refresh token"), "a refresh token typed");
  await press(app, ENTER);
  await waitForFrame(app, (f) => f.includes("✓ YouTube connected: Learn With Clips"), "connected");
  assertEquals(fake.authCompleteCalls[1], { refreshToken: "1//0gRefreshTokenFromElsewhere" });
  assertFalse(frameOf(app).includes("Authorise YouTube"), "the authorisation stays open");
  await waitForFrame(
    app,
    (f) => f.includes("✓ YouTube: connected to Learn With Clips"),
    "the line connected",
  );
});

Deno.test("while the authorisation is open, Google's redirect to the daemon is noticed and closes it", async () => {
  const fake = scheduleClient();
  fake.youtube = youtubeStatusOf({ connected: false, channel: null });
  using app = await openSchedule(fake);
  await press(app, "a");
  await waitForFrame(app, (f) => f.includes("Authorise YouTube"), "the authorisation");
  // The daemon got the redirect: connected, the listener closed.
  fake.youtube = youtubeStatusOf({ pending: null });
  await waitForFrame(
    app,
    (f) => f.includes("Google redirected to the daemon") && !f.includes("Authorise YouTube"),
    "the redirect noticed",
    AUTH_POLL_MS * 3,
  );
  assertStringIncludes(frameOf(app), "✓ YouTube connected: Learn With Clips");
});

Deno.test("S opens the settings: the edited values go to settings.update, only what changed", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  await press(app, "S");
  let frame = await waitForFrame(app, (f) => f.includes("Publishing settings"), "the form");
  assertMatch(lineOf(frame, "Time zone"), /› Time zone\s+UTC/);
  assertMatch(lineOf(frame, "Slot times"), /Slot times\s+08:00, 12:00, 18:00/);
  assertMatch(lineOf(frame, "Quota videos.insert"), /Quota videos\.insert\s+100/);
  assertMatch(lineOf(frame, "Warning at %"), /Warning at %\s+80/);
  await waitForFrame(app, (f) => /^Enter save\s+Esc cancel/.test(footerOf(f)), "the form's keys");

  await press(app, CTRL_U, "Europe/Madrid", TAB, CTRL_U, "09:00, 21:00", TAB, CTRL_U, "2");
  // The last field, from the first one backwards.
  await press(app, TAB, TAB, TAB, TAB, TAB, TAB, TAB);
  frame = await waitForFrame(
    app,
    (f) => /› Quota videos\.insert/.test(plain(f)),
    "the insert bucket focused",
  );
  await press(app, CTRL_U, "1,000", ENTER);
  await waitForFrame(app, (f) => f.includes("✓ Saved"), "saved");

  const calendar = defaultPublishingSettings()["schedule.calendar"];
  assertEquals(fake.settingsUpdates, [{
    "schedule.calendar": {
      ...calendar,
      timeZone: "Europe/Madrid",
      slots: ["09:00", "21:00"],
      capacityPerSlot: 2,
    },
    "quota.buckets": { pool: { limit: 10_000 }, "videos.insert": { limit: 1_000 } },
  }]);
  assertStringIncludes(frameOf(app), "✓ Saved schedule.calendar, quota.buckets");
  assertFalse(frameOf(app).includes("Publishing settings"), "the form stays open");
  assertEquals(fake.settings["schedule.calendar"].timeZone, "Europe/Madrid");
  await waitForFrame(app, (f) => f.includes("Agenda — Europe/Madrid"), "the agenda in the new zone");

  // Nothing changed: nothing is sent.
  await press(app, "S");
  await waitForFrame(app, (f) => f.includes("Publishing settings"), "the form again");
  await press(app, ENTER);
  await waitForFrame(app, (f) => f.includes("Nothing changed"), "nothing changed");
  assertEquals(fake.settingsUpdates.length, 1);
});

Deno.test("the daemon's validation errors show on their fields and the form stays open; a value that is no number is not sent", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  await press(app, "S");
  await waitForFrame(app, (f) => f.includes("Publishing settings"), "the form");
  await press(app, CTRL_U, "Mars/Olympus_Mons", SHIFT_TAB, CTRL_U, "150", ENTER);
  let frame = joined(await waitForFrame(app, (f) => f.includes("✗ Time zone"), "the errors"));
  assertEquals(fake.settingsUpdates.length, 1);
  assertEquals(fake.settingsUpdates[0]["quota.warningPercent"], 150);
  assertEquals(fake.settingsUpdates[0]["schedule.calendar"]?.timeZone, "Mars/Olympus_Mons");
  // The daemon's own words, on the fields they are about; the focus on the first of them.
  assertStringIncludes(frame, "✗ Time zone: expected an IANA time zone such as Europe/Madrid");
  assertMatch(frame, /✗ Warning at %: Too big: expected number to be <=100/);
  assertMatch(lineOf(frameOf(app), "Time zone"), /› Time zone\s+Mars\/Olympus_Mons/);
  assertMatch(lineOf(frameOf(app), "Warning at %"), /✗ Warning at %\s+150/);
  assertEquals(fake.settings["quota.warningPercent"], 80, "the settings changed");

  // Not a number: the form says so and sends nothing.
  await press(app, TAB, TAB, CTRL_U, "two");
  await press(app, ENTER);
  frame = joined(await waitForFrame(app, (f) => f.includes("is not a number"), "the form's own check"));
  assertStringIncludes(frame, `✗ Videos per slot: "two" is not a number`);
  assertEquals(fake.settingsUpdates.length, 1);

  // Esc leaves the settings as they were.
  await press(app, ESC);
  await waitForFrame(app, (f) => !f.includes("Publishing settings"), "the form closed");
  assertEquals(fake.settings, defaultPublishingSettings());
});

Deno.test("schedule.changed reloads the agenda (a burst costs a couple of calls), quota.changed the quota, settings.changed the settings", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  const lists = fake.scheduleListCalls.length;
  const slots = fake.slotsCalls.length;

  fake.schedules.push(
    scheduleOf({ id: 9, renderId: 1, slotAt: at(D2, "08:00"), title: "Aprende «break the ice»" }),
  );
  fake.calendar[1].slots[0] = { ...fake.calendar[1].slots[0], taken: 1, left: 0 };
  for (let i = 0; i < 20; i++) fake.emit(event("schedule.changed", { scheduleIds: [9] }));
  await waitForFrame(app, (f) => f.includes("Aprende «break the ice»"), "the new video on the agenda");
  await waitForFrame(app, (f) => f.includes("To place — 2 marked videos"), "render 1 no longer to place");
  await new Promise((resolve) => setTimeout(resolve, 700));
  // Two calls of each list (agenda and placed) per reload; at most two reloads for the burst.
  assert(fake.scheduleListCalls.length - lists <= 4, `${fake.scheduleListCalls.length - lists} list calls`);
  assert(fake.slotsCalls.length - slots <= 2, `${fake.slotsCalls.length - slots} slots calls`);

  fake.quota = quotaStatusOf([{ name: "videos.insert", limit: 100, used: 95 }]);
  fake.emit(event("quota.changed", { days: [dayFromToday(0)] }));
  await waitForFrame(app, (f) => /95% 95 of 100/.test(plain(f)), "the new quota");

  fake.settings = {
    ...fake.settings,
    "schedule.calendar": { ...fake.settings["schedule.calendar"], timeZone: "America/New_York" },
  };
  fake.emit(event("settings.changed", { keys: ["schedule.calendar"], by: "127.0.0.1" }));
  await waitForFrame(app, (f) => f.includes("Agenda — America/New_York"), "the new settings");
});

Deno.test("while a video uploads its progress is polled: the bar moves without an event", async () => {
  const fake = scheduleClient();
  using app = await openSchedule(fake);
  assertMatch(lineOf(frameOf(app), "a piece of cake"), /45% 1\.9 MB of 4\.2 MB/);
  fake.schedules[0] = { ...fake.schedules[0], uploadedBytes: 3_360_000 };
  await waitForFrame(
    app,
    (f) => /█{8}░{2}\s+80% 3\.4 MB of 4\.2 MB/.test(lineOf(f, "a piece of cake")),
    "the upload at 80%",
    UPLOAD_POLL_MS * 3,
  );
});

Deno.test("the footer and the help list the schedule keys; 6 shows the screen", async () => {
  const fake = scheduleClient();
  using app = mount(fake.app());
  resize(app, 140, 40);
  await waitForFrame(app, (f) => f.includes("6 Schedule") && f.includes("checked"), "the dashboard");
  await press(app, "6");
  await waitForFrame(app, (f) => f.includes("Learn «hit the road»"), "the schedule screen");
  await cursorTo(app, "Learn «hit the road»");
  await waitForFrame(
    app,
    (f) =>
      /^M move\s+x cancel\s+→ videos to place\s+S settings\s+a authorise YouTube\s+r reload\s+1-6 switch screen/
        .test(footerOf(f)),
    "the agenda's keys in the footer",
  );
  await press(app, RIGHT);
  await waitForFrame(
    app,
    (f) =>
      /^Space select\s+n \/ Enter place in next free slots\s+p place in a slot\s+← agenda\s+S settings/.test(
        footerOf(f),
      ),
    "the keys of the videos to place in the footer",
  );
  await press(app, "?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Schedule screen"), "the help"));
  for (
    const expected of [
      "select",
      "place in next free slots",
      "place in a slot",
      "settings",
      "authorise YouTube",
      "reload",
      "↑↓ j k",
    ]
  ) {
    assertStringIncludes(help, expected);
  }
  assertMatch(help, /6\s+Schedule/);
  assertFalse(help.includes("move here"), "a key of the pick is listed in the list's help");
});

Deno.test("at 80x24 the schedule screen fits; without colours (NO_COLOR) states and warnings read from their symbols", async () => {
  const fake = scheduleClient();
  fake.quota = quotaStatusOf([{ name: "pool", limit: 10_000, used: 1_200 }, {
    name: "videos.insert",
    limit: 100,
    used: 90,
  }]);
  using app = mount(fake.app({ initialScreen: "schedule", theme: plainTheme }));
  resize(app, 80, 24);
  const frame = await waitForFrame(
    app,
    (f) => f.includes("Learn «hit the road»") && f.includes("break the ice"),
    "the screen",
  );
  const lines = frame.split("\n");
  assertEquals(lines.length, 24);
  for (const line of lines) assert([...line].length <= 80, `too wide: ${line}`);
  assertStringIncludes(lines[0], "lingoreel");
  assertStringIncludes(lines[0], "6 Schedule");
  assertEquals(colourCodes(frame), []);
  assertMatch(frame, /▲ videos\.insert/);
  assertMatch(frame, /⇡ uploading/);
  assertMatch(frame, /✗ failed/);
});

Deno.test("the agenda rows: offered slots in time order with their videos; a running upload outside the offered slots under a closed slot; cancelled and old ones left out", () => {
  const days = [calendarDay(D1, ["12:00", "08:00"])];
  const rows = agendaRows(days, [
    scheduleOf({ id: 1, renderId: 1, slotAt: at(D1, "12:00") }),
    scheduleOf({ id: 2, renderId: 2, slotAt: at(dayFromToday(0), "06:00"), state: "uploading" }),
    scheduleOf({ id: 3, renderId: 3, slotAt: at(dayFromToday(-1), "06:00"), state: "uploaded" }),
    scheduleOf({ id: 4, renderId: 4, slotAt: at(D1, "08:00"), state: "cancelled" }),
  ], "UTC");
  const text = rows.map((row) =>
    row.kind === "day"
      ? row.day
      : row.kind === "slot"
      ? `${row.time} ${row.offered ? "offered" : "closed"}`
      : `video ${row.schedule.id}`
  );
  assertEquals(text, [
    dayFromToday(0),
    "06:00 closed",
    "video 2",
    D1,
    "08:00 offered",
    "12:00 offered",
    "video 1",
  ]);
});

Deno.test("the agenda's cursor skips the day rows, and while a slot is picked it rests on offered slots only", () => {
  const view = new ScheduleView();
  view.setDays([calendarDay(D1, ["08:00", "12:00"]), calendarDay(D2, ["08:00"])]);
  view.setSchedules([scheduleOf({ id: 1, renderId: 1, slotAt: at(D1, "08:00") })]);
  const key = () => view.current?.key;
  assertEquals(key(), `slot:${Date.parse(at(D1, "08:00"))}`, "the cursor starts on a day row");
  view.move(1, 10);
  assertEquals(key(), "video:1");
  view.move(1, 10);
  view.move(1, 10);
  assertEquals(key(), `slot:${Date.parse(at(D2, "08:00"))}`, "the day row is not skipped");
  view.move(1, 10);
  assertEquals(key(), `slot:${Date.parse(at(D2, "08:00"))}`);
  view.move(-1, 10);
  assertEquals(key(), `slot:${Date.parse(at(D1, "12:00"))}`, "the day row is not skipped going up");
  view.move(-1, 10);
  assertEquals(key(), "video:1");
  view.startPick({ kind: "move", schedule: view.currentVideo! });
  assertEquals(key(), `slot:${Date.parse(at(D1, "08:00"))}`, "the pick does not start on the video's slot");
  view.move(1, 10);
  assertEquals(key(), `slot:${Date.parse(at(D1, "12:00"))}`, "the pick rests on a video");
  view.endPick();
  assertEquals(key(), "video:1");
});

Deno.test("the settings form sends only the settings that changed, and puts issues on their fields", () => {
  const form = new SettingsForm(defaultPublishingSettings());
  assertEquals(form.result(), { kind: "ok", update: {}, changed: [] });
  // The same slot times in another order are the same setting.
  form.fields[1].value = { text: "18:00 12:00,08:00", cursor: 0 };
  assertEquals(form.result(), { kind: "ok", update: {}, changed: [] });
  form.fields.at(-1)!.value = { text: "90", cursor: 0 };
  assertEquals(form.result(), {
    kind: "ok",
    update: { "quota.warningPercent": 90 },
    changed: ["quota.warningPercent"],
  });

  form.applyIssues([
    { path: ["schedule.calendar", "perKindPerDay", "long"], message: "Too big" },
    { path: ["quota.buckets", "pool", "limit"], message: "Too small" },
    { path: ["quota.costs"], message: "Unknown key" },
  ]);
  assertEquals(form.fieldErrors, ["Longs per day: Too big", "Quota pool: Too small"]);
  assertEquals(form.error, "quota.costs: Unknown key");
  assertEquals(form.fields[form.focus].label, "Longs per day");
});
