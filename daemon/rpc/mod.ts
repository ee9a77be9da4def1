/**
 * The tRPC API: procedures, the per-connection context with token auth, and the HTTP/WebSocket
 * listener.
 * @module
 */
export { type Context, createContextFactory, type Services, tokenMatches } from "./context.ts";
export { type AppRouter, appRouter } from "./router.ts";
export { type ApiServer, startServer } from "./server.ts";
export { createCallerFactory } from "./trpc.ts";
