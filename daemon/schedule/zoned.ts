/**
 * Calendar days and wall-clock times in an IANA time zone, DST-correct, with the platform's
 * ICU data (no library).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this platform knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone. */
function parts(epochMs: number, timeZone: string) {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return out as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** The calendar day (`YYYY-MM-DD`) of an instant in a zone. */
export function zonedDay(epochMs: number, timeZone: string): string {
  const { year, month, day } = parts(epochMs, timeZone);
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = parts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time (`HH:MM`) of a day has in a zone. A time skipped by a DST
 * change (02:30 on a spring-forward night) is taken an hour later, as clocks show it; a time
 * that occurs twice takes the first.
 */
export function zonedTime(day: string, time: string, timeZone: string): number {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // the offset before and after the wall time: try both (they differ only around a change)
  const candidates = [
    wall - offsetMs(wall - 86_400_000 / 2, timeZone),
    wall - offsetMs(wall + 86_400_000 / 2, timeZone),
  ]
    .sort((a, b) => a - b);
  for (const t of candidates) {
    const p = parts(t, timeZone);
    if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall) return t;
  }
  // skipped by a spring-forward change: the later reading is the time clocks show
  return candidates[1];
}

/** The first instant of a day in a zone. */
export function zonedDayStart(day: string, timeZone: string): number {
  return zonedTime(day, "00:00", timeZone);
}

/** The day after `day` (`YYYY-MM-DD`). */
export function nextDay(day: string, step = 1): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + step)).toISOString().slice(0, 10);
}
