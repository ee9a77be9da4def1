/**
 * The TUI in a real terminal (tmux) against the real daemon: it connects, shows health, follows
 * a daemon restart, scans and browses a media library, analyses a sample episode and reviews
 * its expressions, renders a group and marks the video on the Outputs screen, starts a batch
 * from the Library and follows its job on the Jobs screen, shows the publishing calendar and
 * saves its settings on the Schedule screen, and quits on `q` with exit status 0.
 */
import { join } from "@std/path";
import { delay } from "@std/async/delay";
import { assert, assertEquals } from "@std/assert";
import { COMPONENT_NAMES } from "../shared/schemas.ts";
import { startDaemonProcess } from "./helpers/daemon_process.ts";
import { SRT, writeText, writeVideo } from "./helpers/media.ts";

/** The file `scripts/make-sample` writes next to the sample show (see daemon/analysis/sample_seed.ts). */
const SAMPLE_FILE = "lingoreel-sample-analyses.json";

const ROOT = new URL("../", import.meta.url).pathname;
const WAIT_MS = 30_000;
/** A real render: 10–60 s per video, more while other work keeps the CPUs busy. */
const RENDER_WAIT_MS = 240_000;

async function tmux(socket: string, ...args: string[]): Promise<string> {
  // A server of our own (-S): nothing here can touch a person's tmux sessions.
  const { code, stdout, stderr } = await new Deno.Command("tmux", { args: ["-u", "-S", socket, ...args] })
    .output();
  const decoder = new TextDecoder();
  if (code !== 0) throw new Error(`tmux ${args.join(" ")} failed (${code}): ${decoder.decode(stderr)}`);
  return decoder.decode(stdout);
}

/** The TUI running in a detached tmux session of its own. */
interface TuiSession extends AsyncDisposable {
  capture(): Promise<string>;
  press(...keys: string[]): Promise<void>;
  /** Polls the pane until `predicate` holds; fails with the pane's text after `timeoutMs` ({@link WAIT_MS}). */
  waitFor(predicate: (pane: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** The TUI's exit status once it has ended. */
  exitStatus(): Promise<number | undefined>;
}

async function startTui(env: Record<string, string>, size = { columns: 100, rows: 30 }): Promise<TuiSession> {
  const name = `lingoreel-tui-test-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const socketDir = await Deno.makeTempDir({ prefix: "lingoreel-tmux-" });
  const socket = join(socketDir, "tmux.sock");
  const tui = [Deno.execPath(), "run", "--allow-all", join(ROOT, "tui/main.tsx")]
    .map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(" ");
  // The shell writes down the exit status. Neither tmux's #{pane_dead_status} nor text echoed
  // on the pane proved reliable: tmux 3.3 now and then leaves the status empty, or shows a blank
  // screen after the TUI has left the alternate screen.
  const statusFile = join(socketDir, "exit-status");
  const command = `${tui}; echo $? > '${statusFile}'`;
  const args = [
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    String(size.columns),
    "-y",
    String(size.rows),
    "-c",
    ROOT,
    ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    command,
    // In the same server call, before the TUI can end: keep the pane for failure messages.
    ";",
    "set-option",
    "-t",
    name,
    "remain-on-exit",
    "on",
  ];
  try {
    await tmux(socket, ...args);
  } catch (error) {
    await Deno.remove(socketDir, { recursive: true });
    throw error;
  }
  const capture = () => tmux(socket, "capture-pane", "-p", "-t", name);
  return {
    capture,
    async press(...keys) {
      await tmux(socket, "send-keys", "-t", name, ...keys);
    },
    async waitFor(predicate, what, timeoutMs = WAIT_MS) {
      const deadline = Date.now() + timeoutMs;
      let pane = "";
      while (Date.now() < deadline) {
        pane = await capture();
        if (predicate(pane)) return pane;
        await delay(100);
      }
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. The pane shows:\n${pane}`);
    },
    async exitStatus() {
      try {
        const text = (await Deno.readTextFile(statusFile)).trim();
        return text === "" ? undefined : Number(text); // "" while the shell is still writing
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      }
    },
    async [Symbol.asyncDispose]() {
      // Ending the only session of our own server ends that server too.
      await tmux(socket, "kill-session", "-t", name).catch(() => {});
      await Deno.remove(socketDir, { recursive: true });
    },
  };
}

/** Whether the pane shows every component with a status word. */
const showsAllComponents = (pane: string): boolean =>
  COMPONENT_NAMES.every((name) => new RegExp(`│ ${name}\\s+\\S+ (ok|degraded|down)\\s+\\d`).test(pane));

