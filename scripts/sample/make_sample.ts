/**
 * Builds a sample library: episodes of "Sample Show" with spoken dialogue (espeak-ng speech
 * placed at the subtitle times over a generated picture), an English SRT and a Spanish SRT whose
 * cue boundaries differ from the English ones, one episode whose English subtitles are embedded
 * in the MKV, and one with a broken subtitle file.
 *
 *   scripts/make-sample [--out DIR] [--quick] [--force]
 *
 * --out defaults to the first media root (LINGOREEL_MEDIA_ROOTS, else <data dir>/media);
 * --quick makes 4-line, 640x360 episodes (for tests); existing episodes are kept unless --force.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { join } from "@std/path";
import { loadConfig } from "../../daemon/config.ts";
import { SAMPLE_FILE } from "../../daemon/analysis/sample_seed.ts";
import { SAMPLE_ANALYSES } from "./analyses.ts";
import { EPISODES, type Line, type SampleEpisode, SHOW } from "./dialogue.ts";

const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

interface Timed {
  line: Line;
  startMs: number;
  endMs: number;
  samples: Int16Array;
}

async function run(cmd: string, args: string[]): Promise<Uint8Array> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `${cmd} is not installed: apt-get install ${cmd === "espeak-ng" ? "espeak-ng" : "ffmpeg"}`,
      );
    }
    throw error;
  }
  if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  return out.stdout;
}

/** Reads 16-bit PCM out of a WAV file (espeak-ng writes 22,050 Hz mono). */
function readWav(bytes: Uint8Array): { rate: number; samples: Int16Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let rate = 22050;
  while (offset + 8 <= bytes.length) {
    const id = new TextDecoder().decode(bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    if (id === "fmt ") rate = view.getUint32(offset + 12, true);
    if (id === "data") {
      const end = Math.min(bytes.length, offset + 8 + size);
      const copy = bytes.slice(offset + 8, end - ((end - offset - 8) % 2));
      return { rate, samples: new Int16Array(copy.buffer) };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("espeak-ng wrote no audio");
}

function writeWav(samples: Int16Array, rate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.byteLength);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.byteLength, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.byteLength, true);
  bytes.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), 44);
  return bytes;
}

