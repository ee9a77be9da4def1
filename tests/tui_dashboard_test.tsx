/**
 * The TUI rendered with ink-testing-library and a fake client: what the dashboard shows for
 * each connection state and health answer, and how the app reacts to keys.
 */
import { Box, Text } from "ink";
import { useState } from "react";
import type { AppEvent } from "../shared/schemas.ts";
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import { useScreenKeys } from "../tui/hooks/use_screen_keys.ts";
import { char } from "../tui/keys.ts";
import { Dashboard } from "../tui/screens/Dashboard.tsx";
import type { ScreenDefinition, ScreenProps } from "../tui/screens/screen.ts";
import { colorTheme, plainTheme } from "../tui/theme.ts";
import {
  colourCodes,
  FakeClient,
  forceColours,
  healthReport,
  logEvent,
  mount,
  plain,
  queueStatsOf,
  resize,
  until,
  waitForFrame,
} from "./helpers/tui.tsx";

Deno.test("the dashboard shows the daemon's url, each component's status and latency, version and uptime", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  const frame = plain(await waitForFrame(app, (f) => f.includes("youtube") && f.includes("✓ ok"), "health"));

  assertStringIncludes(frame, "connected to ws://127.0.0.1:7470");
  assertStringIncludes(frame, "v0.1.0");
  assertStringIncludes(frame, "up 2h 03m");
  assertMatch(frame, /db\s+✓ ok\s+1\.2 ms\s+PostgreSQL 17\.5 \(embedded PGlite\)/);
  assertMatch(frame, /ffmpeg\s+✓ ok\s+38 ms\s+ffmpeg version 5\.1/);
  for (const name of ["db", "redis", "ffmpeg", "storage", "llm", "youtube"]) {
    assertMatch(frame, new RegExp(`│ ${name}\\s+✓ ok\\s+\\d`), `${name} has no status and latency`);
  }
});

Deno.test("degraded and down components read as symbol and word, and the overall status follows", async () => {
  const fake = new FakeClient();
  fake.health = healthReport({
    llm: { status: "degraded", detail: "GEMINI_API_KEY is not set" },
    storage: { status: "down", detail: "output directory is not writable" },
  });
  using app = mount(fake.app());
  const frame = plain(await waitForFrame(app, (f) => f.includes("not writable"), "health"));

  assertMatch(frame, /llm\s+▲ degraded\s+0\.0 ms\s+GEMINI_API_KEY is not set/);
  assertMatch(frame, /storage\s+✗ down\s+3\.0 ms\s+output directory is not writable/);
  assertMatch(frame, /Health\s+✗ down · v0\.1\.0/);
});

Deno.test("the colour theme colours statuses green, yellow and red", async () => {
  using _colours = forceColours();
  const fake = new FakeClient();
  fake.health = healthReport({ llm: { status: "degraded" }, redis: { status: "down" } });
  using app = mount(fake.app({ theme: colorTheme }));
  const frame = await waitForFrame(app, (f) => f.includes("degraded"), "health");

  assertStringIncludes(frame, `\x1b[32m✓ ok`);
  assertStringIncludes(frame, `\x1b[33m▲ degraded`);
  assertStringIncludes(frame, `\x1b[31m✗ down`);
});

Deno.test("with NO_COLOR's plain theme no colour escape is written, and statuses still read", async () => {
  using _colours = forceColours(); // so that any colour that slipped through would show
  const fake = new FakeClient();
  fake.health = healthReport({ llm: { status: "degraded" }, redis: { status: "down" } });
  using app = mount(fake.app({ theme: plainTheme }));
  await waitForFrame(app, (f) => f.includes("degraded"), "health");
  fake.emit(logEvent("error", "render 42 failed"));
  await waitForFrame(app, (f) => f.includes("render 42 failed"), "the log line");
  app.stdin.write("?");
  await waitForFrame(app, (f) => f.includes("Everywhere"), "the help");
  app.stdin.write("?");
  const frame = plain(await waitForFrame(app, (f) => !f.includes("Everywhere"), "the dashboard again"));

  assertEquals(colourCodes(app.frames.join("")), []);
  assertStringIncludes(frame, "▲ degraded");
  assertStringIncludes(frame, "✗ down");
});

