import { useEffect, useRef, useState } from "react";
import type { AppEvent, AppEventType } from "../../shared/schemas.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/**
 * Subscribes to the daemon's events of `types` while mounted and calls `onEvent` for each.
 * The tRPC client resumes the subscription by itself across reconnects; only a subscription
 * the daemon ended with an error (such as `UNAUTHORIZED`) is started again, on the next
 * (re)connection. Returns that error while it stands.
 */
export function useEvents(
  types: readonly AppEventType[],
  onEvent: (event: AppEvent, id: string) => void,
): string | undefined {
  const client = useClient();
  const connection = useConnectionState();
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });

  useEffect(() => {
    // Keyed on the connection alone: a new connection is a reason to try again, the error is not.
    if (connection.kind === "connected" && error !== undefined) setGeneration((g) => g + 1);
  }, [connection]);

  const typesKey = types.join(",");
  useEffect(() => {
    setError(undefined);
    const subscription = client.events.subscribe.subscribe(
      { types: typesKey.split(",") as AppEventType[] },
      {
        onData: ({ id, data }) => handler.current(data, id),
        onError: (cause) => setError(describeError(cause)),
      },
    );
    return () => subscription.unsubscribe();
  }, [client, typesKey, generation]);

  return error;
}
