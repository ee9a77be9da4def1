/**
 * Every procedure of the router refuses malformed input with BAD_REQUEST and the zod issues,
 * before it does any work. The test walks `appRouter` itself: a procedure added without a case
 * here fails it. Each case is a valid input touching every field; the malformed inputs are that
 * input with one thing broken (a wrong type, a missing field, an unknown key, a huge string or
 * list, a negative number, NaN, nested garbage), so each refusal is for that one thing.
 */
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { ZodError } from "zod";
import { connect } from "../shared/client.ts";
import { type Context, createCallerFactory, type Services } from "../daemon/rpc/mod.ts";
import { appRouter } from "../daemon/rpc/router.ts";
import { memoryLogger } from "./helpers/services.ts";
import { startTestDaemon } from "./helpers/test_daemon.ts";

type Path = (string | number)[];

/** A valid input, the fields (dotted paths) it cannot do without, and malformed inputs of its own. */
interface Case {
  valid: unknown;
  required?: string[];
  also?: [label: string, input: unknown][];
}

/** Procedures that take no input at all; anything sent is ignored. */
const NO_INPUT = ["health.check", "library.roots", "settings.get", "queue.stats", "youtube.status"];

const analysisOptions = {
  sourceLanguage: "en",
  targetLanguages: ["es", "fr"],
  level: "intermediate",
  expressionsPerChunk: { min: 1, max: 4 },
  expressionsPerEpisode: 10,
  contextMs: { target: 12_000, tolerance: 6_000 },
  showNote: "a sitcom set in a newsroom",
  renderMode: "combined",
  chunking: { maxCues: 80, maxTokens: 4_000, overlapCues: 4 },
  maxCostUsd: 2.5,
};
const renderOptions = {
  kinds: ["short", "long"],
  repeat: 2,
  slowLastRepeat: true,
  background: "blur",
  maxShortMs: 60_000,
  transitionMs: 1_200,
  cardMs: 6_000,
  targetLanguage: "es",
  preset: "veryfast",
  crf: 21,
  encoder: "libx264",
};
const exportOptions = {
  includePending: false,
  paddingBeforeMs: 250,
  paddingAfterMs: 250,
  contextLinesBefore: 1,
  contextLinesAfter: 1,
  shiftMs: -300,
  media: true,
  screenshotWidth: 640,
  languages: ["es"],
  deckName: "lingoreel::The Show",
  fileName: "the-show-s01e01",
};
const at = "2026-11-24T08:00:00Z";

