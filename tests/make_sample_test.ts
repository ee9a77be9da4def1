import { assertEquals, assertGreater, assertRejects, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { alignCues, readSubtitleFile, SubtitleParseError } from "../daemon/subtitles/mod.ts";
import { FfprobeRunner, toMediaInfo } from "../daemon/library/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;

Deno.test("make-sample builds spoken episodes with differently cut Spanish subtitles, an embedded track and a broken file", async () => {
  const out = await Deno.makeTempDir({ prefix: "lingoreel-sample-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", join(ROOT, "scripts/sample/make_sample.ts"), "--out", out, "--quick"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
    const dir = join(out, "Sample Show", "Season 01");
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(files.filter((f) => /\.(mp4|mkv)$/.test(f)).length, 4);

    const base = join(dir, "Sample Show - S01E01 - The Coffee Shop");
    const english = await readSubtitleFile(`${base}.en.srt`);
    const spanish = await readSubtitleFile(`${base}.es.srt`);
    assertEquals(english.cues.length, 4);
    assertEquals(spanish.cues[0].text.startsWith("Perdón"), true);
    const starts = new Set(english.cues.map((c) => c.startMs));
    assertEquals(spanish.cues.some((c) => !starts.has(c.startMs)), true, "Spanish cues are cut differently");
    const aligned = alignCues(english.cues, spanish.cues);
    assertEquals(aligned.every((a) => a.targets.length > 0), true, "every English line has its translation");

    const probe = new FfprobeRunner(() => Promise.resolve("ffprobe"));
    const info = toMediaInfo(`${base}.mp4`, await probe.probe(`${base}.mp4`));
    assertEquals(info.audio.length, 1);
    assertGreater(info.durationMs!, english.cues.at(-1)!.endMs);
    const embedded = toMediaInfo("e", await probe.probe(join(dir, "Sample Show - S01E03 - Moving Day.mkv")));
    assertEquals(embedded.subtitles.map((s) => [s.codec, s.language]), [["subrip", "eng"]]);

    const error = await assertRejects(
      () => readSubtitleFile(join(dir, "Sample Show - S01E04 - Broken Subtitles.en.srt")),
      SubtitleParseError,
    );
    assertStringIncludes(error.message, "Broken Subtitles.en.srt");

    const again = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", join(ROOT, "scripts/sample/make_sample.ts"), "--out", out, "--quick"],
      stdout: "piped",
    }).output();
    assertStringIncludes(new TextDecoder().decode(again.stdout), "kept", "a second run keeps what exists");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
