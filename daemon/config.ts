/**
 * Configuration from environment variables (and an optional `.env` in the working directory),
 * parsed once into a frozen, fully defaulted object. Nothing else in the daemon reads the
 * environment.
 */
import { z } from "zod";
import { isAbsolute, join, resolve } from "@std/path";
import { resolveDataDir } from "../shared/paths.ts";
import { logLevelSchema } from "../shared/schemas.ts";
import { isTimeZone } from "./schedule/zoned.ts";

/** A configuration value that cannot be used; the message names the variable and the fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const optionalText = z.string().trim().min(1).optional();
const url = (protocols: string[], example: string) =>
  z.string().trim().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}, e.g. ${example}`);

const envSchema = z.object({
  LINGOREEL_DATA_DIR: optionalText,
  XDG_DATA_HOME: optionalText,
  HOME: optionalText,
  LINGOREEL_MEDIA_ROOTS: optionalText,
  LINGOREEL_OUTPUT_DIR: optionalText,
  LINGOREEL_HOST: z.string().trim().min(1, "expected a host name or IP address, e.g. 127.0.0.1")
    .default("127.0.0.1"),
  LINGOREEL_PORT: z.string().trim().regex(/^\d{1,5}$/, "expected a port number from 0 to 65535")
    .transform(Number).refine((n) => n <= 65535, "expected a port number from 0 to 65535")
    .default(7470),
  LINGOREEL_TOKEN: z.string().trim().min(16, "expected at least 16 characters (or unset it to generate one)")
    .optional(),
  LINGOREEL_READONLY_TOKEN: z.string().trim()
    .min(16, "expected at least 16 characters, e.g. from `openssl rand -base64 32` (or unset it)")
    .optional(),
  LINGOREEL_ROLE: z.enum(["all", "api", "worker"], "expected one of all, api, worker").default("all"),
  LINGOREEL_LOG_LEVEL: logLevelSchema.default("info"),
  LINGOREEL_REDIS_PREFIX: z.string().trim().regex(
    /^[A-Za-z0-9_.-]{1,64}$/,
    "expected letters, digits, . _ or -",
  )
    .default("lingoreel"),
  LINGOREEL_QUEUE_LOCK_MS: z.string().trim().regex(/^\d+$/, "expected milliseconds, e.g. 30000")
    .transform(Number).refine((n) => n >= 1_000 && n <= 600_000, "expected 1000 to 600000 milliseconds")
    .default(30_000),
  LINGOREEL_DB_POOL: z.string().trim().regex(/^\d+$/, "expected a number of connections, e.g. 10")
    .transform(Number).refine((n) => n >= 2 && n <= 200, "expected 2 to 200 connections").default(10),
  LINGOREEL_SHUTDOWN_GRACE_MS: z.string().trim().regex(/^\d+$/, "expected milliseconds, e.g. 5000")
    .transform(Number).refine((n) => n <= 60_000, "expected at most 60000 milliseconds").default(5_000),
  LINGOREEL_WATCH: z.enum(["1", "0", "true", "false", "yes", "no", "on", "off"], "expected true or false")
    .transform((v) => ["1", "true", "yes", "on"].includes(v)).default(false),
  DATABASE_URL: url(["postgres:", "postgresql:"], "postgres://user:pass@localhost:5432/lingoreel")
    .optional(),
  REDIS_URL: url(["redis:", "rediss:", "unix:"], "redis://localhost:6379").optional(),
  GEMINI_API_KEY: optionalText,
  GEMINI_MODEL: z.string().trim().min(1).default("gemini-2.5-flash"),
  GEMINI_BASE_URL: url(["http:", "https:"], "https://generativelanguage.googleapis.com").optional(),
  YOUTUBE_CLIENT_SECRET_FILE: optionalText,
  YOUTUBE_API_BASE_URL: url(["http:", "https:"], "https://www.googleapis.com").optional(),
  YOUTUBE_UPLOAD_BASE_URL: url(["http:", "https:"], "https://www.googleapis.com").optional(),
  GOOGLE_OAUTH_BASE_URL: url(["http:", "https:"], "https://oauth2.googleapis.com").optional(),
  FFMPEG_PATH: optionalText,
  FFPROBE_PATH: optionalText,
  // the channel's time zone for the publishing calendar, on first start (then a setting)
  TZ: optionalText,
  // unset PATH means the standard search path, as for a shell
  PATH: z.string().default("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
});

/** What the daemon does: everything, only the API, or only queue work (for scale-out). */
export type Role = "all" | "api" | "worker";