const CASES: Record<string, Case> = {
  "health.ping": { valid: undefined },
  "events.subscribe": {
    valid: { lastEventId: "1732147200000-0", types: ["log", "job.state"] },
    also: [["an unknown event type", { types: ["job.exploded"] }], ["no types at all", { types: [] }]],
  },
  "library.scan": {
    valid: { root: "/srv/media" },
    also: [["an empty root", { root: "" }], ["a root with a NUL byte", { root: "/srv/media\0/x" }]],
  },
  "library.list": {
    valid: { query: "pilot", show: "The Show", hasSubtitles: true, language: "en", cursor: "abc", limit: 50 },
    also: [["a limit of 0", { limit: 0 }], ["a limit of 1.5", { limit: 1.5 }]],
  },
  "library.get": { valid: { id: 1 }, required: ["id"], also: [["id 0", { id: 0 }]] },
  "library.cues": {
    valid: { episodeId: 1, track: 2, fromMs: 0, toMs: 10_000 },
    required: ["episodeId"],
    also: [["an empty window", { episodeId: 1, fromMs: 5, toMs: 5 }]],
  },
  "analysis.estimate": {
    valid: { episodeIds: [1, 2], options: analysisOptions },
    required: ["episodeIds"],
    also: [
      ["no episodes", { episodeIds: [] }],
      ["min above max", { episodeIds: [1], options: { expressionsPerChunk: { min: 5, max: 2 } } }],
    ],
  },
  "analysis.run": { valid: { episodeId: 1, options: analysisOptions }, required: ["episodeId"] },
  "expressions.list": {
    valid: { episodeId: 1, batchId: 2, status: "pending", includeDropped: true },
    also: [["an unknown status", { status: "maybe" }]],
  },
  "expressions.summary": { valid: { episodeIds: [1, 2, 3] } },
  "expressions.review": {
    valid: {
      ids: [1],
      decision: "approve",
      edits: {
        text: "call it a night",
        meaning: "stop working for the day",
        example: "Let's call it a night.",
        similar: ["wrap it up"],
        difficulty: 4,
        translations: [{
          language: "es",
          expression: "dejarlo por hoy",
          line: "Dejémoslo por hoy.",
          title: "¡Basta!",
        }],
      },
    },
    required: ["ids"],
    also: [
      ["neither a decision nor edits", { ids: [1] }],
      ["edits for two expressions", { ids: [1, 2], edits: { text: "x" } }],
      ["an unknown edit", { ids: [1], edits: { score: 10 } }],
    ],
  },
  "settings.update": {
    valid: {
      "analysis.prices": { "gemini-2.5-flash": { inputPerMillion: 0.3, outputPerMillion: 2.5 } },
      "analysis.dailyBudgetUsd": 5,
      "analysis.pool": { concurrency: 5, rpm: 10, tpm: 250_000 },
      "analysis.generation": { temperature: 0.4, maxOutputTokens: 8_192 },
      "queue.concurrency": { analyze: 2, render: 1, export: 1 },
      "queue.retries": { attempts: 3, backoffMs: 5_000 },
      "schedule.calendar": {
        timeZone: "Europe/Madrid",
        slots: ["08:00", "18:00"],
        capacityPerSlot: 1,
        perKindPerDay: { short: 3, long: 1 },
        maxPerDay: 3,
        horizonDays: 14,
        leadMinutes: 60,
      },
      "quota.project": "default",
      "quota.buckets": { pool: { limit: 10_000 } },
      "quota.costs": { "videos.insert": { bucket: "videos.insert", units: 1 } },
      "quota.warningPercent": 80,
      "youtube.upload": {
        privacy: "scheduled",
        chunkBytes: 8 * 1024 * 1024,
        categoryId: "27",
        thumbnail: false,
        playlistId: "PL0123456789",
      },
    },
    also: [
      ["an unknown setting", { "analysis.budget": 5 }],
      ["a model name of a megabyte", {
        "analysis.prices": { ["m".repeat(1_000_000)]: { inputPerMillion: 1, outputPerMillion: 1 } },
      }],
      [
        "10,000 quota buckets",
        {
          "quota.buckets": Object.fromEntries(
            Array.from({ length: 10_000 }, (_, i) => [`b${i}`, { limit: 1 }]),
          ),
        },
      ],
      ["a time zone that does not exist", { "schedule.calendar": { timeZone: "Mars/Olympus" } }],
    ],
  },
  "renders.list": { valid: { episodeId: 1, groupId: 2, kind: "short", marked: true } },
  "renders.get": { valid: { id: 1 }, required: ["id"] },
  "renders.preview": { valid: { groupId: 1, options: renderOptions }, required: ["groupId"] },
  "renders.mark": { valid: { ids: [1, 2], marked: true }, required: ["ids", "marked"] },
  "renders.create": { valid: { groupId: 1, options: renderOptions }, required: ["groupId"] },
  "batches.create": {
    valid: {
      episodeIds: [1, 2],
      options: {
        analysis: analysisOptions,
        render: renderOptions,
        review: "wait",
        autoSchedule: true,
        export: { format: "csv", options: exportOptions },
      },
    },
    required: ["episodeIds", "options.export.format"],
    also: [
      ["an episode twice", { episodeIds: [1, 1] }],
      ["51 episodes", { episodeIds: Array.from({ length: 51 }, (_, i) => i + 1) }],
    ],
  },
  "batches.list": { valid: { limit: 20 } },
  "batches.get": { valid: { id: 1 }, required: ["id"] },
  "batches.cancel": { valid: { id: 1 }, required: ["id"] },
  "batches.retryFailed": { valid: { id: 1 }, required: ["id"] },
  "jobs.list": { valid: { batchId: 1, state: "failed", limit: 100 } },
  "jobs.get": { valid: { id: 1 }, required: ["id"] },
  "jobs.logs": { valid: { id: 1, afterId: 0, limit: 100, tail: true }, required: ["id"] },
  "jobs.cancel": { valid: { id: 1 }, required: ["id"] },
  "jobs.retry": { valid: { id: 1 }, required: ["id"] },
  "queue.pause": { valid: { names: ["analyze", "render"] }, also: [["no queues", { names: [] }]] },
  "queue.resume": { valid: { names: ["export"] } },
  "schedule.slots": { valid: { from: "2026-11-21", days: 7 }, also: [["91 days", { days: 91 }]] },
  "schedule.create": {
    valid: { renderId: 1, at },
    required: ["renderId"],
    also: [["a time without a zone", { renderId: 1, at: "2026-11-24 08:00" }]],
  },
  "schedule.list": { valid: { ids: [1], from: at, to: at, states: ["scheduled", "failed"] } },
  "schedule.move": { valid: { id: 1, at }, required: ["id"] },
  "schedule.cancel": { valid: { id: 1 }, required: ["id"] },
  "quota.status": { valid: { day: "2026-11-21" }, also: [["a month", { day: "2026-11" }]] },
  "youtube.authStart": { valid: { port: 8765 }, also: [["port 65536", { port: 65_536 }]] },
  "youtube.authComplete": {
    valid: { code: "4/0AbCdEfGhIjKlMnOp" },
    also: [
      ["a refresh token of a megabyte", { refreshToken: "1//" + "x".repeat(1_000_000) }],
      ["both a code and a refresh token", { code: "4/0AbCdEfGhIjKlMnOp", refreshToken: "1//0gAbCdEfGhIj" }],
      ["a code too short to be one", { code: "4/0" }],
    ],
  },
  "export.anki": {
    valid: {
      episodeIds: [1],
      batchId: 2,
      expressionIds: [3, 4],
      format: "anki",
      options: exportOptions,
      exportId: "export-1",
    },
    also: [
      ["nothing named to export", { format: "anki" }],
      ["an export id with a slash", { episodeIds: [1], exportId: "../x" }],
    ],
  },
  "export.cancel": { valid: { exportId: "export-1" }, required: ["exportId"] },
};

