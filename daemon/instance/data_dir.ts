import { join } from "@std/path";
import { DAEMON_FILE, TOKEN_FILE } from "../../shared/paths.ts";
import type { DaemonFile } from "../../shared/schemas.ts";
import type { Logger } from "../log.ts";

/** Creates a directory (and its parents) if missing; the data dir itself gets mode 0700. */
export async function ensurePrivateDir(path: string, log: Logger): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  const { mode } = await Deno.stat(path);
  if (mode !== null && (mode & 0o077) !== 0) {
    await Deno.chmod(path, 0o700);
    log.warn("data directory was readable by others; set it to mode 0700", { path });
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
