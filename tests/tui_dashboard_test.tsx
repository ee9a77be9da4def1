/**
 * The TUI rendered in memory with a fake client: what the dashboard shows for each connection
 * state and health answer, and how it reacts to keys.
 *
 * Rendering goes through Ink's `render` with in-memory streams, as ink-testing-library does,
 * but with a terminal size: ink-testing-library's stdout has no `rows`, so Ink would ask the
 * real terminal (`terminal-size`: /dev/tty, tput) and the layout would depend on the machine.
 */
import { EventEmitter } from "node:events";
import chalk from "chalk";
import { Box, render, Text } from "ink";
import { type ReactElement, useState } from "react";
import { assert, assertEquals, assertFalse, assertMatch, assertStringIncludes } from "@std/assert";
import type { ConnectionState } from "../shared/client.ts";
import type { AppEvent, HealthReport, HealthStatus } from "../shared/schemas.ts";
import { App } from "../tui/App.tsx";
import { createConnectionStore } from "../tui/connection_store.ts";
import type { EventObserver, TuiClient } from "../tui/context/ClientContext.tsx";
import { useScreenKeys } from "../tui/hooks/use_screen_keys.ts";
import { char } from "../tui/keys.ts";
import { Dashboard } from "../tui/screens/Dashboard.tsx";
import type { ScreenDefinition, ScreenProps } from "../tui/screens/screen.ts";
import { colorTheme, plainTheme, type Theme } from "../tui/theme.ts";

// ---------------------------------------------------------------------------------------------
// An in-memory terminal