/** Fields where a negative number is a valid value, so -1 is no malformed input there. */
const NEGATIVE_OK = new Set(["shiftMs"]);
const HUGE_STRING = "x".repeat(1_000_000);
const GARBAGE = { a: [{ b: NaN, c: HUGE_STRING.slice(0, 10) }], d: { e: null } };

interface Mutation {
  label: string;
  input: unknown;
  /** Where the problem is; the refusal must have an issue on this path or on one leading to it. */
  at: Path;
}

function set(input: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function remove(input: unknown, path: Path): unknown {
  const copy = structuredClone(input) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path.at(-1)!];
  return copy;
}

/** Each leaf of `value` (and each list and object on the way) broken in every way that fits it. */
function* leafMutations(root: unknown, value: unknown, path: Path): Generator<Mutation> {
  const where = path.join(".");
  const bad = (what: string, replacement: unknown): Mutation => ({
    label: `${where} ${what}`,
    input: set(root, path, replacement),
    at: path,
  });
  if (typeof value === "string") {
    yield bad("as a number", 12_345);
    yield bad("as a string of a megabyte", HUGE_STRING);
    yield bad("as nested garbage", GARBAGE);
  } else if (typeof value === "number") {
    yield bad("as a string", "12");
    yield bad("as NaN", NaN);
    yield bad("as Infinity", Infinity);
    yield bad("as nested garbage", GARBAGE);
    if (!NEGATIVE_OK.has(String(path.at(-1)))) yield bad("negative", -1);
  } else if (typeof value === "boolean") {
    yield bad("as a string", "yes");
    yield bad("as a number", 1);
  } else if (Array.isArray(value)) {
    yield bad("as a string", "not a list");
    yield bad("as an object", GARBAGE);
    yield bad("with 100,001 items", Array.from({ length: 100_001 }, () => value[0]));
    if (value.length) yield* leafMutations(root, value[0], [...path, 0]);
  } else if (value !== null && typeof value === "object") {
    if (path.length) {
      yield bad("as a string", "not an object");
      yield bad("as a list", [GARBAGE]);
    }
    for (const [key, item] of Object.entries(value)) yield* leafMutations(root, item, [...path, key]);
  }
}

function* mutations(c: Case): Generator<Mutation> {
  for (
    const [label, input] of [["a string", "garbage"], ["a number", 42], ["true", true], ["a list", []], [
      "null",
      null,
    ], ["NaN", NaN]] as const
  ) {
    yield { label: `the input as ${label}`, input, at: [] };
  }
  const valid = c.valid;
  if (valid !== null && typeof valid === "object" && !Array.isArray(valid)) {
    yield { label: "an unknown key", input: { ...valid, nonsense: GARBAGE }, at: [] };
    yield { label: "a __proto__ key", input: JSON.parse(`{"__proto__": {"admin": true}}`), at: [] };
  }
  yield* leafMutations(valid, valid, []);
  for (const field of c.required ?? []) {
    const path = field.split(".");
    yield { label: `without ${field}`, input: remove(valid, path), at: path };
  }
  for (const [label, input] of c.also ?? []) yield { label, input, at: [] };
}

const procedures = appRouter._def.procedures as unknown as Record<
  string,
  {
    _def: {
      type: "query" | "mutation" | "subscription";
      inputs: { safeParse(v: unknown): { success: boolean } }[];
    };
  }
