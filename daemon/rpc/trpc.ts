import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { accessOf, type Context } from "./context.ts";
import { toTRPCError } from "./errors.ts";
import { describeRetry } from "./auth_limiter.ts";

/** The longest string of an input that an error sends back (a path element, an unknown key). */
const MAX_ECHO = 120;

/** A copy with every string past MAX_ECHO cut short: a megabyte key is named, not echoed. */
function shortened(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length > MAX_ECHO ? `${value.slice(0, 40)}… (${value.length} characters)` : value;
  }
  if (Array.isArray(value)) return value.map(shortened);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortened(v)]));
  }
  return value;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    if (!(error.cause instanceof ZodError)) {
      return { ...shape, data: { ...shape.data, zodIssues: undefined } };
    }
    // the message is the issues as JSON, as zod writes it, from the shortened issues
    const issues = shortened(error.cause.issues) as typeof error.cause.issues;
    return { ...shape, message: JSON.stringify(issues, null, 2), data: { ...shape.data, zodIssues: issues } };
  },
});

/** Creates a router. */
export const router = t.router;
/** Creates a server-side caller, for tests and in-process use. */
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure requires a token; there is no public procedure. The read-only token allows
 * queries and subscriptions; mutations need the API token.
 */
export const procedure = t.procedure.use(async ({ next }) => {
  // Domain errors carry messages for people; give them the right code instead of a 500.
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
}).use(({ ctx, next, path, type }) => {
  const access = accessOf(ctx);
  if (access === "none") {
    const block = ctx.blocked?.();
    if (block !== undefined) {
      // not logged per call: the block itself was logged once, and a flood must not fill the log
      throw new TRPCError({
        code: "TOO_MANY_REQUESTS",
        message: `Too many failed API token attempts from this address: try again ${
          describeRetry(block)
        } with the token from <data dir>/token (or LINGOREEL_TOKEN).`,
      });
    }
    ctx.services.log.warn("rejected a call without a valid token", { path, remote: ctx.remote });
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message:
        "Missing or wrong API token: connect with the token from <data dir>/token (or LINGOREEL_TOKEN).",
    });
  }
  if (access === "read" && type === "mutation") {
    ctx.services.log.warn("refused a mutation on a read-only connection", { path, remote: ctx.remote });
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `${path} changes the daemon's state, and this connection uses the read-only token ` +
        "(queries and subscriptions only): connect with the API token from <data dir>/token " +
        "(or LINGOREEL_TOKEN) to call it.",
    });
  }
  return next();
});
