/**
 * Structured JSON logging to stderr (one object a line, for journald), with extra sinks such as
 * the event stream. Passed down from the composition root; nothing logs through a global.
 */
import type { LogLevel } from "../shared/schemas.ts";

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Extra fields of a log line. Errors are reduced to their name, message and stack. */
export type LogFields = Record<string, unknown>;

/** One log line as the sinks receive it. */
export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: LogFields;
  at: string;
}

/** Where log lines go besides stderr. A sink must not log through the same logger. */
export type LogSink = (record: LogRecord) => void;

/** The logger every service receives. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: "redis" }`). */
  child(fields: LogFields): Logger;
  /** Adds a sink; returns a function that removes it. */
  addSink(sink: LogSink): () => void;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

/** Creates the root logger. `write` defaults to stderr. */
export function createLogger(
  options: { level?: LogLevel; write?: (line: string) => void; base?: LogFields } = {},
): Logger {
  const min = LEVELS[options.level ?? "info"];
  const encoder = new TextEncoder();
  const write = options.write ?? ((line: string) => Deno.stderr.writeSync(encoder.encode(line)));
  const sinks = new Set<LogSink>();

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
      if (LEVELS[level] < min) return;
      const merged: LogFields = {};
      for (const [key, value] of Object.entries({ ...base, ...fields })) {
        merged[key] = serialise(value);
      }
      const record: LogRecord = { level, message, fields: merged, at: new Date().toISOString() };
      write(JSON.stringify({ at: record.at, level, msg: message, ...merged }) + "\n");
      for (const sink of sinks) {
        try {
          sink(record);
        } catch {
          // a failing sink must not break logging; stderr already has the line
        }
      }
    };
    return {
      debug: (m, f) => emit("debug", m, f),
      info: (m, f) => emit("info", m, f),
      warn: (m, f) => emit("warn", m, f),
      error: (m, f) => emit("error", m, f),
      child: (fields) => make({ ...base, ...fields }),
      addSink(sink) {
        sinks.add(sink);
        return () => sinks.delete(sink);
      },
    };
  };
  return make(options.base ?? {});
}