class FakeStdout extends EventEmitter {
  readonly frames: string[] = [];
  constructor(readonly columns: number, readonly rows: number) {
    super();
  }
  write = (frame: string, done?: () => void): boolean => {
    // Ink's closing newline and its empty flush barrier are not frames.
    if (frame.trim() !== "") this.frames.push(frame);
    done?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  #data: string | null = null;
  write(data: string): void {
    this.#data = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read = (): string | null => {
    const data = this.#data;
    this.#data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

interface Terminal extends Disposable {
  lastFrame(): string;
  /** Every frame written so far. */
  frames(): readonly string[];
  press(keys: string): void;
  /** Resolves once the app has unmounted itself. */
  waitUntilExit(): Promise<unknown>;
  /** Waits until the frame satisfies `predicate`; fails with the frame after `timeoutMs`. */
  waitFor(predicate: (frame: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
}

function renderTerminal(tree: ReactElement, size = { columns: 100, rows: 30 }): Terminal {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stderr = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    // Ink types its streams as Node's; these fakes implement what Ink uses of them.
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true, // every frame is written whole, so the last write is the screen
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const lastFrame = () => stdout.frames.at(-1) ?? "";
  return {
    lastFrame,
    frames: () => stdout.frames,
    press: (keys) => stdin.write(keys),
    waitUntilExit: () => instance.waitUntilExit(),
    async waitFor(predicate, what, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(lastFrame())) {
        if (Date.now() > deadline) {
          throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Last frame:\n${lastFrame()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return lastFrame();
    },
    [Symbol.dispose]() {
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** Text without ANSI escapes. */
// deno-lint-ignore no-control-regex -- escape sequences are what these helpers look for
const plain = (frame: string): string => frame.replace(/\x1b\[[0-9;]*m/g, "");

/** The SGR parameters in `frame` that set a foreground or background colour. */
function colourCodes(frame: string): string[] {
  const found: string[] = [];
  // deno-lint-ignore no-control-regex -- escape sequences are what this looks for
  for (const [, params] of frame.matchAll(/\x1b\[([0-9;]*)m/g)) {
    for (const param of params.split(";")) {
      const n = Number(param);
      if ((n >= 30 && n <= 49) || (n >= 90 && n <= 107)) found.push(param);
    }
  }
  return found;
}

/** Makes chalk (through which Ink colours text) emit colours although stdout is not a terminal. */
function forceColours(): Disposable {
  const previous = chalk.level;
  chalk.level = 3;
  return { [Symbol.dispose]: () => void (chalk.level = previous) };
}

// ---------------------------------------------------------------------------------------------
// A fake client

function healthReport(overrides: Partial<Record<string, { status: HealthStatus; detail?: string }>> = {}) {
  const component = (name: string, status: HealthStatus, latencyMs: number, detail: string) => ({
    status: overrides[name]?.status ?? status,
    detail: overrides[name]?.detail ?? detail,
    latencyMs,
  });
  const components = {
    db: component("db", "ok", 1.24, "PostgreSQL 17.5 (embedded PGlite)"),
    redis: component("redis", "ok", 2, "managed redis-server"),
    ffmpeg: component("ffmpeg", "ok", 37.6, "ffmpeg version 5.1"),
    storage: component("storage", "ok", 3, "data 79 GiB free"),
    llm: component("llm", "ok", 0, "gemini-2.5-flash"),
    youtube: component("youtube", "ok", 0, "channel connected"),
  };
  const statuses = Object.values(components).map((c) => c.status);
  const status: HealthStatus = statuses.includes("down")
    ? "down"
    : statuses.includes("degraded")
    ? "degraded"
    : "ok";
  return {
    status,
    version: "0.1.0",
    uptimeS: 7_380,
    checkedAt: new Date().toISOString(),
    components,
  } satisfies HealthReport;
}

class FakeClient {
  readonly connection = createConnectionStore({ kind: "connected", url: "ws://127.0.0.1:7470" });
  readonly observers = new Set<EventObserver>();
  health: HealthReport | Error = healthReport();
  checks = 0;
  closes = 0;
  #eventId = 0;

  readonly client: TuiClient = {
    health: {
      check: {
        query: () => {
          this.checks++;
          return this.health instanceof Error ? Promise.reject(this.health) : Promise.resolve(this.health);
        },
      },
    },
    events: {
      subscribe: {
        subscribe: (_input, observer) => {
          this.observers.add(observer);
          return { unsubscribe: () => void this.observers.delete(observer) };
        },
      },
    },
    close: () => {
      this.closes++;
      this.connection.set({ kind: "closed" });
      return Promise.resolve();
    },
  };

  constructor(initial?: ConnectionState) {
    if (initial) this.connection.set(initial);
  }

  emit(event: AppEvent): void {
    const id = `${Date.now()}-${this.#eventId++}`;
    for (const observer of this.observers) observer.onData({ id, data: event });
  }

  app(options: { theme?: Theme; screens?: readonly ScreenDefinition[] } = {}): ReactElement {
    return <App client={this.client} connection={this.connection} {...options} />;
  }
}

const logEvent = (level: "info" | "warn" | "error", message: string): AppEvent => ({
  type: "log",
  at: new Date().toISOString(),
  source: "test:1",
  data: { level, message },
});

// ---------------------------------------------------------------------------------------------

Deno.test("the dashboard shows the daemon's url, each component's status and latency, version and uptime", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  const frame = plain(await terminal.waitFor((f) => f.includes("youtube") && f.includes("✓ ok"), "health"));

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
  using terminal = renderTerminal(fake.app());
  const frame = plain(await terminal.waitFor((f) => f.includes("not writable"), "health"));

  assertMatch(frame, /llm\s+▲ degraded\s+0\.0 ms\s+GEMINI_API_KEY is not set/);
  assertMatch(frame, /storage\s+✗ down\s+3\.0 ms\s+output directory is not writable/);
  assertMatch(frame, /Health\s+✗ down · v0\.1\.0/);
});

Deno.test("the colour theme colours statuses green, yellow and red", async () => {
  using _colours = forceColours();
  const fake = new FakeClient();
  fake.health = healthReport({ llm: { status: "degraded" }, redis: { status: "down" } });
  using terminal = renderTerminal(fake.app({ theme: colorTheme }));
  const frame = await terminal.waitFor((f) => f.includes("degraded"), "health");

  assertStringIncludes(frame, `\x1b[32m✓ ok`);
  assertStringIncludes(frame, `\x1b[33m▲ degraded`);
  assertStringIncludes(frame, `\x1b[31m✗ down`);
});

Deno.test("with NO_COLOR's plain theme no colour escape is written, and statuses still read", async () => {
  using _colours = forceColours(); // so that any colour that slipped through would show
  const fake = new FakeClient();
  fake.health = healthReport({ llm: { status: "degraded" }, redis: { status: "down" } });
  using terminal = renderTerminal(fake.app({ theme: plainTheme }));
  await terminal.waitFor((f) => f.includes("degraded"), "health");
  fake.emit(logEvent("error", "render 42 failed"));
  await terminal.waitFor((f) => f.includes("render 42 failed"), "the log line");
  terminal.press("?");
  await terminal.waitFor((f) => f.includes("Everywhere"), "the help");
  terminal.press("?");
  const frame = plain(await terminal.waitFor((f) => !f.includes("Everywhere"), "the dashboard again"));

  assertEquals(colourCodes(terminal.frames().join("")), []);
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
  using terminal = renderTerminal(fake.app());
  const first = plain(await terminal.waitFor((f) => f.includes("reconnecting in 4s"), "a 4 s countdown"));
  assertStringIncludes(first, "(attempt 3)");
  assertStringIncludes(first, "/tmp/x/daemon.json does not exist");
  assertStringIncludes(first, "deno task daemon");
  assertEquals(fake.checks, 0, "health.check was called while disconnected");

  await terminal.waitFor((f) => f.includes("reconnecting in 3s"), "the countdown to reach 3 s", 2_000);
});

Deno.test("after a reconnect the dashboard asks for health at once and stops showing the last known state", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("checked"), "health");

  fake.connection.set({
    kind: "reconnecting",
    reason: "connection lost",
    retryAt: Date.now() + 2_000,
    attempt: 1,
  });
  await terminal.waitFor((f) => f.includes("last known"), "the report to be marked as last known");
  const checksWhileAway = fake.checks;

  fake.health = healthReport({ youtube: { status: "degraded", detail: "token expires in 2 days" } });
  fake.connection.set({ kind: "connected", url: "ws://127.0.0.1:7471" });
  // Well within the 2.5 s poll interval: only the reconnect itself can have asked.
  const frame = plain(await terminal.waitFor((f) => f.includes("token expires"), "the new report", 1_000));
  assertStringIncludes(frame, "connected to ws://127.0.0.1:7471");
  assertFalse(frame.includes("last known"));
  assertEquals(fake.checks, checksWhileAway + 1);
});

Deno.test("a health event refreshes the table without waiting for the next poll", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("checked"), "health");
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
  await terminal.waitFor((f) => f.includes("ENOENT redis.sock"), "the refreshed table", 1_000);
});

Deno.test("warnings and errors from the log stream appear in the recent pane, info lines do not", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("None since the TUI started"), "the empty log pane");

  fake.emit(logEvent("info", "scan finished"));
  fake.emit(logEvent("warn", "llm quota is 90% used"));
  fake.emit(logEvent("error", "render 42 failed: ffmpeg exited with 1"));
  const frame = plain(await terminal.waitFor((f) => f.includes("render 42 failed"), "the error line"));
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
  using terminal = renderTerminal(fake.app());
  const frame = plain(await terminal.waitFor((f) => f.includes("UNAUTHORIZED"), "the error"));
  assertStringIncludes(frame, "health.check failed: UNAUTHORIZED: Missing or wrong API token");

  for (const observer of fake.observers) observer.onError?.(fake.health);
  const after = plain(await terminal.waitFor((f) => f.includes("events: UNAUTHORIZED"), "the events error"));
  assertStringIncludes(after, "youtube"); // the table is still there
});

Deno.test("after UNAUTHORIZED the dashboard stops asking until the next connection, then asks and subscribes again", async () => {
  const fake = new FakeClient();
  fake.health = Object.assign(new Error("Missing or wrong API token"), { data: { code: "UNAUTHORIZED" } });
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("UNAUTHORIZED"), "the error");
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
  await terminal.waitFor(
    (f) => f.includes("checked") && !f.includes("UNAUTHORIZED"),
    "health, and no error, after the reconnect",
  );
  assertEquals(fake.checks, 2);
  assertEquals(fake.observers.size, 1, "the event subscription was not started again");
});

Deno.test("? opens a help that lists every key, and Esc or ? closes it", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("checked"), "health");

  terminal.press("?");
  const help = plain(await terminal.waitFor((f) => f.includes("Everywhere"), "the help"));
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

  terminal.press("\x1b");
  await terminal.waitFor((f) => f.includes("│ db ") && !f.includes("Everywhere"), "the help to close on Esc");
  terminal.press("?");
  await terminal.waitFor((f) => f.includes("Everywhere"), "the help");
  terminal.press("?");
  await terminal.waitFor((f) => !f.includes("Everywhere"), "the help to close on ?");
});

Deno.test("the footer lists the dashboard's own key next to help and quit", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  const frame = plain(await terminal.waitFor((f) => f.includes("checked"), "health"));
  const footer = frame.trimEnd().split("\n").at(-1) ?? "";
  assertMatch(footer, /r refresh health now\s+\? help.*q \/ Ctrl-C quit/);

  const before = fake.checks;
  terminal.press("r");
  const deadline = Date.now() + 1_000;
  while (fake.checks === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assertEquals(fake.checks, before + 1, "r did not ask for health");
});

Deno.test("q closes the client, ends the event subscription and exits", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("checked"), "health");

  terminal.press("q");
  await terminal.waitUntilExit();
  assertEquals(fake.closes, 1);
  assertEquals(fake.observers.size, 0, "the event subscription is still open");
});

