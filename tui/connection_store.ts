/**
 * Carries the client's connection state into React. `createClient` reports changes through a
 * callback; React reads external state through `useSyncExternalStore`, which wants exactly this
 * shape (a snapshot and a subscription).
 * @module
 */
import type { ConnectionState } from "../shared/client.ts";

/** A readable source of connection state, as `useSyncExternalStore` consumes it. */
export interface ConnectionSource {
  getSnapshot(): ConnectionState;
  /** Calls `listener` after every change; returns a function that stops that. */
  subscribe(listener: () => void): () => void;
}

/** A {@link ConnectionSource} that is fed by hand, e.g. from `createClient({ onStateChange })`. */
export interface ConnectionStore extends ConnectionSource {
  set(state: ConnectionState): void;
}

/** Creates a store holding `initial` until {@link ConnectionStore.set} is called. */
export function createConnectionStore(initial: ConnectionState = { kind: "connecting" }): ConnectionStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === state) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
  };
}