Deno.test("while reconnecting it counts down the seconds to the next attempt and says how to start the daemon", async () => {
  const fake = new FakeClient({
    kind: "reconnecting",
    reason: "No daemon is running for /tmp/x (/tmp/x/daemon.json does not exist)",
    retryAt: Date.now() + 4_000,
    attempt: 3,
  });
  using app = mount(fake.app());
  const first = plain(await waitForFrame(app, (f) => f.includes("reconnecting in 4s"), "a 4 s countdown"));
  assertStringIncludes(first, "(attempt 3)");
  assertStringIncludes(first, "/tmp/x/daemon.json does not exist");
  assertStringIncludes(first, "deno task daemon");
  assertEquals(fake.checks, 0, "health.check was called while disconnected");

  await waitForFrame(app, (f) => f.includes("reconnecting in 3s"), "the countdown to reach 3 s", 2_000);
});

Deno.test("after a reconnect the dashboard asks for health at once and stops showing the last known state", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("checked"), "health");

  fake.connection.set({
    kind: "reconnecting",
    reason: "connection lost",
    retryAt: Date.now() + 2_000,
    attempt: 1,
  });
  await waitForFrame(app, (f) => f.includes("last known"), "the report to be marked as last known");
  const checksWhileAway = fake.checks;

  fake.health = healthReport({ youtube: { status: "degraded", detail: "token expires in 2 days" } });
  fake.connection.set({ kind: "connected", url: "ws://127.0.0.1:7471" });
  // Well within the 2.5 s poll interval: only the reconnect itself can have asked.
  const frame = plain(await waitForFrame(app, (f) => f.includes("token expires"), "the new report", 1_000));
  assertStringIncludes(frame, "connected to ws://127.0.0.1:7471");
  assertFalse(frame.includes("last known"));
  assertEquals(fake.checks, checksWhileAway + 1);
});

Deno.test("a health event refreshes the table without waiting for the next poll", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("checked"), "health");
  assertEquals(fake.observers.size, 1);

  fake.health = healthReport({ redis: { status: "down", detail: "connect ENOENT redis.sock" } });
  fake.emit({
    type: "health",
    at: new Date().toISOString(),
    source: "test:1",
    data: {
      status: "degraded",
      components: { db: "ok", redis: "down", ffmpeg: "ok", storage: "ok", llm: "ok", youtube: "ok" },
    },
  });
  await waitForFrame(app, (f) => f.includes("ENOENT redis.sock"), "the refreshed table", 1_000);
});

Deno.test("the dashboard shows each stage queue's counts, workers and whether it is paused, asked again on job and batch events", async () => {
  const fake = new FakeClient();
  fake.queueStats = [
    {
      name: "analyze",
      paused: false,
      waiting: 3,
      delayed: 1,
      active: 1,
      completed: 12,
      failed: 2,
      workers: 2,
    },
    { name: "render", paused: true, waiting: 5, delayed: 0, active: 0, completed: 7, failed: 0, workers: 1 },
  ];
  using app = mount(fake.app());
  const frame = plain(await waitForFrame(app, (f) => f.includes("12 done"), "the queue counts"));
  assertMatch(frame, /│ analyze\s+▶ running\s+4 waiting · 1 active · 2 failed · 12 done · 2 workers/);
  assertMatch(frame, /│ render\s+‖ paused\s+5 waiting · 0 active · 0 failed · 7 done · 1 worker /);
  assertMatch(frame, /Queues ‖ render paused/);
  assertEquals(fake.statsCalls, 1);

  // Well within the 5 s poll: only the event can have asked.
  fake.queueStats = queueStatsOf({ waiting: 9, workers: 3 });
  const jobState = (jobId: number): AppEvent => ({
    type: "job.state",
    at: new Date().toISOString(),
    source: "test:1",
    data: { jobId, batchId: 1, episodeId: jobId, state: "active", stage: "analyze", error: null },
  });
  fake.emit(jobState(1));
  const after = plain(await waitForFrame(app, (f) => f.includes("9 waiting"), "the new counts", 1_000));
  assertMatch(after, /Queues ▶ queues running/);
  assertMatch(after, /│ render\s+▶ running\s+9 waiting · 0 active · 0 failed · 0 done · 3 workers/);
  assertEquals(fake.statsCalls, 2);

  // A burst of events asks at most once more a second, not once each.
  for (let i = 2; i < 30; i++) fake.emit(jobState(i));
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  assert(fake.statsCalls <= 3, `${fake.statsCalls} calls of queue.stats`);
});

Deno.test("warnings and errors from the log stream appear in the recent pane, info lines do not", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("None since the TUI started"), "the empty log pane");

  fake.emit(logEvent("info", "scan finished"));
  fake.emit(logEvent("warn", "llm quota is 90% used"));
  fake.emit(logEvent("error", "render 42 failed: ffmpeg exited with 1"));
  const frame = plain(await waitForFrame(app, (f) => f.includes("render 42 failed"), "the error line"));
  assertMatch(frame, /\d\d:\d\d:\d\d warn\s+llm quota is 90% used/);
  assertMatch(frame, /\d\d:\d\d:\d\d error render 42 failed/);
  assertFalse(frame.includes("scan finished"));
});

