import { tracked } from "@trpc/server";
import { eventsSubscribeInputSchema } from "../../shared/schemas.ts";
import { SlowSubscriberError } from "../events/mod.ts";
import type { ClientSocket } from "./context.ts";
import { procedure, router } from "./trpc.ts";

/**
 * Unsent bytes on a connection above which its subscription stops taking events from the bus
 * until the client has read them. Without it, tRPC sends every event at once and a client that
 * does not read makes the daemon hold all of them in that socket's send buffer.
 */
export const SOCKET_HIGH_WATER_BYTES = 256 * 1024;
/** How often a held-back subscription looks at its socket again. */
const DRAIN_POLL_MS = 25;
/**
 * The WebSocket close code ("try again later") for a client that fell too far behind: the tRPC
 * client reconnects on any close and resumes from the last event id it received.
 */
export const CLOSE_FELL_BEHIND = 1013;

/** Resolves once `socket` has sent enough, `signal` aborts, or `overflowed()` says to stop waiting. */
async function drained(
  socket: ClientSocket,
  signal: AbortSignal | undefined,
  overflowed: () => boolean,
): Promise<void> {
  while (socket.bufferedAmount > SOCKET_HIGH_WATER_BYTES && !signal?.aborted && !overflowed()) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

export const eventsRouter = router({
  /**
   * Live events, each tracked by its stream id: a client that reconnects passes the last id it
   * saw (the tRPC client does this by itself) and receives what it missed first. A client that
   * stops reading is held back (the bus keeps a bounded number of events for it); one that falls
   * further behind than that has its connection closed, and resumes from the stream when it
   * reconnects, so nothing is lost and the daemon's memory stays bounded.
   */
  subscribe: procedure.input(eventsSubscribeInputSchema).subscription(
    async function* ({ ctx, input, signal }) {
      const socket = ctx.socket;
      let overflowed = false;
      let lastSent = input.lastEventId ?? undefined;
      try {
        for await (
          const { id, event } of ctx.services.events.subscribe({
            lastEventId: input.lastEventId,
            types: input.types,
            signal,
            onOverflow: () => (overflowed = true),
          })
        ) {
          if (socket && socket.bufferedAmount > SOCKET_HIGH_WATER_BYTES) {
            await drained(socket, signal, () => overflowed);
            // this event is not sent, so nothing after it may be: the client resumes from lastSent
            if (overflowed) throw new SlowSubscriberError(lastSent);
          }
          yield tracked(id, event);
          lastSent = id;
        }
      } catch (error) {
        if (!(error instanceof SlowSubscriberError) || !socket) throw error;
        ctx.services.log.warn(
          "closed the connection of an event subscriber that fell too far behind; it resumes from its last event id when it reconnects",
          { remote: ctx.remote, lastEventId: lastSent },
        );
        socket.close(CLOSE_FELL_BEHIND, "fell too far behind the event stream: reconnect to resume");
      }
    },
  ),
});
