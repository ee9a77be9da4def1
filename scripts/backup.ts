/**
 * Backs up and restores lingoreel's database.
 *
 *   deno run -A scripts/backup.ts backup [--out FILE]
 *   deno run -A scripts/backup.ts restore FILE [--force]
 *
 * With `DATABASE_URL` (PostgreSQL): `pg_dump --format=custom` and `pg_restore --clean`, while the
 * daemon runs. With the embedded PGlite: a tar.gz of `<data dir>/db`, taken and restored while the
 * daemon is stopped (PGlite belongs to one process). The configuration is read as the daemon
 * reads it (environment and `.env`).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { join } from "@std/path";
import { type Config, ConfigError, loadConfig } from "../daemon/config.ts";
import { readDaemonFile } from "../shared/client.ts";

class BackupError extends Error {}

async function run(command: string, args: string[]): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new BackupError(
        `${command} is not installed: apt install ${
          command.startsWith("pg_") ? "postgresql-client" : command
        }`,
      );
    }
    throw error;
  }
  if (!out.success) {
    throw new BackupError(`${command} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
}

/** The pid of a daemon running on this data dir, if any. */
async function runningDaemon(dataDir: string): Promise<number | undefined> {
  try {
    const { pid } = await readDaemonFile(dataDir);
    await Deno.stat(`/proc/${pid}`);
    return pid;
  } catch {
    return undefined;
  }
}

async function refuseWhileRunning(config: Config, what: string): Promise<void> {
  const pid = await runningDaemon(config.dataDir);
  if (pid) {
    throw new BackupError(
      `The daemon (pid ${pid}) is running on ${config.dataDir}: stop it first (kill ${pid}) — the embedded database belongs to one process — then ${what} and start it again.`,
    );
  }
}

function stamp(): string {
  return new Date().toISOString().replace(/[:]/g, "-").replace(/\..*/, "");
}

async function backup(config: Config, out?: string): Promise<string> {
  if (config.databaseUrl) {
    const file = out ?? `lingoreel-${stamp()}.dump`;
    await run("pg_dump", [
      "--format=custom",
      "--no-owner",
      "--no-privileges",
      `--dbname=${config.databaseUrl}`,
      `--file=${file}`,
    ]);
    return file;
  }
  await refuseWhileRunning(config, "back up");
  const file = out ?? `lingoreel-${stamp()}.pglite.tar.gz`;
  await Deno.stat(join(config.dataDir, "db")).catch(() => {
    throw new BackupError(`There is no embedded database in ${config.dataDir}/db to back up.`);
  });
  await run("tar", ["-czf", file, "-C", config.dataDir, "db"]);
  return file;
}

async function restore(config: Config, file: string, force: boolean): Promise<void> {
  await Deno.stat(file).catch(() => {
    throw new BackupError(`${file} does not exist.`);
  });
  if (config.databaseUrl) {
    await run("pg_restore", [
      "--clean",
      "--if-exists",
      "--no-owner",
      "--no-privileges",
      `--dbname=${config.databaseUrl}`,
      file,
    ]);
    return;
  }
  await refuseWhileRunning(config, "restore");
  const db = join(config.dataDir, "db");
  const existing = await Array.fromAsync(Deno.readDir(db)).catch(() => []);
  if (existing.length && !force) {
    throw new BackupError(`${db} is not empty: add --force to replace it with the backup.`);
  }
  await Deno.remove(db, { recursive: true }).catch(() => {});
  await Deno.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await run("tar", ["-xzf", file, "-C", config.dataDir]);
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  try {
    const config = await loadConfig();
    if (command === "backup") {
      const at = rest.indexOf("--out");
      const file = await backup(config, at >= 0 ? rest[at + 1] : undefined);
      console.log(file);
    } else if (command === "restore" && rest[0]) {
      await restore(config, rest[0], rest.includes("--force"));
      console.log(`restored ${rest[0]}`);
    } else {
      console.error("usage: backup [--out FILE] | restore FILE [--force]");
      Deno.exit(2);
    }
  } catch (error) {
    if (!(error instanceof BackupError || error instanceof ConfigError)) throw error;
    console.error(`lingoreel: ${error.message}`);
    Deno.exit(1);
  }
}
