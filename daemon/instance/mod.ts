/**
 * The daemon's claim on its data directory: the directory, the lock, the API token and
 * `daemon.json`.
 * @module
 */
export {
  ensurePrivateDir,
  generateToken,
  loadOrCreateToken,
  removeDaemonFile,
  writeDaemonFile,
} from "./data_dir.ts";
export { acquireInstanceLock, AlreadyRunningError, type InstanceLock } from "./instance_lock.ts";
