/**
 * Structured JSON logging to stderr (one object a line, for journald), with extra sinks such as
 * the event stream. Passed down from the composition root; nothing logs through a global.
 *
 * Secrets are kept out as a last line of defence (the code that handles them must not log them
 * in the first place): fields with a credential's name (`token`, `apiKey`, `refreshToken`,
 * `client_secret`, `authorization`, …) at any depth are replaced by `[redacted]`, and so is every
 * occurrence of a value registered with `redact()` (the API tokens, the Gemini key) in messages,
 * fields and error messages and stacks, before a line reaches stderr or any sink.
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
  /**
   * Keeps a secret value out of every later line of this logger's whole tree (root and children):
   * it is written as `[redacted]`. Values shorter than 8 characters are ignored (they would only
   * mangle ordinary words).
   */
  redact(secret: string | undefined): void;
}

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Field names (lower case, without `_` and `-`) whose values are credentials. */
const SECRET_KEYS = new Set([
  "token",
  "apitoken",
  "readonlytoken",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "apikey",
  "xgoogapikey",
  "clientsecret",
  "secret",
  "password",
  "passwd",
  "authorization",
  "cookie",
]);

/** Whether a field of this name holds a credential. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replace(/[_-]/g, ""));
}

/**
 * Makes a value safe to write: errors reduced to name, message and stack; credential fields and
 * known secrets redacted. `ancestors` catches cycles (a value shared by two fields is kept twice).
 */
function sanitise(value: unknown, scrub: (text: string) => string, ancestors: object[] = []): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return value;
  if (ancestors.length > 8 || ancestors.includes(value)) return "[…]";
  if (value instanceof Error) {
    return { name: value.name, message: scrub(value.message), stack: value.stack && scrub(value.stack) };
  }
  const inner = [...ancestors, value];
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === "function") return sanitise(json.call(value), scrub, inner);
  if (Array.isArray(value)) return value.map((item) => sanitise(item, scrub, inner));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) && item !== undefined && item !== null
      ? REDACTED
      : sanitise(item, scrub, inner);
  }
  return out;
}

/** Creates the root logger. `write` defaults to stderr. */
export function createLogger(
  options: { level?: LogLevel; write?: (line: string) => void; base?: LogFields } = {},
): Logger {
  const min = LEVELS[options.level ?? "info"];
  const encoder = new TextEncoder();
  const write = options.write ?? ((line: string) => Deno.stderr.writeSync(encoder.encode(line)));
  const sinks = new Set<LogSink>();
  const secrets = new Set<string>();
  const scrub = (text: string): string => {
    for (const secret of secrets) if (text.includes(secret)) text = text.replaceAll(secret, REDACTED);
    return text;
  };

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
      if (LEVELS[level] < min) return;
      const merged = sanitise({ ...base, ...fields }, scrub) as LogFields;
      const record: LogRecord = {
        level,
        message: scrub(message),
        fields: merged,
        at: new Date().toISOString(),
      };
      write(JSON.stringify({ at: record.at, level, msg: record.message, ...merged }) + "\n");
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
      redact(secret) {
        if (secret && secret.length >= 8) secrets.add(secret);
      },
    };
  };
  return make(options.base ?? {});
}
