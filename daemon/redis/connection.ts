import type { RedisOptions } from "ioredis";

/** Where Redis is: a URL from `REDIS_URL`, or the managed server's unix socket. */
export type RedisTarget = { kind: "url"; url: string } | { kind: "socket"; path: string };

/** Describes a target without its password, for logs and health details. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "socket") return `managed redis-server at ${target.path}`;
  const url = new URL(target.url);
  if (url.password) url.password = "***";
  return url.toString();
}

/**
 * ioredis options for a target. BullMQ is given these options (not a client) so that it opens
 * and closes its own connections.
 */
export function redisOptions(target: RedisTarget, extra: RedisOptions = {}): RedisOptions {
  if (target.kind === "socket") return { path: target.path, ...extra };
  const url = new URL(target.url);
  if (url.protocol === "unix:") return { path: url.pathname, ...extra };
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === "rediss:" ? {} : undefined,
    ...extra,
  };
}