>;

/** Services that fail loudly if a procedure body runs: no malformed input may get that far. */
function refusingServices(): Services {
  const log = memoryLogger();
  return new Proxy({ log } as unknown as Services, {
    get(target, key) {
      if (key === "log") return target.log;
      throw new Error(`the procedure ran and used services.${String(key)}: its input was accepted`);
    },
  });
}

const isPrefix = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
  a.length <= b.length && a.every((key, i) => String(key) === String(b[i]));

Deno.test("the cases cover every procedure: one with input has a case, one without is listed", () => {
  const names = Object.keys(procedures).sort();
  const covered = [...Object.keys(CASES), ...NO_INPUT].sort();
  assertEquals(names, covered, "add a case to CASES (or the name to NO_INPUT) for a new procedure");
  for (const name of NO_INPUT) {
    assertEquals(procedures[name]._def.inputs.length, 0, `${name} takes input now`);
  }
  for (const [name, c] of Object.entries(CASES)) {
    const [schema] = procedures[name]._def.inputs;
    assert(schema, `${name} has a case but no input`);
    assertEquals(schema.safeParse(c.valid).success, true, `the valid input of ${name} must be valid`);
  }
});

Deno.test("every procedure refuses every malformed input with BAD_REQUEST and the zod issues, before any work", async () => {
  const ctx: Context = { services: refusingServices(), authenticated: true, remote: "input-test" };
  const caller = createCallerFactory(appRouter)(ctx) as unknown as Record<
    string,
    Record<string, (input: unknown) => Promise<unknown>>
  >;
  let count = 0;
  for (const [name, c] of Object.entries(CASES)) {
    const [namespace, procedure] = name.split(".");
    const { type } = procedures[name]._def;
    for (const m of mutations(c)) {
      const label = `${name} with ${m.label}`;
      const error = await caller[namespace][procedure](m.input).then(
        () => new Error("it was accepted"),
        (e: unknown) => e,
      );
      if (!(error instanceof TRPCError)) throw new Error(`${label}: ${error}`, { cause: error });
      assertEquals(error.code, "BAD_REQUEST", `${label}: ${error.message}`);
      assertInstanceOf(error.cause, ZodError, label);
      const shape = getErrorShape({
        config: appRouter._def._config,
        error,
        type,
        path: name,
        input: m.input,
        ctx,
      });
      assertEquals(shape.data.code, "BAD_REQUEST", label);
      const issues = (shape.data as { zodIssues?: { path: PropertyKey[]; message: string }[] }).zodIssues ??
        [];
      assert(issues.length > 0, `${label}: data.zodIssues carries the issues`);
      assert(
        issues.some((issue) => isPrefix(issue.path, m.at) || isPrefix(m.at, issue.path)),
        `${label}: refused for ${JSON.stringify(issues.map((i) => i.path))}, not for ${m.at.join(".")}`,
      );
      assert(issues.every((i) => typeof i.message === "string" && i.message.length > 0), label);
      assert(shape.message.length < 20_000, `${label}: the message does not echo a huge input`);
      count++;
    }
  }
  assert(count > 500, `${count} malformed inputs`);
});

Deno.test("over the WebSocket, a malformed input comes back as BAD_REQUEST with data.zodIssues", async () => {
  await using t = await startTestDaemon();
  await using api = await connect({ url: t.daemon.url, token: t.token });
  const refused = async (call: () => Promise<unknown>) => {
    const error = await call().then(() => new Error("it was accepted"), (e: unknown) => e);
    assertInstanceOf(error, TRPCClientError);
    return error as TRPCClientError<typeof appRouter>;
  };
  const negative = await refused(() => api.library.get.query({ id: -1 }));
  assertEquals(negative.data?.code, "BAD_REQUEST");
  assertEquals(negative.data?.zodIssues?.map((i) => [i.path, i.code]), [[["id"], "too_small"]]);

  // a large string travels and is refused by its schema, not by the connection
  const large = await refused(() => api.library.list.query({ query: "x".repeat(300_000) }));
  assertEquals(large.data?.code, "BAD_REQUEST");
  assertEquals(large.data?.zodIssues?.map((i) => [i.path, i.code]), [[["query"], "too_big"]]);

  const unknown = await refused(() =>
    api.jobs.get.query({ id: 1, verbose: true } as unknown as { id: number })
  );
  assertEquals(unknown.data?.zodIssues?.map((i) => i.code), ["unrecognized_keys"]);
  assertEquals((await api.health.ping.query()).version, t.daemon.services.version, "the connection stays up");
});
