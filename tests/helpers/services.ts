// @ts-types="npm:@types/pg@8.23.1"
import pg from "pg";
import { Redis } from "ioredis";
import { createLogger, type Logger } from "../../daemon/log.ts";
import { redisOptions } from "../../daemon/redis/mod.ts";

function required(name: string): string {
  const value = Deno.env.get(name);
  if (!value) {
    throw new Error(
      `${name} is not set: run the suite with scripts/test, which starts Redis and PostgreSQL and sets it.`,
    );
  }
  return value;
}

/** The throw-away database scripts/test created. */
export function testDatabaseUrl(): string {
  return required("TEST_DATABASE_URL");
}

/** The Redis scripts/test found or started. */
export function testRedisUrl(): string {
  return required("TEST_REDIS_URL");
}

/** Deletes every Redis key of a prefix (a daemon's queues and event stream) from the test Redis. */
export async function dropRedisPrefix(prefix: string, url = testRedisUrl()): Promise<void> {
  const redis = new Redis(redisOptions({ kind: "url", url }));
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** A unique name for queues, streams and schemas of one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A schema of its own in the test database; `url` points its search_path there. */
export interface TestSchema extends AsyncDisposable {
  readonly schema: string;
  readonly url: string;
}

/** Creates a fresh schema (dropped on dispose) so each test migrates from empty. */
export async function createTestSchema(): Promise<TestSchema> {
  const base = testDatabaseUrl();
  const schema = uniqueName("t");
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    schema,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A logger that keeps lines in memory (tests assert on them) instead of writing to stderr. */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
  return Object.assign(log, { lines });
}
