/**
 * Inputs that name files never reach outside where the daemon may read or write. The inputs
 * that take a path or a file name are `library.scan { root }` (a configured media root) and the
 * export file name (`export.anki` and a batch's export: `options.fileName`, written under
 * `<outputDir>/decks/`). Files the daemon finds by itself (sidecar subtitles) must stay inside
 * their media root too, also when a file is swapped for a link after the scan.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { basename, dirname, join } from "@std/path";
import { TRPCError } from "@trpc/server";
import type { Kysely } from "kysely";
import { exportOptionsSchema } from "../shared/export.ts";
import { type Context, createCallerFactory, type Services } from "../daemon/rpc/mod.ts";
import { appRouter } from "../daemon/rpc/router.ts";
import { LibraryScanner, PathOutsideRootsError, type Prober } from "../daemon/library/mod.ts";
import type { DB } from "../daemon/db/mod.ts";
import { partialName } from "../daemon/instance/leftovers.ts";
import { memoryLogger } from "./helpers/services.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";
import { SRT } from "./helpers/media.ts";

const createCaller = createCallerFactory(appRouter);

/** A caller whose services hold only `extra`; a procedure that gets further fails loudly. */
function callerWith(extra: Partial<Services>) {
  const services = new Proxy({ log: memoryLogger(), ...extra } as Services, {
    get(target, key) {
      if (key in target) return target[key as keyof Services];
      throw new Error(`the procedure ran and used services.${String(key)}: its input was accepted`);
    },
  });
  const ctx: Context = { services, authenticated: true, remote: "paths-test" };
  return createCaller(ctx);
}

async function refused(call: () => Promise<unknown>, label = ""): Promise<TRPCError> {
  const error = await call().then(() => new Error("it was accepted"), (e: unknown) => e);
  if (!(error instanceof TRPCError)) {
    throw new Error(`${label}: expected a TRPCError, got ${error}`, { cause: error });
  }
  assertEquals(error.code, "BAD_REQUEST", `${label}: ${error.message}`);
  return error;
}

/** The fields the zod issues of a refusal point at. */
const zodPaths = (error: TRPCError) => [
  ...new Set(
    ((error.cause as { issues?: { path: PropertyKey[] }[] }).issues ?? []).map((i) => i.path.join(".")),
  ),
];

