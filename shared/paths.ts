/**
 * Where lingoreel keeps its state, shared by the daemon's configuration and by clients that
 * look for a running daemon.
 * @module
 */
import { join } from "@std/path";

/** Environment variables that decide the default data directory. */
export interface DataDirEnv {
  LINGOREEL_DATA_DIR?: string;
  XDG_DATA_HOME?: string;
  HOME?: string;
}

/**
 * The data directory: `LINGOREEL_DATA_DIR`, else `$XDG_DATA_HOME/lingoreel`, else
 * `~/.local/share/lingoreel`.
 */
export function resolveDataDir(env: DataDirEnv): string {
  if (env.LINGOREEL_DATA_DIR) return env.LINGOREEL_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "lingoreel");
  if (!env.HOME) {
    throw new Error("Cannot find a data directory: set LINGOREEL_DATA_DIR (or HOME).");
  }
  return join(env.HOME, ".local", "share", "lingoreel");
}

/** The file a running daemon writes into its data directory so that clients can find it. */
export const DAEMON_FILE = "daemon.json";
/** The file that holds the generated API token (mode 0600). */
export const TOKEN_FILE = "token";
