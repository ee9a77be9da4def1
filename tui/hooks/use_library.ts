import { useCallback, useEffect, useState } from "react";
import type { Episode, MediaRoot } from "../../shared/schemas.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";
import { useConnectionState } from "./use_connection_state.ts";

/** `library.list` pages this large: the most the daemon allows, so 5,000 episodes are 5 calls. */
export const LIBRARY_PAGE_SIZE = 1000;

/** What {@link useLibrary} knows about the library. */
export interface LibraryState {
  /** Every episode in library order; undefined until the first complete load. */
  episodes?: readonly Episode[];
  /** Episodes received so far while a load runs; undefined when none runs. */
  loading?: number;
  /** Why the latest load failed; the episodes of the load before stay. */
  error?: string;
  /** The configured media roots (for the empty library's hint). */
  roots?: readonly MediaRoot[];
}

/**
 * Loads the whole library (every `library.list` page) on each (re)connection and on
 * `reload()`; a reload while a load runs starts it over. The previous list stays shown until
 * the new one is complete, so a reload never empties the screen.
 */
export function useLibrary(): LibraryState & { reload(): void } {
  const client = useClient();
  const connection = useConnectionState();
  const connected = connection.kind === "connected" ? connection : undefined;
  const [state, setState] = useState<LibraryState>({});
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!connected) return;
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      setState((previous) => ({ ...previous, loading: 0 }));
      client.library.roots.query(undefined, { signal }).then(
        (roots) => !signal.aborted && setState((previous) => ({ ...previous, roots })),
        () => {/* only a hint; the list's own error says what is wrong */},
      );
      const episodes: Episode[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Episode[]; nextCursor: string | null } = await client.library.list.query(
          { limit: LIBRARY_PAGE_SIZE, cursor },
          { signal },
        );
        if (signal.aborted) return;
        for (const episode of page.items) episodes.push(episode);
        cursor = page.nextCursor;
        if (cursor) setState((previous) => ({ ...previous, loading: episodes.length }));
      } while (cursor);
      setState((previous) => ({ ...previous, episodes, loading: undefined, error: undefined }));
    })().catch((error) => {
      if (signal.aborted) return;
      setState((previous) => ({ ...previous, loading: undefined, error: describeError(error) }));
    });
    return () => controller.abort();
  }, [client, connected, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
