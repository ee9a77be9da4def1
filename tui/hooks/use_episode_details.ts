import { useEffect, useState } from "react";
import type { Cue, EpisodeDetail } from "../../shared/schemas.ts";
import { describeError } from "../format.ts";
import { useClient } from "./use_client.ts";

/** How many cues the details show. */
export const FIRST_CUES = 8;
/** The cues are first asked for this far into the episode, then (when too few) for all. */
const FIRST_CUES_WINDOW_MS = 5 * 60_000;

/** The details of one episode as far as they have arrived. */
export interface EpisodeDetailsState {
  readonly detail?: EpisodeDetail;
  /** Why `library.get` failed. */
  readonly error?: string;
  /** The first {@link FIRST_CUES} cues of the episode's best text track. */
  readonly cues?: readonly Cue[];
  /** Why `library.cues` failed: no text subtitle (NOT_FOUND), a broken file (UNPROCESSABLE_CONTENT). */
  readonly cuesError?: string;
}

/**
 * Loads `library.get` and the first cues of episode `id` (nothing while `id` is undefined);
 * `durationMs`, when known, spares asking twice for the cues of a short episode.
 */
export function useEpisodeDetails(id: number | undefined, durationMs?: number | null): EpisodeDetailsState {
  const client = useClient();
  const [state, setState] = useState<EpisodeDetailsState & { id?: number }>({});

  useEffect(() => {
    setState({ id });
    if (id === undefined) return;
    const controller = new AbortController();
    const { signal } = controller;
    const update = (next: EpisodeDetailsState) => {
      if (!signal.aborted) setState((previous) => ({ ...previous, ...next }));
    };
    client.library.get.query({ id }, { signal }).then(
      (detail) => update({ detail }),
      (error) => update({ error: describeError(error) }),
    );
    (async () => {
      // Most episodes speak within minutes: ask for that window first rather than every cue
      // of a two-hour film, and for the rest only when it held too few.
      let cues = await client.library.cues.query({ episodeId: id, toMs: FIRST_CUES_WINDOW_MS }, { signal });
      const longer = durationMs === undefined || durationMs === null || durationMs > FIRST_CUES_WINDOW_MS;
      if (cues.length < FIRST_CUES && longer) {
        cues = await client.library.cues.query({ episodeId: id }, { signal });
      }
      update({ cues: cues.slice(0, FIRST_CUES) });
    })().catch((error) => update({ cuesError: describeError(error) }));
    return () => controller.abort();
  }, [client, id]);

  // Until the effect has run for a new id, the state still holds the previous episode's.
  return state.id === id ? state : {};
}
