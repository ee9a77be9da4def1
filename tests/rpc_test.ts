import { assertEquals, assertExists, assertRejects } from "@std/assert";
import { TRPCError } from "@trpc/server";
import { COMPONENT_NAMES } from "../shared/schemas.ts";
import { tokenMatches } from "../daemon/rpc/mod.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

Deno.test("tokenMatches accepts only the exact token", () => {
  assertEquals(tokenMatches("secret-token-value", "secret-token-value"), true);
  assertEquals(tokenMatches("secret-token-valuE", "secret-token-value"), false);
  assertEquals(tokenMatches("secret", "secret-token-value"), false);
  assertEquals(tokenMatches(undefined, "secret-token-value"), false);
  assertEquals(tokenMatches(42, "secret-token-value"), false);
  assertEquals(tokenMatches("", "secret-token-value"), false);
});

Deno.test("every procedure refuses a caller without the token with UNAUTHORIZED", async () => {
  await using t = await startTestDaemon();
  const caller = t.caller(false);
  const calls: [string, () => Promise<unknown>][] = [
    ["health.check", () => caller.health.check()],
    ["health.ping", () => caller.health.ping()],
    ["events.subscribe", () => caller.events.subscribe({})],
  ];
  for (const [name, call] of calls) {
    const error = await assertRejects(call, TRPCError, undefined, name);
    assertEquals(error.code, "UNAUTHORIZED", name);
  }
  const logged = t.log.lines.filter((l) => l.msg === "rejected a call without a valid token");
  assertEquals(logged.map((l) => l.path), ["health.check", "health.ping", "events.subscribe"]);
  assertEquals(JSON.stringify(t.log.lines).includes(t.token), false, "the token is never logged");
});

Deno.test("health.check reports every component with status, detail and latency", async () => {
  await using t = await startTestDaemon();
  const report = await t.caller().health.check();
  assertEquals(Object.keys(report.components), [...COMPONENT_NAMES]);
  assertEquals(report.components.db.status, "ok");
  assertEquals(report.components.redis.status, "ok");
  assertEquals(report.components.storage.status, "ok");
  assertEquals(report.components.llm.status, "degraded", "no GEMINI_API_KEY in the test daemon");
  assertEquals(report.status, "degraded");
  for (const name of COMPONENT_NAMES) {
    assertExists(report.components[name].detail);
    assertEquals(report.components[name].latencyMs >= 0, true);
  }
});

Deno.test("a malformed events.subscribe input is refused with BAD_REQUEST and the zod issue", async () => {
  await using t = await startTestDaemon();
  const error = await assertRejects(
    () => t.caller().events.subscribe({ lastEventId: "yesterday" }),
    TRPCError,
  );
  assertEquals(error.code, "BAD_REQUEST");
  assertEquals(error.message.includes("lastEventId"), true, error.message);
});