/** The daemon's configuration. See the README's configuration table. */
export interface Config {
  readonly dataDir: string;
  readonly mediaRoots: readonly string[];
  readonly outputDir: string;
  readonly host: string;
  readonly port: number;
  /** Set when `LINGOREEL_TOKEN` is given; otherwise the token file is used. */
  readonly token?: string;
  /**
   * `LINGOREEL_READONLY_TOKEN`: a second token that allows queries and subscriptions only (for
   * dashboards); otherwise `<data dir>/readonly-token` if present.
   */
  readonly readOnlyToken?: string;
  readonly role: Role;
  /** Namespace of this installation's queues, event stream and channels in Redis. */
  readonly redisPrefix: string;
  /** How long a worker's lock on a job lasts; a dead worker's job is taken up after it. */
  readonly queueLockMs: number;
  /** Connections of the PostgreSQL pool (not used with PGlite). */
  readonly dbPool: number;
  /** How long SIGTERM lets running jobs finish before returning them to waiting. */
  readonly shutdownGraceMs: number;
  readonly logLevel: z.infer<typeof logLevelSchema>;
  /** Rescan a root a few seconds after files under it change. */
  readonly watchLibrary: boolean;
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly gemini: { readonly apiKey?: string; readonly model: string; readonly baseUrl?: string };
  readonly youtube: {
    readonly clientSecretFile?: string;
    readonly apiBaseUrl?: string;
    readonly uploadBaseUrl?: string;
    readonly oauthBaseUrl?: string;
  };
  readonly ffmpegPath?: string;
  readonly ffprobePath?: string;
  /** The search path for ffmpeg/ffprobe/redis-server when not configured. */
  readonly searchPath: string;
  /** `TZ`: seeds the calendar's time zone on first start. */
  readonly timeZone?: string;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0]);
  const value = env[name];
  const shown = name.includes("TOKEN") || name.includes("KEY") || name === "DATABASE_URL" ||
      name === "REDIS_URL"
    ? "(value hidden)"
    : JSON.stringify(value);
  return `${name}=${shown}: ${issue.message}`;
}

/**
 * Parses configuration from an environment record. Throws {@link ConfigError} listing every
 * bad variable with the accepted form.
 */
export function parseConfig(env: Record<string, string | undefined>, cwd = Deno.cwd()): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${describeIssue(issue, cleaned)}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.LINGOREEL_READONLY_TOKEN !== undefined && e.LINGOREEL_READONLY_TOKEN === e.LINGOREEL_TOKEN) {
    // the same value would grant full access to whoever was meant to only read
    throw new ConfigError(
      "Invalid configuration:\n  - LINGOREEL_READONLY_TOKEN=(value hidden): is the same as LINGOREEL_TOKEN; " +
        "give dashboards a different token, e.g. from `openssl rand -base64 32`",
    );
  }
  const dataDir = absolute(resolveDataDir(e), cwd);
  const mediaRoots = e.LINGOREEL_MEDIA_ROOTS
    ? e.LINGOREEL_MEDIA_ROOTS.split(",").map((root) => root.trim()).filter(Boolean)
      .map((root) => absolute(root, cwd))
    : [join(dataDir, "media")];
  if (mediaRoots.length === 0) {
    throw new ConfigError(
      "Invalid configuration:\n  - LINGOREEL_MEDIA_ROOTS: expected comma-separated directories",
    );
  }
  return Object.freeze({
    dataDir,
    mediaRoots: Object.freeze(mediaRoots),
    outputDir: absolute(e.LINGOREEL_OUTPUT_DIR ?? join(dataDir, "output"), cwd),
    host: e.LINGOREEL_HOST,
    port: e.LINGOREEL_PORT,
    token: e.LINGOREEL_TOKEN,
    readOnlyToken: e.LINGOREEL_READONLY_TOKEN,
    role: e.LINGOREEL_ROLE,
    redisPrefix: e.LINGOREEL_REDIS_PREFIX,
    queueLockMs: e.LINGOREEL_QUEUE_LOCK_MS,
    shutdownGraceMs: e.LINGOREEL_SHUTDOWN_GRACE_MS,
    dbPool: e.LINGOREEL_DB_POOL,
    logLevel: e.LINGOREEL_LOG_LEVEL,
    watchLibrary: e.LINGOREEL_WATCH,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    gemini: Object.freeze({
      apiKey: e.GEMINI_API_KEY,
      model: e.GEMINI_MODEL,
      baseUrl: e.GEMINI_BASE_URL,
    }),
    youtube: Object.freeze({
      clientSecretFile: e.YOUTUBE_CLIENT_SECRET_FILE && absolute(e.YOUTUBE_CLIENT_SECRET_FILE, cwd),
      apiBaseUrl: e.YOUTUBE_API_BASE_URL,
      uploadBaseUrl: e.YOUTUBE_UPLOAD_BASE_URL,
      oauthBaseUrl: e.GOOGLE_OAUTH_BASE_URL,
    }),
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    searchPath: e.PATH,
    // a TZ that is not an IANA name (e.g. ":/etc/localtime") is not a calendar zone: ignored
    timeZone: e.TZ && isTimeZone(e.TZ) ? e.TZ : undefined,
  });
}

/**
 * The secret values of a configuration (the API tokens and the Gemini key), for the logger to
 * keep out of every line. Passwords in DATABASE_URL and REDIS_URL are not among them: they are
 * often ordinary words (`postgres`, the user's name) whose every occurrence would be blotted out;
 * the code that shows those URLs masks their passwords itself.
 */
export function secretValues(config: Config): string[] {
  return [config.token, config.readOnlyToken, config.gemini.apiKey]
    .filter((value): value is string => Boolean(value));
}

/**
 * Parses a `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double
 * quotes (double quotes understand `\n`).
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`.env line ${i + 1}: expected KEY=value, got ${JSON.stringify(line)}`);
    let value = match[2];
    const quote = value[0];
    if ((quote === `"` || quote === `'`) && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === `"`) value = value.replaceAll("\\n", "\n").replaceAll(`\\"`, `"`);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[match[1]] = value;
  }
  return out;
}

/** Reads the process environment and `./.env` (the environment wins) into a {@link Config}. */
export async function loadConfig(cwd = Deno.cwd()): Promise<Config> {
  let fileEnv: Record<string, string> = {};
  try {
    fileEnv = parseDotEnv(await Deno.readTextFile(join(cwd, ".env")));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return parseConfig({ ...fileEnv, ...Deno.env.toObject() }, cwd);
}
