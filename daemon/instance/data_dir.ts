import { join } from "@std/path";
import { DAEMON_FILE, TOKEN_FILE } from "../../shared/paths.ts";
import type { DaemonFile } from "../../shared/schemas.ts";
import type { Logger } from "../log.ts";

/** The optional read-only token's file in the data directory (mode 0600). */
export const READONLY_TOKEN_FILE = "readonly-token";

/**
 * Files of the data directory that hold credentials and must be readable by the daemon's user
 * alone: the API tokens and the YouTube OAuth tokens (written by daemon/youtube/oauth.ts).
 */
export const SECRET_FILES: readonly string[] = [TOKEN_FILE, READONLY_TOKEN_FILE, "youtube-token.json"];

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * Gives `path` the mode `wanted` when other users have any access to it, and says so. A mode
 * that cannot be changed (another owner) is a loud warning, not a refusal to start: the daemon
 * still works, and the message says what to run.
 */
async function tighten(path: string, wanted: number, what: string, log: Logger): Promise<void> {
  const { mode } = await Deno.stat(path);
  if (mode === null || (mode & 0o077) === 0) return;
  try {
    await Deno.chmod(path, wanted);
    log.warn(
      `${what} was open to other users (mode ${octal(mode)}); set it to ${octal(wanted)} because it holds ` +
        "the API token and credentials",
      { path },
    );
  } catch (error) {
    log.warn(
      `${what} is open to other users (mode ${octal(mode)}) and cannot be changed (${
        (error as Error).message
      }): other users of this machine can read the API token and credentials; run \`chmod ${
        (wanted & 0o777).toString(8)
      } ${path}\` as its owner`,
      { path },
    );
  }
}

/** Creates a directory (and its parents) if missing; the data dir itself gets mode 0700. */
export async function ensurePrivateDir(path: string, log: Logger): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  await tighten(path, 0o700, "the data directory", log);
}

/**
 * Sets the credential files of the data directory ({@link SECRET_FILES}) that exist to mode
 * 0600 when they are open to others (copied in by hand, restored from a backup, an old umask).
 */
export async function tightenSecretFiles(dataDir: string, log: Logger): Promise<void> {
  for (const name of SECRET_FILES) {
    const path = join(dataDir, name);
    try {
      await tighten(path, 0o600, `the credential file ${name}`, log);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}

/** Generates 32 random bytes as base64url: the API token. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * The API token: the configured one, else the one in `<data dir>/token`, else a new one written
 * there with mode 0600.
 */
export async function loadOrCreateToken(
  dataDir: string,
  configured: string | undefined,
  log: Logger,
): Promise<string> {
  if (configured) return configured;
  const path = join(dataDir, TOKEN_FILE);
  try {
    const token = (await Deno.readTextFile(path)).trim();
    if (token.length >= 16) return token;
    log.warn("token file is too short; generating a new token", { path });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const token = generateToken();
  await Deno.writeTextFile(path, token + "\n", { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  log.info("generated a new API token", { path });
  return token;
}

/**
 * The optional read-only token: the configured one, else the one in `<data dir>/readonly-token`
 * when that file exists. Never generated: without either, there is no read-only access. A file
 * too short to be a token, or one equal to the API token (which would grant more than reading),
 * is ignored with a warning.
 */
export async function loadReadOnlyToken(
  dataDir: string,
  configured: string | undefined,
  fullToken: string,
  log: Logger,
): Promise<string | undefined> {
  const path = join(dataDir, READONLY_TOKEN_FILE);
  let token = configured;
  if (!token) {
    try {
      token = (await Deno.readTextFile(path)).trim();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    if (token.length < 16) {
      log.warn(
        "the read-only token file is shorter than 16 characters and is ignored: write a long random " +
          "one, e.g. `openssl rand -base64 32 > readonly-token`",
        { path },
      );
      return undefined;
    }
  }
  if (token === fullToken) {
    log.warn(
      `the read-only token (${configured ? "LINGOREEL_READONLY_TOKEN" : path}) is the API token itself ` +
        "and is ignored: it would give full access; give dashboards a different token",
    );
    return undefined;
  }
  return token;
}

/** Writes `daemon.json` atomically (temp file + rename) so clients never read half of it. */
export async function writeDaemonFile(dataDir: string, info: DaemonFile): Promise<void> {
  const path = join(dataDir, DAEMON_FILE);
  const tmp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  await Deno.rename(tmp, path);
}

/** Removes `daemon.json` if it is still ours (another daemon may have replaced it). */
export async function removeDaemonFile(dataDir: string, pid = Deno.pid): Promise<void> {
  const path = join(dataDir, DAEMON_FILE);
  try {
    const info = JSON.parse(await Deno.readTextFile(path)) as Partial<DaemonFile>;
    if (info.pid === pid) await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