Deno.test("a call the daemon refuses (UNAUTHORIZED) is shown on the dashboard, not thrown", async () => {
  const fake = new FakeClient();
  fake.health = Object.assign(
    new Error("Missing or wrong API token: connect with the token from <data dir>/token"),
    {
      data: { code: "UNAUTHORIZED" },
    },
  );
  using app = mount(fake.app());
  const frame = plain(await waitForFrame(app, (f) => f.includes("UNAUTHORIZED"), "the error"));
  assertStringIncludes(frame, "health.check failed: UNAUTHORIZED: Missing or wrong API token");

  for (const observer of fake.observers) observer.onError?.(fake.health);
  const after = plain(await waitForFrame(app, (f) => f.includes("events: UNAUTHORIZED"), "the events error"));
  assertStringIncludes(after, "youtube"); // the table is still there
});

Deno.test("after UNAUTHORIZED the dashboard stops asking until the next connection, then asks and subscribes again", async () => {
  const fake = new FakeClient();
  fake.health = Object.assign(new Error("Missing or wrong API token"), { data: { code: "UNAUTHORIZED" } });
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("UNAUTHORIZED"), "the error");
  for (const observer of [...fake.observers]) {
    fake.observers.delete(observer); // as tRPC does: an errored subscription is over
    observer.onError?.(fake.health);
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // longer than the 2.5 s poll interval
  assertEquals(fake.checks, 1);
  assertEquals(fake.observers.size, 0);

  fake.connection.set({ kind: "reconnecting", reason: "connection lost", retryAt: Date.now(), attempt: 1 });
  fake.health = healthReport();
  fake.connection.set({ kind: "connected", url: "ws://127.0.0.1:7470" });
  await waitForFrame(
    app,
    (f) => f.includes("checked") && !f.includes("UNAUTHORIZED"),
    "health, and no error, after the reconnect",
  );
  assertEquals(fake.checks, 2);
  assertEquals(fake.observers.size, 1, "the event subscription was not started again");
});

Deno.test("? opens a help that lists every key, and Esc or ? closes it", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("checked"), "health");

  app.stdin.write("?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Everywhere"), "the help"));
  for (
    const expected of [
      "1 ",
      "Dashboard",
      "Tab / Shift-Tab",
      "refresh health now",
      "Esc",
      "q / Ctrl-C",
      "quit",
    ]
  ) {
    assertStringIncludes(help, expected);
  }
  assertFalse(help.includes("│ db "), "the dashboard shows through the help");

  app.stdin.write("\x1b");
  await waitForFrame(
    app,
    (f) => f.includes("│ db ") && !f.includes("Everywhere"),
    "the help to close on Esc",
  );
  app.stdin.write("?");
  await waitForFrame(app, (f) => f.includes("Everywhere"), "the help");
  app.stdin.write("?");
  await waitForFrame(app, (f) => !f.includes("Everywhere"), "the help to close on ?");
});

Deno.test("the footer lists the dashboard's own key next to help and quit", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  const frame = plain(await waitForFrame(app, (f) => f.includes("checked"), "health"));
  const footer = frame.trimEnd().split("\n").at(-1) ?? "";
  assertMatch(footer, /r refresh health now\s+1-6 switch screen\s+\? help\s+q \/ Ctrl-C quit/);

  const before = fake.checks;
  app.stdin.write("r");
  const deadline = Date.now() + 1_000;
  while (fake.checks === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assertEquals(fake.checks, before + 1, "r did not ask for health");
});

Deno.test("q closes the client, ends the event subscription and exits", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("checked"), "health");

  app.stdin.write("q");
  // Unmounting ends the event subscription: that is how the exit shows from outside.
  await until(() => fake.observers.size === 0, "the app to unmount");
  assertEquals(fake.closes, 1);
});

Deno.test("Ctrl-C quits like q, also from the help", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  await waitForFrame(app, (f) => f.includes("checked"), "health");
  app.stdin.write("?");
  await waitForFrame(app, (f) => f.includes("Everywhere"), "the help");

  app.stdin.write("\x03");
  await until(() => fake.observers.size === 0, "the app to unmount");
  assertEquals(fake.closes, 1);
});

