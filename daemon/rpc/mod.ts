/**
 * The tRPC API: procedures, the per-connection context with token auth, and the HTTP/WebSocket
 * listener.
 * @module
 */
export {
  type Access,
  accessFor,
  accessOf,
  type Context,
  type ContextOptions,
  createContextFactory,
  type Services,
  tokenMatches,
} from "./context.ts";
export { AuthLimiter, type AuthLimits, DEFAULT_AUTH_LIMITS, limitKey } from "./auth_limiter.ts";
export { type AppRouter, appRouter } from "./router.ts";
export { type ApiServer, bindWarning, isLoopbackHost, startServer } from "./server.ts";
export { createCallerFactory } from "./trpc.ts";
