/**
 * Secrets (the API tokens, GEMINI_API_KEY, the OAuth client secret, access and refresh tokens)
 * never reach a log line, an event, an RPC result or an error: a whole batch runs through the
 * daemon — analysis on the fake Gemini, render, schedule, upload to the fake YouTube — with
 * distinctive secret values, and everything a client or the journal could see is searched.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { type TRPCClientError } from "@trpc/client";
import { connect, type LingoreelClient } from "../shared/client.ts";
import type { AppRouter } from "../shared/router.ts";
import { createLogger, REDACTED } from "../daemon/log.ts";
import { appRouter } from "../daemon/rpc/router.ts";
import { startYouTubeServer } from "./fakes/youtube_server.ts";
import { startPhraseGemini, waitFor, writeShow } from "./helpers/pipeline_fixture.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

/** A value no ordinary text contains, so that any occurrence is a leak. */
function secret(kind: string): string {
  return `${kind}-SECRET-${crypto.randomUUID().replaceAll("-", "")}`;
}

/** Everything a client saw: results, errors (with their whole wire shape), events. */
class Seen {
  readonly texts: { where: string; text: string }[] = [];

  add(where: string, value: unknown): void {
    this.texts.push({ where, text: typeof value === "string" ? value : JSON.stringify(value) ?? "" });
  }

  /** Runs a call and keeps its result, or its error's message, data and shape. */
  async call<T>(where: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.add(where, result);
      return result;
    } catch (error) {
      const e = error as TRPCClientError<AppRouter>;
      this.add(`${where} (error)`, { message: e.message, data: e.data, shape: e.shape, stack: e.stack });
      return undefined;
    }
  }

  /** Where any of `secrets` occurs, as `name in where`. */
  leaks(secrets: Record<string, string>): string[] {
    const found: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      for (const { where, text } of this.texts) if (text.includes(value)) found.push(`${name} in ${where}`);
    }
    return found;
  }
}

/** Calls every query of the router over the client with no input and with `{}`. */
async function callEveryQuery(api: LingoreelClient, seen: Seen, prefix: string): Promise<number> {
  const client = api as unknown as Record<
    string,
    Record<string, { query(input?: unknown): Promise<unknown> }>
  >;
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  let count = 0;
  for (const [path, procedure] of Object.entries(procedures)) {
    if (procedure._def.type !== "query") continue;
    const [namespace, name] = path.split(".");
    await seen.call(`${prefix} ${path}()`, () => client[namespace][name].query(undefined));
    await seen.call(`${prefix} ${path}({})`, () => client[namespace][name].query({}));
    count++;
  }
  return count;
}

