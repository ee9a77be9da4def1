import { z } from "zod";
import { procedure, router } from "./trpc.ts";

export const healthRouter = router({
  /** Runs every component check (sharing a run younger than a second). */
  check: procedure.query(({ ctx }) => ctx.services.health.recent(1_000)),
  /** Answers at once: proves the connection and the token work. */
  ping: procedure.input(z.void()).query(({ ctx }) => ({
    version: ctx.services.version,
    instance: ctx.services.instanceId,
    time: new Date().toISOString(),
  })),
});
