import { join } from "@std/path";
import { type GeminiServer, startGeminiServer } from "../fakes/gemini_server.ts";
import { writeTestVideo } from "./media.ts";
import { startTestDaemon, type TestDaemon } from "./test_daemon.ts";
import type { Episode } from "../../shared/schemas.ts";

/** The phrase every fixture episode says on its fifth line; the fake Gemini picks it out. */
export const PHRASE = "call it a day";

const LINES = [
  "Morning. Did you sleep at all?",
  "Not really, the neighbours had a party.",
  "Same here. I could hear the music all night.",
  "Well, we have a lot to do today.",
  `Let's work hard and then call it a day early.`,
  "Deal. Coffee first, though.",
  "Of course. I'll get the first round.",
  "Thanks. See you at the office.",
];

function srt(): string {
  const t = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace(".", ",");
  return LINES.map((text, i) => `${i + 1}\n${t(1_000 + i * 2_500)} --> ${t(3_200 + i * 2_500)}\n${text}\n`)
    .join("\n");
}

/** Writes a 22-second episode (picture, tone, English subtitles). */
export async function writeEpisode(dir: string, name: string): Promise<string> {
  const video = join(dir, `${name}.mp4`);
  await writeTestVideo(video, { seconds: 22 });
  await Deno.writeTextFile(join(dir, `${name}.en.srt`), srt());
  return video;
}

/** A media root with `count` episodes of "Queue Show"; returns the root and the video paths. */
export async function writeShow(count: number): Promise<{ root: string; videos: string[] }> {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-pipeline-" });
  const dir = join(root, "Queue Show", "Season 01");
  const videos: string[] = [];
  for (let i = 1; i <= count; i++) {
    videos.push(await writeEpisode(dir, `Queue Show - S01E${String(i).padStart(2, "0")}`));
  }
  return { root, videos };
}

/**
 * A fake Gemini that finds {@link PHRASE} in whatever chunk it is sent (answering after
 * `delayMs`), with its scene the lines around it; `apiKey` is the only key it accepts (a
 * generated one when omitted).
 */
export async function startPhraseGemini(delayMs = 0, apiKey?: string): Promise<GeminiServer> {
  return await startGeminiServer({
    delayMs,
    ...(apiKey === undefined ? {} : { apiKey }),
    handle(request) {
      const contents = request.body.contents as { parts: { text: string }[] }[];
      const text = contents.map((c) => c.parts.map((p) => p.text).join("\n")).join("\n");
      const line = text.split("\n").find((l) => l.includes(PHRASE));
      const cue = line ? Number(/^\[(\d+)\]/.exec(line)?.[1]) : NaN;
      const expressions = Number.isFinite(cue)
        ? [{
          expression: PHRASE,
          expressionCue: cue,
          contextStartCue: cue - 2,
          contextEndCue: cue + 1,
          translations: [{
            language: "es",
            expression: "dar por terminado",
            line: "Trabajemos duro y luego lo damos por terminado temprano.",
            title: "«Call it a day»: terminar la jornada en inglés",
          }],
          meaning: "to stop working for the day",
          similar: ["wrap it up", "knock off"],
          example: "It's six already, let's call it a day.",
          difficulty: 4,
          usefulness: 9,
          keywords: ["work", "office"],
          sceneType: "morning chat",
        }]
        : [];
      return { kind: "ok", text: JSON.stringify({ expressions }) };
    },
  });
}

/** Environment for a daemon that analyses with the fake Gemini. */
export function geminiEnv(gemini: GeminiServer): Record<string, string> {
  return { GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url };
}

/** Every file under `dir` (recursively); none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory) out.push(...await filesUnder(path));
      else out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

/** Polls `check` every 100 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** Pids of running ffmpeg processes whose command line mentions `needle`. */
export async function ffmpegProcesses(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`);
      if (cmd.includes("ffmpeg") && cmd.includes(needle)) pids.push(Number(e.name));
    } catch { /* exited */ }
  }
  return pids;
}

/** A scanned test daemon over a show, with the fake Gemini it analyses with. */
export interface ShowDaemon extends AsyncDisposable {
  t: TestDaemon;
  api: ReturnType<TestDaemon["caller"]>;
  gemini: GeminiServer;
  episodes: Episode[];
  videos: string[];
}

/**
 * A test daemon over a fresh show of `count` episodes, scanned, analysing with the phrase Gemini
 * (answering after `geminiDelayMs`), with more environment when given; disposing it stops both
 * and removes the media.
 */
export async function showDaemon(
  count: number,
  geminiDelayMs = 0,
  env: Record<string, string> = {},
): Promise<ShowDaemon> {
  const gemini = await startPhraseGemini(geminiDelayMs);
  const { root, videos } = await writeShow(count);
  const t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root, ...geminiEnv(gemini), ...env });
  const api = t.caller();
  await api.library.scan();
  const episodes = (await api.library.list({})).items;
  return {
    t,
    api,
    gemini,
    episodes,
    videos,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await gemini.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}
