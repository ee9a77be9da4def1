import { useCallback, useEffect, useRef } from "react";

/**
 * `fn` called at most once per `intervalMs`: the first call runs at once, the calls that come
 * while the interval runs fold into one at its end. For work that events ask for (a reload per
 * `job.state`), so that a burst of them costs a few calls a second, not one each. The returned
 * function is stable; the latest `fn` is the one called; nothing runs after unmount.
 */
export function useThrottled(fn: () => void, intervalMs: number): () => void {
  const latest = useRef(fn);
  useEffect(() => {
    latest.current = fn;
  });
  const state = useRef<{ timer?: ReturnType<typeof setTimeout>; pending: boolean; mounted: boolean }>({
    pending: false,
    mounted: true,
  });
  useEffect(() => {
    const current = state.current;
    current.mounted = true;
    return () => {
      current.mounted = false;
      clearTimeout(current.timer);
      current.timer = undefined;
      current.pending = false;
    };
  }, []);

  return useCallback(() => {
    const current = state.current;
    if (!current.mounted) return;
    if (current.timer !== undefined) {
      current.pending = true;
      return;
    }
    latest.current();
    const tick = () => {
      if (!current.pending) {
        current.timer = undefined;
        return;
      }
      current.pending = false;
      latest.current();
      current.timer = setTimeout(tick, intervalMs);
    };
    current.timer = setTimeout(tick, intervalMs);
  }, [intervalMs]);
}
