/**
 * Library scan figures: a first scan and unchanged rescans of N episode files (default 2,000,
 * each with an English sidecar), on the embedded database (or DATABASE_URL with --postgres).
 *
 *   deno run -A scripts/bench/library.ts [--files 2000] [--postgres] [--json]
 *
 * The videos are copies of one small real MP4, so ffprobe does real work on each.
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { join } from "@std/path";
import { migrateToLatest, openDatabase } from "../../daemon/db/mod.ts";
import { FfprobeRunner, LibraryScanner } from "../../daemon/library/mod.ts";
import { createLogger } from "../../daemon/log.ts";

const args = Deno.args;
const json = args.includes("--json");
const files = Number(args[args.indexOf("--files") + 1]) || 2_000;
const usePostgres = args.includes("--postgres");

async function ffmpeg(list: string[]) {
  const out = await new Deno.Command("ffmpeg", { args: ["-v", "error", "-y", ...list], stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

const work = await Deno.makeTempDir({ prefix: "lingoreel-bench-library-" });
try {
  const root = join(work, "media");
  const sample = join(work, "sample.mp4");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x180:rate=25:duration=2",
    "-f",
    "lavfi",
    "-i",
    "sine=duration=2",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    sample,
  ]);
  const srt = "1\n00:00:00,000 --> 00:00:01,000\nHello.\n";
  for (let i = 0; i < files; i++) {
    const show = `Show ${String(Math.floor(i / 100)).padStart(2, "0")}`;
    const season = Math.floor((i % 100) / 20) + 1;
    const episode = (i % 20) + 1;
    const dir = join(root, show, `Season ${String(season).padStart(2, "0")}`);
    await Deno.mkdir(dir, { recursive: true });
    const name = `${show} - S${String(season).padStart(2, "0")}E${
      String(episode).padStart(2, "0")
    } - Episode ${episode}`;
    await Deno.copyFile(sample, join(dir, `${name}.mp4`));
    await Deno.writeTextFile(join(dir, `${name}.en.srt`), srt);
  }

  const log = createLogger({ level: "warn" });
  const databaseUrl = usePostgres ? Deno.env.get("DATABASE_URL") : undefined;
  if (usePostgres && !databaseUrl) throw new Error("--postgres needs DATABASE_URL");
  await using database = await openDatabase({ databaseUrl, dataDir: work, log });
  await migrateToLatest(database.db, log);
  const scanner = new LibraryScanner({
    db: database.db,
    roots: [root],
    prober: new FfprobeRunner(() => Promise.resolve("ffprobe")),
    log,
  });
  const first = await scanner.scan();
  const rescans = [];
  for (let i = 0; i < 3; i++) rescans.push(await scanner.scan());
  const rescanMs = rescans.map((r) => r.durationMs).sort((a, b) => a - b);
  const result = {
    files,
    database: database.kind,
    firstScan: { ms: first.durationMs, added: first.added, probes: first.probes },
    unchangedRescan: {
      medianMs: rescanMs[1],
      maxMs: rescanMs[2],
      probes: rescans.reduce((n, r) => n + r.probes, 0),
    },
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `library scan of ${files} episode files (${database.kind}, ${navigator.hardwareConcurrency} cores)`,
    );
    console.log(
      `  first scan        ${first.durationMs} ms (${first.added} added, ${first.probes} ffprobe runs)`,
    );
    console.log(
      `  unchanged rescan  median ${rescanMs[1]} ms, max ${
        rescanMs[2]
      } ms, ffprobe runs ${result.unchangedRescan.probes}   (target < 2000 ms)`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true });
}