Deno.test("library.scan refuses any root but a configured one: ../, absolute, relative, subfolders, links, NUL", async () => {
  const base = await Deno.makeTempDir({ prefix: "lingoreel-paths-" });
  try {
    const root = join(base, "media");
    await Deno.mkdir(join(root, "Show A"), { recursive: true });
    await Deno.mkdir(join(base, "elsewhere"));
    await Deno.symlink(root, join(base, "link-to-media"));
    await Deno.symlink(join(base, "elsewhere"), join(root, "link-out"));
    const scanner = new LibraryScanner({
      db: new Proxy({}, {
        get() {
          throw new Error("the scan ran");
        },
      }) as Kysely<DB>,
      roots: [root],
      prober: { probe: () => Promise.reject(new Error("no probing here")) } satisfies Prober,
      log: memoryLogger(),
    });
    const api = callerWith({
      library: { scanner, cacheDir: join(base, "cache"), ffmpeg: () => Promise.resolve("ffmpeg") },
    });

    for (
      const outside of [
        `${root}/../elsewhere`,
        `${root}/Show A/../../elsewhere`,
        `${root}/..`,
        "/etc",
        "/",
        "media", // relative: resolved against the daemon's working directory, not a root
        join(base, "link-to-media"), // a link to the root is another path, not the root
        `${root}-sibling`, // shares the root's spelling as a prefix
      ]
    ) {
      const error = await refused(() => api.library.scan({ root: outside }), outside);
      assertStringIncludes(error.message, `${outside} is not inside a media root (${root})`, outside);
      assertStringIncludes(error.message, "add its folder to LINGOREEL_MEDIA_ROOTS", outside);
      assertEquals(error.cause instanceof PathOutsideRootsError, true);
    }
    for (const folder of [join(root, "Show A"), join(root, "link-out"), `${root}/Show A/./`]) {
      const error = await refused(() => api.library.scan({ root: folder }), folder);
      assertStringIncludes(
        error.message,
        `is a folder inside the media root ${root}, not a root: scan ${root}`,
      );
    }
    // control characters and absurd lengths are refused by the schema, before any path handling
    for (const bad of [`${root}\0`, `${root}\0/../../etc`, `${root}\n`, `${root}/${"x".repeat(5_000)}`]) {
      const error = await refused(() => api.library.scan({ root: bad }), JSON.stringify(bad));
      assertEquals(zodPaths(error), ["root"], JSON.stringify(bad));
    }
    // called directly (a script, the watcher), a NUL byte is still refused, and printed escaped
    const direct = await refused(async () => {
      try {
        return await scanner.scan({ root: "/srv\0media" });
      } catch (error) {
        throw new TRPCError({ code: "BAD_REQUEST", message: (error as Error).message, cause: error });
      }
    });
    assertStringIncludes(direct.message, `"/srv\\u0000media" is not inside a media root`);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("export file names are names: no folders, no climbing out of decks/, no NUL, no hidden files, and short enough", async () => {
  const api = callerWith({});
  const badNames = [
    "../evil",
    "../../../../tmp/evil",
    "/etc/cron.d/evil",
    "decks/evil",
    "..\\evil",
    "evil\0",
    "evil\nname",
    "tab\tname",
    ".",
    "..",
    ".hidden",
    " ../evil", // trimmed first, then refused
    "é".repeat(61), // 122 bytes in UTF-8
    "x".repeat(101),
  ];
  for (const fileName of badNames) {
    const label = JSON.stringify(fileName);
    const direct = await refused(() => api.export.anki({ episodeIds: [1], options: { fileName } }));
    assertEquals(zodPaths(direct), ["options.fileName"], label);
    const batch = await refused(() =>
      api.batches.create({ episodeIds: [1], options: { export: { format: "csv", options: { fileName } } } })
    );
    assertEquals(zodPaths(batch), ["options.export.options.fileName"], label);
  }
  const dots = await refused(() => api.export.anki({ episodeIds: [1], options: { fileName: ".." } }));
  assertStringIncludes(dots.message, "does not start with a dot");

  // what the schema accepts stays a file directly in decks/, and its temporary name fits the file system
  const decks = "/var/lib/lingoreel/output/decks";
  for (
    const name of [
      "the-show-s01e01",
      "a..b",
      "name with spaces",
      "日本語のデッキ",
      "x".repeat(100),
      "é".repeat(60),
    ]
  ) {
    const { fileName } = exportOptionsSchema.parse({ fileName: name });
    for (const extension of ["apkg", "csv", "tsv", "json", "media"]) {
      const path = join(decks, `${fileName}.${extension}`);
      assertEquals(dirname(path), decks, name);
      assert(
        new TextEncoder().encode(basename(partialName(path))).length <= 255,
        `${name}: the .part name fits`,
      );
    }
  }
});

Deno.test("a scan never follows a link out of its root, and library.cues refuses a sidecar swapped for such a link", async () => {
  const base = await Deno.makeTempDir({ prefix: "lingoreel-paths-" });
  try {
    const root = join(base, "media");
    const outside = join(base, "outside");
    await Deno.mkdir(join(root, "Show"), { recursive: true });
    await Deno.mkdir(outside);
    await Deno.writeTextFile(join(outside, "secret.srt"), SRT.replace("Hello there.", "Outside the root."));
    await Deno.writeTextFile(join(outside, "Other.S01E01.mkv"), "not a video");
    // fake videos: ffprobe fails on them, which the scan records; their sidecars still count
    await Deno.writeTextFile(join(root, "Show/Show.S01E01.mkv"), "not a video");
    await Deno.writeTextFile(join(root, "Show/Show.S01E01.en.srt"), SRT);
    await Deno.writeTextFile(join(root, "Show/Show.S01E02.mkv"), "not a video");
    await Deno.symlink(join(outside, "secret.srt"), join(root, "Show/Show.S01E02.en.srt"));
    await Deno.symlink(outside, join(root, "Linked"));

    await using t = await startTestDaemon({ LINGOREEL_MEDIA_ROOTS: root });
    const api = t.caller();
    const scan = await api.library.scan({ root: `${root}/./Show/..` }); // another spelling of the root
    assertEquals(scan.added, 2, "Linked/Other.S01E01.mkv is outside the root");
    const episodes = (await api.library.list({})).items;
    assertEquals(episodes.map((e) => e.relPath).sort(), ["Show/Show.S01E01.mkv", "Show/Show.S01E02.mkv"]);
    const skipped = t.log.lines.map((l) => String(l.msg)).filter((m) =>
      m.includes("leads outside the media root")
    );
    assertEquals(skipped.length, 2, skipped.join("\n"));

    const second = episodes.find((e) => e.episode === 2)!;
    assertEquals(
      (await api.library.get({ id: second.id })).subtitleTracks,
      [],
      "the linked-out sidecar is no track",
    );
    const first = episodes.find((e) => e.episode === 1)!;
    assertEquals((await api.library.cues({ episodeId: first.id }))[0].text, "Hello there.");

    // swapped for a link after the scan: refused, and nothing of the outside file is shown
    await Deno.remove(join(root, "Show/Show.S01E01.en.srt"));
    await Deno.symlink(join(outside, "secret.srt"), join(root, "Show/Show.S01E01.en.srt"));
    const error = await refused(() => api.library.cues({ episodeId: first.id }));
    assertStringIncludes(
      error.message,
      `The subtitle file ${join(root, "Show/Show.S01E01.en.srt")} leads outside`,
    );
    assertStringIncludes(error.message, "rescan");
    assertEquals(error.message.includes("Outside the root"), false);
    // a link inside the root is fine
    await Deno.remove(join(root, "Show/Show.S01E01.en.srt"));
    await Deno.writeTextFile(join(root, "Show/real.srt"), SRT);
    await Deno.symlink(join(root, "Show/real.srt"), join(root, "Show/Show.S01E01.en.srt"));
    assertEquals((await api.library.cues({ episodeId: first.id }))[0].text, "Hello there.");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
