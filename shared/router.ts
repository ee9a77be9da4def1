/**
 * The type of the daemon's tRPC router. A type-only import: nothing of the daemon's code is
 * loaded by clients.
 * @module
 */
export type { AppRouter } from "../daemon/rpc/router.ts";
