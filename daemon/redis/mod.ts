/**
 * Redis: the managed `redis-server` child for embedded defaults, and connection options for
 * ioredis and BullMQ.
 * @module
 */
export { describeRedisTarget, redisOptions, type RedisTarget } from "./connection.ts";
export { ManagedRedis, pingSocket, RedisStartError } from "./managed_redis.ts";