Deno.test("a stdout without rows (ink-testing-library's) is taken as 24 rows: the app fills exactly that", async () => {
  const fake = new FakeClient();
  using app = mount(fake.app());
  assertEquals(app.stdout.columns, 100);
  assertEquals((app.stdout as { rows?: number }).rows, undefined);
  const lines = plain(await waitForFrame(app, (f) => f.includes("checked"), "health")).split("\n");
  assertEquals(lines.length, 24);
  assert(lines.every((line) => [...line].length <= 100));
  assertStringIncludes(lines.at(-1) ?? "", "q / Ctrl-C quit");

  resize(app, 120, 30);
  const resized = plain(await waitForFrame(app, (f) => f.split("\n").length === 30, "the resize")).split(
    "\n",
  );
  assertMatch(resized[2], /^╭─{118}╮$/);
});

Deno.test("at 80x24 the whole screen fits: no line is longer than 80 columns and long details are cut", async () => {
  const fake = new FakeClient({
    kind: "reconnecting",
    reason: "connect ECONNREFUSED 127.0.0.1:7470 ".repeat(5),
    retryAt: Date.now() + 3_000,
    attempt: 1,
  });
  fake.health = healthReport({
    llm: { status: "degraded", detail: "GEMINI_API_KEY is not set: ".repeat(6) },
  });
  using app = mount(fake.app());
  resize(app, 80, 24);
  await waitForFrame(app, (f) => f.includes("reconnecting"), "the reconnecting banner");
  fake.connection.set({ kind: "connected", url: "ws://127.0.0.1:7470" });
  await waitForFrame(app, (f) => f.includes("GEMINI"), "health");
  fake.connection.set({
    kind: "reconnecting",
    reason: "connection lost ".repeat(8),
    retryAt: Date.now(),
    attempt: 2,
  });

  for (let i = 0; i < 12; i++) fake.emit(logEvent("warn", `warning number ${i} `.repeat(6)));
  const frame = plain(await waitForFrame(app, (f) => f.includes("warning number 11"), "the log lines"));
  const lines = frame.split("\n");
  assert(lines.length <= 24, `${lines.length} lines:\n${frame}`);
  for (const line of lines) assert([...line].length <= 80, `too long (${[...line].length}): ${line}`);
  assertMatch(frame, /GEMINI_API_KEY is not set: GEMINI.*…/);
  assertStringIncludes(frame, "reconnecting");
  assertStringIncludes(lines.at(-1) ?? "", "q / Ctrl-C quit");
});

Deno.test("a screen added to the registry gets a tab, its number key, Tab switching and its keys in footer and help", async () => {
  let pings = 0;
  function Probe(props: ScreenProps) {
    const [count, setCount] = useState(0);
    useScreenKeys([{
      label: "p",
      description: "ping the probe",
      matches: char("p"),
      run: () => {
        pings++;
        setCount((c) => c + 1);
      },
    }]);
    return (
      <Box width={props.width}>
        <Text>probe screen, pinged {count} times</Text>
      </Box>
    );
  }
  const screens: ScreenDefinition[] = [
    { key: "1", id: "dashboard", title: "Dashboard", component: Dashboard },
    { key: "2", id: "probe", title: "Probe", component: Probe },
  ];
  const fake = new FakeClient();
  using app = mount(fake.app({ screens }));
  const first = plain(await waitForFrame(app, (f) => f.includes("checked"), "health"));
  assertStringIncludes(first, " 1 Dashboard ");
  assertStringIncludes(first, " 2 Probe");

  app.stdin.write("p"); // not a dashboard key: ignored there
  app.stdin.write("2");
  const probe = plain(await waitForFrame(app, (f) => f.includes("probe screen"), "the probe screen"));
  assertStringIncludes(probe, "pinged 0 times");
  assertMatch(probe.trimEnd().split("\n").at(-1) ?? "", /p ping the probe/);

  app.stdin.write("p");
  await waitForFrame(app, (f) => f.includes("pinged 1 times"), "the probe's key to run");
  app.stdin.write("?");
  const help = plain(await waitForFrame(app, (f) => f.includes("Everywhere"), "the help"));
  assertStringIncludes(help, "Probe screen");
  assertStringIncludes(help, "ping the probe");
  app.stdin.write("p"); // keys of the screen are off while the help is open
  app.stdin.write("?");

  app.stdin.write("\t");
  await waitForFrame(app, (f) => f.includes("│ db "), "Tab to wrap around to the dashboard");
  app.stdin.write("\x1b[Z");
  await waitForFrame(app, (f) => f.includes("probe screen"), "Shift-Tab to go back to the probe");
  assertEquals(pings, 1);
});
