/**
 * A tiny file system of its own (a tmpfs of a few hundred KiB), to fill up on purpose. Mounting
 * needs root (or CAP_SYS_ADMIN), as the test containers have.
 */

/** A mounted tmpfs; disposing it unmounts it and removes the folder. */
export interface SmallDisk extends AsyncDisposable {
  readonly path: string;
  /** Unmounts it (the folder stays, now on the disk underneath); dispose is then a no-op. */
  unmount(): Promise<void>;
}

async function run(command: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr).trim()}` +
        " (filling a disk on purpose needs root, to mount a small tmpfs)",
    );
  }
}

/** Mounts a tmpfs of `bytes` on a fresh temporary folder. */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk> {
  const path = await Deno.makeTempDir({ prefix: "lingoreel-small-disk-" });
  await run("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0755`, "tmpfs", path]);
  let mounted = true;
  const unmount = async () => {
    if (!mounted) return;
    mounted = false;
    await run("umount", [path]);
  };
  return {
    path,
    unmount,
    async [Symbol.asyncDispose]() {
      await unmount().catch(() => run("umount", ["-l", path]));
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}
