import { assertEquals } from "@std/assert";
import { delay } from "@std/async/delay";
import { join } from "@std/path";
import { watchRoots } from "../daemon/library/mod.ts";
import { memoryLogger } from "./helpers/services.ts";

Deno.test("watch mode rescans a root once after a burst of changes, and ignores unrelated files", async () => {
  const root = await Deno.makeTempDir({ prefix: "lingoreel-watch-" });
  const rescans: string[] = [];
  try {
    const watcher = watchRoots({
      roots: [root],
      rescan: (r) => Promise.resolve(rescans.push(r)),
      log: memoryLogger(),
      debounceMs: 300,
    });
    try {
      await delay(100);
      await Deno.writeTextFile(join(root, "notes.txt"), "unrelated");
      await delay(600);
      assertEquals(rescans, [], "a text file is not media");
      for (let i = 0; i < 5; i++) await Deno.writeTextFile(join(root, `Show.S01E0${i}.mkv`), "x");
      await Deno.writeTextFile(join(root, "Show.S01E01.en.srt"), "x");
      await delay(1_000);
      assertEquals(rescans, [root], "one rescan for the whole burst");
    } finally {
      await watcher[Symbol.asyncDispose]();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
