import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { Context } from "./context.ts";
import { toTRPCError } from "./errors.ts";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof ZodError ? error.cause.issues : undefined;
    return { ...shape, data: { ...shape.data, zodIssues: issues } };
  },
});

/** Creates a router. */
export const router = t.router;
/** Creates a server-side caller, for tests and in-process use. */
export const createCallerFactory = t.createCallerFactory;

/** Every procedure requires the API token; there is no public procedure. */
export const procedure = t.procedure.use(async ({ next }) => {
  // Domain errors carry messages for people; give them the right code instead of a 500.
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
}).use(({ ctx, next, path }) => {
  if (!ctx.authenticated) {
    ctx.services.log.warn("rejected a call without a valid token", { path, remote: ctx.remote });
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message:
        "Missing or wrong API token: connect with the token from <data dir>/token (or LINGOREEL_TOKEN).",
    });
  }
  return next();
});
