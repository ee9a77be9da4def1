import { z } from "zod";
import { procedure, router } from "./trpc.ts";

export const youtubeRouter = router({
  /** The connection: channel, scopes, token expiry, and warnings (Testing-mode tokens, invalid_grant). */
  status: procedure.query(({ ctx }) => ctx.services.youtube.auth.status()),

  /**
   * Starts the installed-app flow: returns the URL to open and the loopback port to forward over
   * SSH (`ssh -L <port>:127.0.0.1:<port> <host>`), which receives Google's redirect.
   */
  authStart: procedure.input(
    z.strictObject({ port: z.number().int().min(0).max(65535).default(0) }).optional(),
  )
    .mutation(({ ctx, input }) => ctx.services.youtube.auth.start(input?.port ?? 0)),

  /** Finishes with the code from Google's page, or a refresh token obtained on another machine. */
  authComplete: procedure.input(
    z.union([
      z.strictObject({ code: z.string().trim().min(10, "the code Google showed, e.g. 4/0Ab…").max(2_048) }),
      z.strictObject({
        refreshToken: z.string().trim().min(10, "a refresh token, e.g. 1//0g…").max(2_048),
      }),
    ]),
  ).mutation(({ ctx, input }) => ctx.services.youtube.auth.complete(input)),
});