function srtTime(ms: number): string {
  const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");
  return `${pad(ms / 3_600_000)}:${pad((ms / 60_000) % 60)}:${pad((ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
}

function srt(cues: { startMs: number; endMs: number; text: string }[]): string {
  return cues.map((c, i) => `${i + 1}\n${srtTime(c.startMs)} --> ${srtTime(c.endMs)}\n${c.text}\n`).join(
    "\n",
  );
}

/** Speaks each line and lays the lines out on a timeline with natural pauses. */
async function speak(lines: Line[], tmp: string): Promise<{ timed: Timed[]; rate: number; totalMs: number }> {
  const timed: Timed[] = [];
  let rate = 22050;
  // an opening before the first line, and pauses between lines, as in a real episode
  let cursor = 12_000;
  for (const [i, line] of lines.entries()) {
    const wav = join(tmp, `line${i}.wav`);
    const voice = line.speaker === "a" ? "en-us" : "en-gb+f3";
    await run("espeak-ng", ["-v", voice, "-s", "150", "-w", wav, line.en]);
    const audio = readWav(await Deno.readFile(wav));
    rate = audio.rate;
    const durationMs = Math.round((audio.samples.length / rate) * 1000);
    timed.push({ line, startMs: cursor, endMs: cursor + durationMs, samples: audio.samples });
    cursor += durationMs + 2_000 + ((i * 373) % 1_600); // pauses of 2.0–3.6 s
  }
  return { timed, rate, totalMs: cursor + 10_000 };
}

/** English cues: one per spoken line, lingering a little after the speech. */
function englishCues(timed: Timed[]) {
  return timed.map((t, i) => ({
    startMs: t.startMs,
    endMs: Math.min(t.endMs + 300, timed[i + 1]?.startMs ?? Infinity),
    text: t.line.en,
  }));
}

/**
 * Spanish cues cut differently, as real translations are: every third pair of lines shares one
 * cue (many-to-one), every fifth line is split in two (one-to-many), the rest start a little
 * earlier and end later.
 */
function spanishCues(timed: Timed[]) {
  const cues: { startMs: number; endMs: number; text: string }[] = [];
  for (let i = 0; i < timed.length; i++) {
    const t = timed[i];
    if (i % 3 === 1 && timed[i + 1]) {
      cues.push({
        startMs: t.startMs - 120,
        endMs: timed[i + 1].endMs + 200,
        text: `${t.line.es}\n${timed[i + 1].line.es}`,
      });
      i++;
    } else if (i % 5 === 4) {
      const words = t.line.es.split(" ");
      const half = Math.ceil(words.length / 2);
      const mid = Math.round((t.startMs + t.endMs) / 2);
      cues.push({ startMs: t.startMs - 80, endMs: mid, text: words.slice(0, half).join(" ") });
      cues.push({ startMs: mid + 40, endMs: t.endMs + 250, text: words.slice(half).join(" ") });
    } else {
      cues.push({ startMs: Math.max(0, t.startMs - 150), endMs: t.endMs + 250, text: t.line.es });
    }
  }
  return cues;
}

const BROKEN_SRT = `<!DOCTYPE html>
<html><head><title>Download subtitles - free subtitles for movies and TV</title></head>
<body><p>Your download will start shortly. If it does not, <a href="#">click here</a>.</p></body></html>
`;

async function makeEpisode(
  episode: SampleEpisode,
  options: { dir: string; quick: boolean; embedded: boolean; broken: boolean; tmp: string },
): Promise<string> {
  const code = `S01E${String(episode.number).padStart(2, "0")}`;
  const base = join(options.dir, `${SHOW} - ${code} - ${episode.title}`);
  const lines = options.quick ? episode.lines.slice(0, 4) : episode.lines;
  const { timed, rate, totalMs } = await speak(lines, options.tmp);

  const mix = new Int16Array(Math.ceil((totalMs / 1000) * rate));
  for (const t of timed) {
    mix.set(
      t.samples.subarray(0, mix.length - Math.round((t.startMs / 1000) * rate)),
      Math.round((t.startMs / 1000) * rate),
    );
  }
  const wav = join(options.tmp, "mix.wav");
  await Deno.writeFile(wav, writeWav(mix, rate));

  const english = srt(englishCues(timed));
  const englishPath = join(options.tmp, "en.srt");
  await Deno.writeTextFile(englishPath, english);
  const size = options.quick ? "640x360" : "1280x720";
  const title = `${SHOW} ${code}: ${episode.title}`.replaceAll(":", "\\:").replaceAll("'", "");
  const video = `${base}.${options.embedded ? "mkv" : "mp4"}`;
  const args = [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `color=c=0x1e2a38:s=${size}:r=25:d=${totalMs / 1000}`,
    "-i",
    wav,
    ...(options.embedded ? ["-i", englishPath] : []),
    "-vf",
    `drawtext=fontfile=${FONT}:text='${title}':fontsize=h/18:fontcolor=white:x=(w-tw)/2:y=h/3,` +
    `drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontsize=h/24:fontcolor=0x9fb3c8:x=(w-tw)/2:y=h/2`,
    "-map",
    "0:v",
    "-map",
    "1:a",
    ...(options.embedded ? ["-map", "2:s", "-c:s", "srt", "-metadata:s:s:0", "language=eng"] : []),
    "-metadata:s:a:0",
    "language=eng",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-crf",
    "28",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-b:a",
    "96k",
    "-ar",
    "48000",
    "-shortest",
    video,
  ];
  await run("ffmpeg", args);
  if (options.broken) {
    await Deno.writeTextFile(`${base}.en.srt`, BROKEN_SRT);
  } else {
    if (!options.embedded) await Deno.writeTextFile(`${base}.en.srt`, english);
    await Deno.writeTextFile(`${base}.es.srt`, srt(spanishCues(timed)));
  }
  return video;
}

if (import.meta.main) {
  const args = Deno.args;
  const outIndex = args.indexOf("--out");
  const quick = args.includes("--quick");
  const force = args.includes("--force");
  const out = outIndex >= 0 ? args[outIndex + 1] : (await loadConfig()).mediaRoots[0];
  if (!out) {
    console.error("usage: scripts/make-sample [--out DIR] [--quick] [--force]");
    Deno.exit(2);
  }
  const dir = join(out, SHOW, "Season 01");
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempDir({ prefix: "lingoreel-sample-" });
  try {
    const plan = [
      { episode: EPISODES[0], embedded: false, broken: false },
      { episode: EPISODES[1], embedded: false, broken: false },
      { episode: EPISODES[2], embedded: true, broken: false },
      {
        episode: { number: 4, title: "Broken Subtitles", lines: EPISODES[0].lines.slice(0, 3) },
        embedded: false,
        broken: true,
      },
    ];
    for (const item of plan) {
      const code = `S01E${String(item.episode.number).padStart(2, "0")}`;
      const existing = [...Deno.readDirSync(dir)].find((e) =>
        e.name.includes(code) && /\.(mp4|mkv)$/.test(e.name)
      );
      if (existing && !force) {
        console.log(`kept     ${join(dir, existing.name)}`);
        continue;
      }
      const started = performance.now();
      const video = await makeEpisode(item.episode, {
        dir,
        quick,
        embedded: item.embedded,
        broken: item.broken,
        tmp,
      });
      console.log(`made     ${video} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    await Deno.writeTextFile(
      join(out, SHOW, SAMPLE_FILE),
      JSON.stringify(
        { format: "lingoreel-sample-analyses", show: SHOW, episodes: SAMPLE_ANALYSES },
        null,
        2,
      ) + "\n",
    );
    console.log(`Sample library in ${out}, with hand-written sample analyses (${SAMPLE_FILE}).`);
    console.log("Scan it from the TUI (r) or with library.scan.");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}