Deno.test("Ctrl-C quits like q, also from the help", async () => {
  const fake = new FakeClient();
  using terminal = renderTerminal(fake.app());
  await terminal.waitFor((f) => f.includes("checked"), "health");
  terminal.press("?");
  await terminal.waitFor((f) => f.includes("Everywhere"), "the help");

  terminal.press("\x03");
  await terminal.waitUntilExit();
  assertEquals(fake.closes, 1);
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
  using terminal = renderTerminal(fake.app(), { columns: 80, rows: 24 });
  await terminal.waitFor((f) => f.includes("reconnecting"), "the reconnecting banner");
  fake.connection.set({ kind: "connected", url: "ws://127.0.0.1:7470" });
  await terminal.waitFor((f) => f.includes("GEMINI"), "health");
  fake.connection.set({
    kind: "reconnecting",
    reason: "connection lost ".repeat(8),
    retryAt: Date.now(),
    attempt: 2,
  });

  for (let i = 0; i < 12; i++) fake.emit(logEvent("warn", `warning number ${i} `.repeat(6)));
  const frame = plain(await terminal.waitFor((f) => f.includes("warning number 11"), "the log lines"));
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
  using terminal = renderTerminal(fake.app({ screens }));
  const first = plain(await terminal.waitFor((f) => f.includes("checked"), "health"));
  assertStringIncludes(first, " 1 Dashboard ");
  assertStringIncludes(first, " 2 Probe");

  terminal.press("p"); // not a dashboard key: ignored there
  terminal.press("2");
  const probe = plain(await terminal.waitFor((f) => f.includes("probe screen"), "the probe screen"));
  assertStringIncludes(probe, "pinged 0 times");
  assertMatch(probe.trimEnd().split("\n").at(-1) ?? "", /p ping the probe/);

  terminal.press("p");
  await terminal.waitFor((f) => f.includes("pinged 1 times"), "the probe's key to run");
  terminal.press("?");
  const help = plain(await terminal.waitFor((f) => f.includes("Everywhere"), "the help"));
  assertStringIncludes(help, "Probe screen");
  assertStringIncludes(help, "ping the probe");
  terminal.press("p"); // keys of the screen are off while the help is open
  terminal.press("?");

  terminal.press("\t");
  await terminal.waitFor((f) => f.includes("│ db "), "Tab to wrap around to the dashboard");
  terminal.press("\x1b[Z");
  await terminal.waitFor((f) => f.includes("probe screen"), "Shift-Tab to go back to the probe");
  assertEquals(pings, 1);
});