Deno.test("a whole batch with an upload, and failing calls, show no secret in any log line, event, RPC result or error", async () => {
  const apiToken = secret("apitoken");
  const readOnlyToken = secret("readonly");
  const geminiKey = secret("AIza");
  const clientSecret = secret("GOCSPX");
  await using gemini = await startPhraseGemini(0, geminiKey);
  await using yt = await startYouTubeServer({ clientSecret });
  const { root } = await writeShow(1);
  const secretFile = join(root, "client_secret.json");
  await Deno.writeTextFile(
    secretFile,
    JSON.stringify({ installed: { client_id: yt.clientId, client_secret: clientSecret } }),
  );
  try {
    await using t = await startTestDaemon({
      LINGOREEL_MEDIA_ROOTS: root,
      LINGOREEL_READONLY_TOKEN: readOnlyToken,
      GEMINI_API_KEY: geminiKey,
      GEMINI_BASE_URL: gemini.url,
      YOUTUBE_CLIENT_SECRET_FILE: secretFile,
      YOUTUBE_API_BASE_URL: yt.url,
      YOUTUBE_UPLOAD_BASE_URL: yt.url,
      GOOGLE_OAUTH_BASE_URL: yt.url,
    }, { token: apiToken });
    const seen = new Seen();
    await using api = await connect({ url: t.daemon.url, token: apiToken });
    await using dashboard = await connect({ url: t.daemon.url, token: readOnlyToken });
    // every event, as a full-access and a read-only subscriber receive them
    const subscriptions = [];
    for (const [who, client] of [["subscriber", api], ["read-only subscriber", dashboard]] as const) {
      subscriptions.push(client.events.subscribe.subscribe({}, {
        onData: (event) => seen.add(`event to the ${who}`, event),
        onError: (error) => seen.add(`event error to the ${who}`, error),
      }));
    }
    await new Promise((r) => setTimeout(r, 300)); // both subscriptions are registered on the daemon

    const refreshToken = yt.issueRefreshToken();
    await seen.call("youtube.authComplete", () => api.youtube.authComplete.mutate({ refreshToken }));
    await seen.call("settings.update", () =>
      api.settings.update.mutate({
        "youtube.upload": {
          privacy: "scheduled",
          chunkBytes: 256 * 1024,
          categoryId: "27",
          thumbnail: false,
        },
      }));
    await seen.call("library.scan", () => api.library.scan.mutate({}));
    const [episode] = (await api.library.list.query({})).items;
    const created = await seen.call("batches.create", () =>
      api.batches.create.mutate({
        episodeIds: [episode.id],
        options: { render: { preset: "ultrafast", kinds: ["short"] }, autoSchedule: true },
      }));
    if (!created) throw new Error(`batches.create failed: ${JSON.stringify(seen.texts.at(-1))}`);
    const uploaded = await waitFor("the video to be uploaded", async () => {
      const [schedule] = await api.schedule.list.query({});
      if (schedule?.state === "failed") throw new Error(`upload failed: ${schedule.error}`);
      return schedule?.state === "uploaded" ? schedule : undefined;
    }, 180_000);
    assertEquals(yt.videos.size, 1);
    assert(gemini.requests.length > 0);
    // a forced refresh: a new access token goes through the daemon too
    await t.daemon.services.youtube.auth.token(true);

    // every query, then the ones that need ids
    const queries = await callEveryQuery(api, seen, "full");
    assert(queries >= 15, `${queries} queries`);
    await callEveryQuery(dashboard, seen, "read-only");
    const [job] = await api.jobs.list.query({});
    await seen.call("jobs.get", () => api.jobs.get.query({ id: job.id }));
    await seen.call("jobs.logs", () => api.jobs.logs.query({ id: job.id }));
    await seen.call("batches.get", () => api.batches.get.query({ id: created.batchId }));
    await seen.call("renders.get", () => api.renders.get.query({ id: uploaded.renderId }));
    await seen.call("library.get", () => api.library.get.query({ id: episode.id }));
    await seen.call("youtube.status", () => api.youtube.status.query());

    // failing calls: Google refusing a code and a refresh token, a read-only mutation, a wrong token
    const wrongRefresh = secret("1//wrong-refresh");
    await seen.call(
      "authComplete with a bad code",
      () => api.youtube.authComplete.mutate({ code: secret("4/code") }),
    );
    yt.script({ on: "token", kind: "invalid_grant" });
    await seen.call(
      "authComplete with a refused refresh token",
      () => api.youtube.authComplete.mutate({ refreshToken: wrongRefresh }),
    );
    await seen.call("a read-only mutation", () => dashboard.queue.pause.mutate());
    await seen.call("a wrong token", () => connect({ url: t.daemon.url, token: `${apiToken}x` }));
    await seen.call("youtube.authStart", () => api.youtube.authStart.mutate({ port: 0 }));
    await new Promise((r) => setTimeout(r, 500)); // the last events arrive
    for (const subscription of subscriptions) subscription.unsubscribe();

    const secrets: Record<string, string> = {
      "the API token": apiToken,
      "the read-only token": readOnlyToken,
      GEMINI_API_KEY: geminiKey,
      "the OAuth client secret": clientSecret,
      "the refresh token": refreshToken,
      "a refused refresh token": wrongRefresh,
    };
    for (const [i, token] of [...yt.accessTokens.keys()].entries()) secrets[`access token ${i + 1}`] = token;
    assert(Object.keys(secrets).length >= 8, "the daemon got and refreshed access tokens");
    for (const line of t.log.lines) seen.add(`log line "${line.msg}"`, line);
    assert(seen.texts.some((x) => x.where.startsWith("event to the read-only subscriber")));
    assert(seen.texts.some((x) => x.where === "authComplete with a refused refresh token (error)"));
    assertEquals(seen.leaks(secrets), []);
    // nothing was left for the logger's own redaction to catch: the sources keep secrets out
    assertEquals(
      t.log.lines.filter((l) => JSON.stringify(l).includes(REDACTED)),
      [],
      "a log line needed redacting",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a Gemini error that echoes a wrong key does not carry it to the caller, the job log or the events", async () => {
  const wrongKey = secret("AIza-wrong");
  await using gemini = await startPhraseGemini(0, secret("AIza-right"));
  const { root } = await writeShow(1);
  try {
    await using t = await startTestDaemon({
      LINGOREEL_MEDIA_ROOTS: root,
      GEMINI_API_KEY: wrongKey,
      GEMINI_BASE_URL: gemini.url,
    });
    const seen = new Seen();
    await using api = await connect({ url: t.daemon.url, token: t.token });
    api.events.subscribe.subscribe({}, { onData: (event) => seen.add("event", event) });
    await api.library.scan.mutate({});
    const [episode] = (await api.library.list.query({})).items;
    const run = await seen.call("analysis.run", () => api.analysis.run.mutate({ episodeId: episode.id }));
    // Google's refusal reaches the caller (its DebugInfo, which echoes the key, does not)
    assertEquals(run?.status, "failed");
    assertStringIncludes(JSON.stringify(run?.failedChunks), "API key not valid");
    const { batchId } = await api.batches.create.mutate({ episodeIds: [episode.id] });
    const [job] = await waitFor("the batch to finish", async () => {
      const batch = await api.batches.get.query({ id: batchId });
      return batch.finishedAt ? batch.jobs : undefined;
    }, 60_000);
    seen.add("the job", job);
    await seen.call("jobs.logs", () => api.jobs.logs.query({ id: job.id }));
    await seen.call("health.check", () => api.health.check.query());
    for (const line of t.log.lines) seen.add(`log line "${line.msg}"`, line);
    assertEquals(seen.leaks({ "the wrong GEMINI_API_KEY": wrongKey }), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the logger redacts credential fields at any depth and registered secret values everywhere, before stderr and sinks", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => lines.push(line) });
  const sunk: unknown[] = [];
  log.addSink((record) => sunk.push(record));
  const child = log.child({ component: "x" });
  child.redact("registered-secret-value"); // a child's registration covers the whole tree
  log.redact("short"); // too short to redact safely: ignored
  log.info("call with registered-secret-value in the message", {
    token: "field-token-value",
    nested: {
      refresh_token: "nested-refresh",
      clientSecret: "nested-client-secret",
      list: [{ apiKey: "k1" }],
    },
    Authorization: "Bearer abc",
    error: new Error("failed for registered-secret-value"),
    tokens: 1234, // LLM usage: not a credential
    tokenGiven: true,
    empty: { token: undefined },
    at: new Date(0),
  });
  const text = lines.join("") + JSON.stringify(sunk);
  for (
    const value of [
      "registered-secret-value",
      "field-token-value",
      "nested-refresh",
      "nested-client-secret",
      "k1",
      "abc",
    ]
  ) {
    assertEquals(text.includes(value), false, value);
  }
  const line = JSON.parse(lines[0]);
  assertEquals(line.msg, `call with ${REDACTED} in the message`);
  assertEquals(line.token, REDACTED);
  assertEquals(line.nested.list[0].apiKey, REDACTED);
  assertEquals(line.error.message, `failed for ${REDACTED}`);
  assertEquals(line.tokens, 1234);
  assertEquals(line.tokenGiven, true);
  assertEquals(line.at, "1970-01-01T00:00:00.000Z");
  log.info("short stays short");
  assertStringIncludes(lines[1], "short stays short");
});
