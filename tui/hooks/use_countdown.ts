import { useEffect, useState } from "react";

const secondsUntil = (at: number): number => Math.max(0, Math.ceil((at - Date.now()) / 1000));

/**
 * Whole seconds left until the epoch-ms instant `at` (0 once it has passed), updated as they
 * tick; `undefined` when there is nothing to count down to.
 */
export function useCountdown(at: number | undefined): number | undefined {
  const [left, setLeft] = useState(() => (at === undefined ? undefined : secondsUntil(at)));
  useEffect(() => {
    if (at === undefined) {
      setLeft(undefined);
      return;
    }
    setLeft(secondsUntil(at));
    // Checked several times a second so the shown number never lags a whole second behind.
    const timer = setInterval(() => {
      const next = secondsUntil(at);
      setLeft(next);
      if (next === 0) clearInterval(timer);
    }, 200);
    return () => clearInterval(timer);
  }, [at]);
  return left;
}
