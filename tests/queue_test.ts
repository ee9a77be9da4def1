import { assertEquals } from "@std/assert";
import { QueueHub } from "../daemon/queue/mod.ts";
import { redisOptions } from "../daemon/redis/mod.ts";
import { memoryLogger, testRedisUrl, uniqueName } from "./helpers/services.ts";

Deno.test("a registered worker processes jobs from its queue on real Redis", async () => {
  const prefix = uniqueName("q");
  await using hub = new QueueHub({
    connection: redisOptions({ kind: "url", url: testRedisUrl() }),
    role: "all",
    log: memoryLogger(),
    prefix,
  });
  const done = Promise.withResolvers<number>();
  hub.registerWorker<{ n: number }, number>("double", (job) => {
    const result = job.data.n * 2;
    done.resolve(result);
    return Promise.resolve(result);
  });
  await hub.queue<{ n: number }>("double").add("x", { n: 21 });
  assertEquals(await done.promise, 42);
  const [counts] = await hub.counts();
  assertEquals(counts.name, "double");
  await hub.queue("double").obliterate({ force: true });
});

Deno.test("an API-only daemon registers no workers", async () => {
  await using hub = new QueueHub({
    connection: redisOptions({ kind: "url", url: testRedisUrl() }),
    role: "api",
    log: memoryLogger(),
    prefix: uniqueName("q"),
  });
  assertEquals(hub.runsWorkers, false);
  assertEquals(hub.registerWorker("noop", () => Promise.resolve(1)), undefined);
});
