import { useSyncExternalStore } from "react";
import type { ConnectionState } from "../../shared/client.ts";
import { useClientContext } from "./use_client.ts";

/** The client's connection state; re-renders on every change. */
export function useConnectionState(): ConnectionState {
  const { connection } = useClientContext();
  return useSyncExternalStore(connection.subscribe, connection.getSnapshot);
}
