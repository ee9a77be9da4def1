import { tracked } from "@trpc/server";
import { eventsSubscribeInputSchema } from "../../shared/schemas.ts";
import { procedure, router } from "./trpc.ts";

export const eventsRouter = router({
  /**
   * Live events, each tracked by its stream id: a client that reconnects passes the last id it
   * saw (the tRPC client does this by itself) and receives what it missed first.
   */
  subscribe: procedure.input(eventsSubscribeInputSchema).subscription(
    async function* ({ ctx, input, signal }) {
      for await (
        const { id, event } of ctx.services.events.subscribe({
          lastEventId: input.lastEventId,
          types: input.types,
          signal,
        })
      ) {
        yield tracked(id, event);
      }
    },
  ),
});