async function waitForExit(session: TuiSession): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const status = await session.exitStatus();
    if (status !== undefined) return status;
    await delay(100);
  }
  throw new Error(`The TUI did not exit within ${WAIT_MS} ms. The pane shows:\n${await session.capture()}`);
}

Deno.test("in a real terminal the TUI connects to the daemon, shows every component, and quits on q with status 0", async () => {
  await using daemon = await startDaemonProcess();
  await using tui = await startTui({ LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token });

  const pane = await tui.waitFor(
    (text) => text.includes(`connected to ${daemon.info.url}`) && showsAllComponents(text),
    "the connected dashboard",
  );
  assert(pane.includes(`v${daemon.info.version}`), `no version in:\n${pane}`);
  assert(/q \/ Ctrl-C quit/.test(pane), `no footer in:\n${pane}`);

  await tui.press("?");
  await tui.waitFor((text) => text.includes("Everywhere") && text.includes("refresh health now"), "the help");
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal the TUI shows reconnecting while the daemon restarts, then connected with fresh health", async () => {
  await using first = await startDaemonProcess();
  await using tui = await startTui({ LINGOREEL_DATA_DIR: first.dataDir, LINGOREEL_TOKEN: first.token });
  await tui.waitFor(
    (text) => text.includes(`connected to ${first.info.url}`) && showsAllComponents(text),
    "the connected dashboard",
  );

  await first.stop("SIGTERM");
  const away = await tui.waitFor((text) => text.includes("reconnecting"), "the reconnecting banner");
  assert(away.includes("deno task daemon"), `no hint how to start the daemon in:\n${away}`);
  assert(away.includes("last known"), `the old report is not marked as last known in:\n${away}`);

  await using second = await startDaemonProcess({ dataDir: first.dataDir });
  assert(second.info.url !== first.info.url || second.info.pid !== first.info.pid);
  await tui.waitFor(
    (text) =>
      text.includes(`connected to ${second.info.url}`) && showsAllComponents(text) &&
      text.includes("checked") &&
      !text.includes("last known"),
    "connected again, with health from the new daemon",
  );

  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal the Library screen scans a media tree, selects episodes and shows an episode's first cue", async () => {
  const media = await Deno.makeTempDir({ prefix: "lingoreel-tui-media-" });
  await using _media = { [Symbol.asyncDispose]: () => Deno.remove(media, { recursive: true }) };
  for (const [n, title] of [[1, "Arrival"], [2, "Departure"], [3, "Return"]]) {
    const base = join(media, "Test Show", "Season 1", `Test Show - S01E0${n} - ${title}`);
    await writeVideo(`${base}.mp4`);
    await writeText(`${base}.en.srt`, SRT);
  }
  await using daemon = await startDaemonProcess({ env: { LINGOREEL_MEDIA_ROOTS: media } });
  await using tui = await startTui(
    { LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token },
    { columns: 80, rows: 24 },
  );
  await tui.waitFor((text) => text.includes(`connected to ${daemon.info.url}`), "the connection");

  await tui.press("2");
  await tui.waitFor((text) => text.includes("The library is empty"), "the empty library");
  await tui.press("r");
  const scanned = await tui.waitFor(
    (text) => text.includes("Return") && text.includes("Scan done"),
    "the scanned episodes",
  );
  assert(/Test Show — Season 1 \(3\)/.test(scanned), `no group header in:\n${scanned}`);
  assert(/S01E02\s+Departure\s+0:01\s+en/.test(scanned), `no episode row in:\n${scanned}`);
  assert(scanned.includes("3 added"), `no scan summary in:\n${scanned}`);

  await tui.press("j");
  await tui.press("Space");
  await tui.waitFor((text) => text.includes("Library — 3 episodes · 1 selected"), "one episode selected");
  await tui.press("a");
  await tui.waitFor((text) => text.includes("Library — 3 episodes · 3 selected"), "all three selected");

  await tui.press("Enter");
  const details = await tui.waitFor((text) => text.includes("Hello there."), "the first cue in the details");
  assert(details.includes("Test Show - S01E01 - Arrival.en.srt"), `no subtitle track in:\n${details}`);
  await tui.press("Escape");
  await tui.waitFor(
    (text) => text.includes("Departure") && !text.includes("Hello there.") && text.includes("3 selected"),
    "the list again",
  );
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal the Review screen analyses a sample episode without a Gemini key and approves an expression", async () => {
  const media = await Deno.makeTempDir({ prefix: "lingoreel-tui-review-" });
  await using _media = { [Symbol.asyncDispose]: () => Deno.remove(media, { recursive: true }) };
  // Twelve lines, 3 s apart; the sample analysis names two expressions by their cue numbers.
  const lines = Array.from({ length: 12 }, (_, i) => `Line number ${i + 1}, nothing special.`);
  lines[3] = "Let's break the ice with some coffee.";
  lines[7] = "I'm tired, let's call it a day.";
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace(".", ",");
  const srt = lines.map((text, i) => `${i + 1}\n${time(i * 3_000)} --> ${time(i * 3_000 + 2_500)}\n${text}\n`)
    .join("\n");
  const base = join(media, "Sample Show", "Season 1", "Sample Show - S01E01 - Coffee");
  await writeVideo(`${base}.mp4`);
  await writeText(`${base}.en.srt`, srt);
  const sample = (expression: string, cue: number) => ({
    expression,
    expressionCue: cue,
    contextStartCue: cue - 1,
    contextEndCue: cue + 1,
    translations: [{
      language: "es",
      expression: `«${expression}»`,
      line: "…",
      title: `Aprende «${expression}»`,
    }],
    meaning: `what "${expression}" means`,
    similar: [],
    example: `An example with ${expression}.`,
    difficulty: 5,
    usefulness: 7,
    keywords: [expression.split(" ")[0]],
    sceneType: "chat",
  });
  await writeText(
    join(media, "Sample Show", SAMPLE_FILE),
    JSON.stringify({
      format: "lingoreel-sample-analyses",
      show: "Sample Show",
      episodes: { S01E01: { expressions: [sample("break the ice", 4), sample("call it a day", 8)] } },
    }),
  );

  await using daemon = await startDaemonProcess({ env: { LINGOREEL_MEDIA_ROOTS: media } });
  await using tui = await startTui(
    { LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token },
    { columns: 80, rows: 24 },
  );
  await tui.waitFor((text) => text.includes(`connected to ${daemon.info.url}`), "the connection");
  await tui.press("2");
  await tui.waitFor((text) => text.includes("The library is empty"), "the empty library");
  await tui.press("r");
  await tui.waitFor((text) => text.includes("Scan done") && text.includes("Coffee"), "the scanned episode");

  await tui.press("3");
  await tui.waitFor(
    (text) =>
      text.includes("Sample Show S01E01 · Coffee") && text.includes("No expressions for this episode yet"),
    "the review screen on the unanalysed episode",
  );
  await tui.press("r");
  const analysed = await tui.waitFor(
    (text) => text.includes("Analysis completed") && text.includes("call it a day"),
    "the analysis answered from the sample file",
  );
  assert(
    /› \[ \] · break the ice\s+d5 «break the ice»\s+\[sample\]/.test(analysed),
    `no row in:\n${analysed}`,
  );
  assert(analysed.includes("2 kept, 0 dropped · 0 LLM calls"), `no run summary in:\n${analysed}`);
  assert(analysed.includes("▸"), `no marked line in the details:\n${analysed}`);

  await tui.press("a");
  const approved = await tui.waitFor(
    (text) => /\[ \] ✓ break the ice/.test(text) && text.includes("1 pending · 1 ✓"),
    "the approved expression",
  );
  assert(/› \[ \] · call it a day/.test(approved), `the cursor did not move on:\n${approved}`);
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal R on the Review screen renders a group, and the Outputs screen lists the video and marks it", async () => {
  const media = await Deno.makeTempDir({ prefix: "lingoreel-tui-render-" });
  await using _media = { [Symbol.asyncDispose]: () => Deno.remove(media, { recursive: true }) };
  // Nine seconds of a tiny picture: the smallest source a scene, its replays and a card come from.
  const base = join(media, "Sample Show", "Season 1", "Sample Show - S01E01 - Coffee");
  await Deno.mkdir(join(media, "Sample Show", "Season 1"), { recursive: true });
  const ffmpeg = await new Deno.Command("ffmpeg", {
    args: [
      ..."-v error -y -f lavfi -i testsrc2=size=64x64:rate=10:duration=9".split(" "),
      ..."-f lavfi -i sine=frequency=440:duration=9 -c:v libx264 -preset ultrafast -c:a aac -shortest".split(
        " ",
      ),
      `${base}.mp4`,
    ],
  }).output();
  assert(ffmpeg.success, new TextDecoder().decode(ffmpeg.stderr));
  const lines = ["Good morning.", "Let's break the ice with some coffee.", "Fine by me."];
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace(".", ",");
  await writeText(
    `${base}.en.srt`,
    lines.map((text, i) => `${i + 1}\n${time(i * 3_000)} --> ${time(i * 3_000 + 2_500)}\n${text}\n`).join(
      "\n",
    ),
  );
  await writeText(
    join(media, "Sample Show", SAMPLE_FILE),
    JSON.stringify({
      format: "lingoreel-sample-analyses",
      show: "Sample Show",
      episodes: {
        S01E01: {
          expressions: [{
            expression: "break the ice",
            expressionCue: 2,
            contextStartCue: 1,
            contextEndCue: 3,
            translations: [{
              language: "es",
              expression: "romper el hielo",
              line: "…",
              title: "Aprende «romper el hielo»",
            }],
            meaning: "to make people feel relaxed",
            similar: [],
            example: "A joke breaks the ice.",
            difficulty: 4,
            usefulness: 8,
            keywords: ["ice"],
            sceneType: "chat",
          }],
        },
      },
    }),
  );

  await using daemon = await startDaemonProcess({ env: { LINGOREEL_MEDIA_ROOTS: media } });
  await using tui = await startTui(
    { LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token },
    { columns: 80, rows: 24 },
  );
  await tui.waitFor((text) => text.includes(`connected to ${daemon.info.url}`), "the connection");
  await tui.press("2");
  await tui.waitFor((text) => text.includes("The library is empty"), "the empty library");
  await tui.press("r");
  await tui.waitFor((text) => text.includes("Scan done") && text.includes("Coffee"), "the scanned episode");
  await tui.press("4");
  await tui.waitFor((text) => text.includes("No videos rendered yet"), "no videos yet");
  await tui.press("3");
  await tui.waitFor((text) => text.includes("No expressions for this episode yet"), "the unanalysed episode");
  await tui.press("r");
  await tui.waitFor((text) => text.includes("Analysis completed"), "the sample analysis");
  // the message comes before the list is read again: R on an empty list has nothing to render
  await tui.waitFor((text) => text.includes("› [ ] · break the ice"), "the expression in the list");

  await tui.press("R");
  await tui.waitFor((text) => text.includes("this takes a minute"), "rendering");
  const rendered = await tui.waitFor(
    (text) => text.includes("Rendered 1 video") || text.includes("Render failed"),
    "the render's outcome",
    RENDER_WAIT_MS,
  );
  assert(rendered.includes("Rendered 1 video"), `the render failed:\n${rendered}`);
  assert(rendered.includes("-short.mp4"), `no path in:\n${rendered}`);

  await tui.press("4");
  const listed = await tui.waitFor(
    (text) => text.includes("Outputs — 1 video"),
    "the video on the Outputs screen",
  );
  assert(
    /› \[ \] {3}short\s+0:\d\d\s+[\d.]+ [kM]B\s+break the ice\s+Sample Sh/.test(listed),
    `no row in:\n${listed}`,
  );
  assert(listed.includes("1080x1920"), `no details in:\n${listed}`);
  await tui.press("m");
  await tui.waitFor((text) => text.includes("★ Marked") && /› \[ \] ★ short/.test(text), "the video marked");
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal b starts a batch from the Library; the Jobs screen follows its job to its end with its log, retries it, and pauses the queues", async () => {
  const media = await Deno.makeTempDir({ prefix: "lingoreel-tui-jobs-" });
  await using _media = { [Symbol.asyncDispose]: () => Deno.remove(media, { recursive: true }) };
  const base = join(media, "Test Show", "Season 1", "Test Show - S01E01 - Arrival");
  await writeVideo(`${base}.mp4`);
  await writeText(`${base}.en.srt`, SRT);
  // No GEMINI_API_KEY and no sample analyses: the analysis stage fails, and says why.
  await using daemon = await startDaemonProcess({ env: { LINGOREEL_MEDIA_ROOTS: media } });
  await using tui = await startTui({ LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token });
  const dashboard = await tui.waitFor(
    (text) =>
      text.includes(`connected to ${daemon.info.url}`) && /│ render\s+▶ running\s+\d+ waiting/.test(text),
    "the dashboard's queue counts",
  );
  assert(
    /│ analyze\s+▶ running\s+0 waiting · 0 active · 0 failed/.test(dashboard),
    `no queue row in:\n${dashboard}`,
  );

  await tui.press("2");
  await tui.waitFor((text) => text.includes("The library is empty"), "the empty library");
  await tui.press("r");
  await tui.waitFor((text) => text.includes("Scan done") && text.includes("Arrival"), "the scanned episode");
  await tui.press("j");
  await tui.press("b");
  const form = await tui.waitFor(
    (text) =>
      text.includes("New batch — 1 episode: Test Show S01E01") &&
      /Estimate for 1 episode|estimate failed/.test(text),
    "the batch form with its estimate",
  );
  assert(form.includes("Estimate for 1 episode: 1 chunk"), `no estimate in:\n${form}`);
  await tui.press("Enter");
  await tui.waitFor((text) => text.includes("✓ Batch 1 started: 1 job (1)"), "the batch started");
  await tui.press("Enter");
  const failed = await tui.waitFor(
    (text) =>
      text.includes("Batch 1 —") && /Test Show S01E01.*✗ failed/.test(text) &&
      /\d\d:\d\d:\d\d (info|warn|error)/.test(text),
    "the job failed, with its log",
  );
  assert(/› #1\s+█+\s+100% ✗ failed\s+0\/1 done · 1 failed/.test(failed), `no batch row in:\n${failed}`);
  assert(/\d\d:\d\d:\d\d error analyze failed: /.test(failed), `no failure in the job's log:\n${failed}`);

  await tui.press("Enter");
  await tui.press("r");
  await tui.waitFor((text) => text.includes("Retrying job 1 (Test Show S01E01)"), "the retry");
  await tui.waitFor((text) => /Test Show S01E01.*×2 ✗ failed/.test(text), "the second run failed too");

  await tui.press("p");
  await tui.waitFor(
    (text) => text.includes("‖ Queues paused: running jobs finish") && text.includes("p resume queues"),
    "paused",
  );
  await tui.press("1");
  await tui.waitFor(
    (text) => /│ analyze\s+‖ paused/.test(text) && /Queues ‖ queues paused/.test(text),
    "paused on the dashboard",
  );
  await tui.press("5");
  await tui.press("p");
  await tui.waitFor((text) => text.includes("▶ queues running"), "resumed");
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});

Deno.test("in a real terminal the Schedule screen shows the calendar, the quota and the YouTube connection, and saves the calendar's settings, showing the daemon's validation errors", async () => {
  // TZ seeds the calendar's time zone: UTC whatever this machine's is; no YouTube client.
  await using daemon = await startDaemonProcess({ env: { TZ: "UTC", YOUTUBE_CLIENT_SECRET_FILE: "" } });
  await using tui = await startTui({ LINGOREEL_DATA_DIR: daemon.dataDir, LINGOREEL_TOKEN: daemon.token });
  await tui.waitFor((text) => text.includes(`connected to ${daemon.info.url}`), "the connection");

  await tui.press("6");
  const shown = await tui.waitFor(
    (text) =>
      text.includes("Agenda — UTC · 14 days") && text.includes("videos.insert") && /0\/1 · 1 free/.test(text),
    "the agenda and the quota",
  );
  assert(shown.includes("✗ YouTube: not configured"), `no YouTube line in:\n${shown}`);
  assert(shown.includes("YOUTUBE_CLIENT_SECRET_FILE is not set"), `no warning in:\n${shown}`);
  assert(/pool\s+░{12}\s+0% 0 of 10,000 · 10,000 free/.test(shown), `no pool meter in:\n${shown}`);
  assert(shown.includes("Nothing to place"), `no empty list of videos to place in:\n${shown}`);

  await tui.press("S");
  await tui.waitFor((text) => text.includes("Publishing settings"), "the settings form");
  // One key at a time, each seen before the next: Ctrl-U in a burst of keys is not read as one.
  await tui.press("Tab");
  await tui.press("Tab");
  await tui.waitFor((text) => /› Videos per slot\s+1/.test(text), "the capacity focused");
  await tui.press("C-u");
  await tui.waitFor((text) => /› Videos per slot\s+│/.test(text), "the capacity emptied");
  await tui.press("0");
  await tui.waitFor((text) => /› Videos per slot\s+0/.test(text), "0 typed");
  await tui.press("Enter");
  const refused = await tui.waitFor(
    (text) => text.includes("✗ Videos per slot:"),
    "the daemon's validation error",
  );
  assert(
    /✗ Videos per slot: Too small: expected number to be >=1/.test(refused),
    `no reason in:\n${refused}`,
  );

  await tui.press("BSpace");
  await tui.waitFor((text) => /› Videos per slot\s+│/.test(text), "the capacity emptied again");
  await tui.press("2");
  await tui.waitFor((text) => /› Videos per slot\s+2/.test(text), "2 typed");
  await tui.press("Enter");
  const saved = await tui.waitFor(
    (text) => text.includes("✓ Saved schedule.calendar") && /0\/2 · 2 free/.test(text),
    "the saved calendar",
  );
  assert(!saved.includes("Publishing settings"), `the form stays open:\n${saved}`);
  await tui.press("q");
  assertEquals(await waitForExit(tui), 0, await tui.capture());
});
