/**
 * Estimates the size of the container image the Dockerfile builds, layer by layer, on a machine
 * without a container engine (a `docker images` figure is better wherever an engine runs).
 *
 * - the base image (`debian:bookworm-slim`): Docker's uncompressed figure, a constant here;
 * - the Debian packages the runtime stage installs: their dependency closure (Depends and
 *   Pre-Depends, as `--no-install-recommends` installs) minus the base's packages, each measured
 *   from the files the same package version installed on this machine (`dpkg -L`), without what
 *   the slim image's dpkg excludes (docs, man pages, locales) and the Dockerfile's own
 *   `path-exclude`s, hard links once, plus a 512-byte tar header a file;
 * - FFmpeg as `deploy/build-ffmpeg` builds it, the Deno binary, node_modules and the source.
 *
 * It also checks that every library the built ffmpeg and ffprobe load comes from a package the
 * runtime stage installs (or from the FFmpeg build itself): a missing one would fail in the image.
 *
 *   deno task image-size --ffmpeg-prefix DIR [--json]
 *
 * DIR is an FFmpeg built by `deploy/build-ffmpeg DIR` (needs its build dependencies and a deb-src
 * entry; see that script).
 */
// deno-lint-ignore-file no-console -- a command-line entry point
import { dirname, fromFileUrl, globToRegExp, join } from "@std/path";

const ROOT = join(dirname(fromFileUrl(import.meta.url)), "..");
const args = Deno.args;
const json = args.includes("--json");
const prefix: string = args.includes("--ffmpeg-prefix")
  ? args[args.indexOf("--ffmpeg-prefix") + 1] ?? ""
  : "";
if (!prefix) {
  console.error("usage: deno task image-size --ffmpeg-prefix DIR [--json]  (DIR: deploy/build-ffmpeg DIR)");
  Deno.exit(2);
}

/** debian:bookworm-slim uncompressed, as `docker images` lists it (amd64). */
const BASE_IMAGE_BYTES = 74.8e6;
/** What debian:*-slim tells dpkg not to unpack (debuerreotype's slimification). */
const SLIM_EXCLUDES = [
  "/usr/share/doc/**",
  "/usr/share/man/**",
  "/usr/share/info/**",
  "/usr/share/groff/**",
  "/usr/share/lintian/**",
  "/usr/share/linda/**",
  "/usr/share/locale/**",
];
const TAR_HEADER = 512;

