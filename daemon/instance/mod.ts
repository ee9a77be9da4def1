/**
 * The daemon's claim on its data directory: the directory (0700), the lock, the API tokens and
 * credential files (0600) and `daemon.json`.
 * @module
 */
export {
  ensurePrivateDir,
  generateToken,
  loadOrCreateToken,
  loadReadOnlyToken,
  READONLY_TOKEN_FILE,
  removeDaemonFile,
  SECRET_FILES,
  tightenSecretFiles,
  writeDaemonFile,
} from "./data_dir.ts";
export { acquireInstanceLock, AlreadyRunningError, type InstanceLock } from "./instance_lock.ts";