async function run(cmd: string, ...cmdArgs: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args: cmdArgs, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} ${cmdArgs.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** The runtime stage's apt packages and path-excludes, read from the Dockerfile. */
function runtimeStage(text: string): { packages: string[]; excludes: string[] } {
  const joined = text.replace(/\\\n/g, " ");
  const runtime = joined.slice(joined.lastIndexOf("\nFROM "));
  const install = /apt-get install -y --no-install-recommends ([^&]+)/.exec(runtime);
  if (!install) throw new Error("no apt-get install in the Dockerfile's runtime stage");
  const excludes = [...runtime.matchAll(/'path-exclude=([^']+)'/g)].map((m) => m[1]);
  return { packages: install[1].trim().split(/\s+/), excludes };
}

/**
 * What `apt-get install --no-install-recommends` would add to a system holding exactly the
 * packages of `status` (a dpkg status file): apt's own resolution, simulated.
 */
async function simulateInstall(status: string, packages: string[]): Promise<string[]> {
  const file = await Deno.makeTempFile({ prefix: "image-size-status-" });
  try {
    await Deno.writeTextFile(file, status);
    const out = await run(
      "apt-get",
      "-s",
      "--no-install-recommends",
      `-o=Dir::State::status=${file}`,
      "install",
      ...packages,
    );
    return out.split("\n").filter((l) => l.startsWith("Inst ")).map((l) => l.split(" ")[1]);
  } finally {
    await Deno.remove(file);
  }
}

/** The paragraphs of this machine's dpkg status file for these packages. */
function statusOf(packages: Set<string>): string {
  return Deno.readTextFileSync("/var/lib/dpkg/status").split("\n\n")
    .filter((p) => packages.has(/^Package: (\S+)/m.exec(p)?.[1] ?? "")).join("\n\n") + "\n";
}

/**
 * The slim base: the packages of Priority required with what they depend on (as debootstrap's
 * minbase), plus apt; usr-is-merged named so that apt does not pick usrmerge (and Perl) for it.
 */
async function baseSet(): Promise<Set<string>> {
  const required = (await run("dpkg-query", "-W", "-f", "${Package} ${Priority}\n"))
    .split("\n").filter((l) => l.endsWith(" required")).map((l) => l.split(" ")[0]);
  return new Set(await simulateInstall("", [...required, "apt", "usr-is-merged"]));
}

interface Measured {
  bytes: number;
  files: number;
}

function measureFiles(paths: Iterable<string>, excluded: RegExp[], seen: Set<string>): Measured {
  let bytes = 0;
  let files = 0;
  for (const path of paths) {
    if (excluded.some((re) => re.test(path))) continue;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(path);
    } catch {
      continue; // listed by dpkg, removed since (a diversion, a conffile)
    }
    if (info.isDirectory) continue;
    const key = `${info.dev}:${info.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    bytes += (info.isFile ? info.size : 0) + TAR_HEADER;
    files++;
  }
  return { bytes, files };
}

function* walk(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else yield path;
  }
}

const { packages, excludes } = runtimeStage(Deno.readTextFileSync(join(ROOT, "Dockerfile")));
const excluded = [...SLIM_EXCLUDES, ...excludes].map((g) =>
  globToRegExp(g, { extended: true, globstar: true })
);
const base = await baseSet();
const added = (await simulateInstall(statusOf(base), packages)).sort();
const installed = new Set(
  (await run("dpkg-query", "-W", "-f", "${Package} ${Status}\n")).split("\n")
    .filter((l) => l.endsWith(" installed")).map((l) => l.split(" ")[0]),
);
const missing = added.filter((p) => !installed.has(p));
if (missing.length > 0) {
  console.error(`not installed here, so not measurable: ${missing.join(" ")} (apt-get install them first)`);
  Deno.exit(2);
}

const seen = new Set<string>();
const perPackage = new Map<string, Measured>();
const owner = new Map<string, string>(); // file → package, for the library check
for (const pkg of added) {
  const files = (await run("dpkg", "-L", pkg)).split("\n").filter(Boolean);
  for (const file of files) owner.set(file, pkg);
  perPackage.set(pkg, measureFiles(files, excluded, seen));
}
const debian = [...perPackage.values()].reduce(
  (a, m) => ({ bytes: a.bytes + m.bytes, files: a.files + m.files }),
  {
    bytes: 0,
    files: 0,
  },
);

// Every library ffmpeg and ffprobe load: from the FFmpeg build, the base, or an added package.
const baseFiles = new Set<string>();
for (const pkg of base) {
  if (!installed.has(pkg)) continue;
  for (const file of (await run("dpkg", "-L", pkg)).split("\n")) baseFiles.add(file);
}
const unowned: string[] = [];
for (const binary of ["ffmpeg", "ffprobe"]) {
  const ldd: string = await run("ldd", join(prefix, "bin", binary));
  for (const line of ldd.split("\n")) {
    const lib: string | undefined = /=> (\S+)/.exec(line)?.[1];
    if (!lib || lib.startsWith(prefix)) continue;
    const candidates = [lib, lib.replace(/^\/lib\//, "/usr/lib/"), Deno.realPathSync(lib)];
    if (!candidates.some((c) => owner.has(c) || baseFiles.has(c))) unowned.push(`${binary}: ${lib}`);
  }
}

const denoBinary = Deno.realPathSync(Deno.execPath());
const noSeen = () => new Set<string>();
const layers: { layer: string; bytes: number; files?: number }[] = [
  { layer: "debian:bookworm-slim (uncompressed, as docker images lists it)", bytes: BASE_IMAGE_BYTES },
  { layer: `Debian packages (${added.length} added to the slim set)`, ...debian },
  { layer: "FFmpeg (deploy/build-ffmpeg)", ...measureFiles(walk(prefix), [], noSeen()) },
  { layer: `Deno ${Deno.version.deno} binary`, ...measureFiles([denoBinary], [], noSeen()) },
  {
    layer: "node_modules (deno install --frozen)",
    ...measureFiles(walk(join(ROOT, "node_modules")), [], noSeen()),
  },
  {
    layer: "source (daemon, shared, tui, migrations, deploy/lingoreel)",
    ...measureFiles(
      ["daemon", "shared", "tui", "migrations"].flatMap((d) => [...walk(join(ROOT, d))]).concat(
        join(ROOT, "deploy/lingoreel"),
      ),
      [],
      noSeen(),
    ),
  },
];
const total = layers.reduce((sum, l) => sum + l.bytes, 0);
const biggest = [...perPackage].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 8)
  .map(([pkg, m]) => ({ package: pkg, bytes: m.bytes }));

if (json) {
  console.log(
    JSON.stringify({ layers, totalBytes: total, biggestPackages: biggest, unownedLibraries: unowned }),
  );
} else {
  const mb = (b: number) => `${(b / 1e6).toFixed(1).padStart(7)} MB`;
  for (const l of layers) console.log(`${mb(l.bytes)}  ${l.layer}`);
  console.log(`${mb(total)}  total (estimated)`);
  console.log(
    `largest packages: ${biggest.map((b) => `${b.package} ${(b.bytes / 1e6).toFixed(1)} MB`).join(", ")}`,
  );
  if (unowned.length > 0) console.log(`libraries no runtime package provides:\n  ${unowned.join("\n  ")}`);
}
if (unowned.length > 0) Deno.exit(1);
