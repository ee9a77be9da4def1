/**
 * Static checks of the deployment files: compose.yaml (parsed as YAML, interpolated as compose
 * does), the Dockerfile (validated by dockerfile-utils, the Docker language server's validator,
 * and parsed into instructions), .dockerignore, .env.example, the systemd unit (parsed, and
 * verified by systemd-analyze where it exists), scripts/install-systemd --dry-run and the
 * `lingoreel` TUI command. Nothing here needs a container engine or a running systemd.
 */
import { assert, assertEquals, assertMatch, assertNotEquals, assertStringIncludes } from "@std/assert";
import { fromFileUrl } from "@std/path";
import { parse as parseYaml } from "npm:deno-std@1.4.0/yaml/mod.js";
import { validate as validateDockerfile } from "dockerfile-utils";
import { parseConfig } from "../daemon/config.ts";

const ROOT = fromFileUrl(new URL("..", import.meta.url)).replace(/\/$/, "");
const read = (path: string) => Deno.readTextFileSync(`${ROOT}/${path}`);

// --- helpers ------------------------------------------------------------------------------------

type Env = Record<string, string>;

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, name?: string, op?: string, arg?: string, bare?: string) => {
      if (match === "$$") return "$";
      if (bare) return env[bare] ?? "";
      const value = env[name!];
      const missing = op?.startsWith(":") ? !value : value === undefined;
      if (op?.endsWith("-")) return missing ? arg! : value!;
      if (op?.endsWith("?") && missing) throw new Error(`${name}: ${arg}`);
      return value ?? "";
    },
  );
}

/** Every ${…} of a text (not $${…}): the variable, its operator and argument. */
function references(text: string): { name: string; op: string; arg: string }[] {
  const out: { name: string; op: string; arg: string }[] = [];
  for (const m of text.matchAll(/(\$*)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g)) {
    if (m[1].length % 2 === 1) continue; // $${…} is a literal for the container's shell
    out.push({ name: m[2], op: m[3] ?? "", arg: m[4] ?? "" });
  }
  return out;
}

/** The variables an env-style example file documents (`KEY=` or `#KEY=`), with their values. */
function documented(text: string): Map<string, { value: string; commented: boolean }> {
  const out = new Map<string, { value: string; commented: boolean }>();
  for (const line of text.split("\n")) {
    const m = /^(#?)([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out.set(m[2], { value: m[3], commented: m[1] === "#" });
  }
  return out;
}

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions: comments dropped, continuation lines joined, stages numbered. */
function parseDockerfile(text: string): { instructions: Instruction[]; comments: string[] } {
  const instructions: Instruction[] = [];
  const comments: string[] = [];
  let stage = -1;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) {
      comments.push(line);
      continue;
    }
    if (!line && !pending) continue;
    pending += (pending ? " " : "") + line.replace(/\\$/, "").trim();
    if (line.endsWith("\\")) continue;
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(pending);
    if (!m) throw new Error(`not an instruction: ${pending}`);
    const keyword = m[1].toUpperCase();
    if (keyword === "FROM") stage++;
    instructions.push({ stage, keyword, args: m[2] });
    pending = "";
  }
  return { instructions, comments };
}

/** A systemd unit: section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq <= 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** .dockerignore's answer for a path of the build context (patterns, `!` exceptions, last wins). */
function dockerIgnored(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = (negated ? raw.slice(1) : raw).replace(/^\/|\/$/g, "");
    const regex = new RegExp(
      "^" + pattern.replace(/\*\*|\*|\?|[.+^${}()|[\]\\]/g, (token) => {
        if (token === "**") return ".*";
        if (token === "*") return "[^/]*";
        if (token === "?") return "[^/]";
        return `\\${token}`;
      }) + "(/.*)?$",
    );
    if (regex.test(path)) ignored = !negated;
  }
  return ignored;
}

async function run(
  command: string,
  args: string[],
  options: { env?: Env } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, { args, cwd: ROOT, env: options.env, stdin: "null" })
    .output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

function hasCommand(name: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** The flags of `deno run` in deno.json's daemon task: the service and the image must use them. */
function daemonTaskFlags(): string[] {
  const task: string = JSON.parse(read("deno.json")).tasks.daemon;
  assertMatch(task, /^deno run .*daemon\/main\.ts$/);
  return task.split(/\s+/).filter((word) => word.startsWith("--"));
}

const SECRET = /PASSWORD|TOKEN|API_KEY|SECRET$/;

// --- compose.yaml -------------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  profiles?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  user?: string;
  read_only?: boolean;
}
const composeText = read("compose.yaml");
const compose = parseYaml(composeText) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const envExample = read(".env.example");

Deno.test("compose: the daemon, PostgreSQL, Redis, and workers behind a profile", () => {
  assertEquals(Object.keys(services).sort(), ["daemon", "postgres", "redis", "worker"]);
  assert(services.daemon.build, "the daemon is built from the Dockerfile");
  assertEquals(services.daemon.profiles, undefined, "the daemon starts by default");
  assertEquals(services.worker.profiles, ["workers"]);
  assertEquals(services.worker.environment?.LINGOREEL_ROLE, "worker");
  assertEquals(services.worker.ports, undefined, "workers publish nothing");
  for (const name of ["postgres", "redis"]) {
    assertEquals(
      services.daemon.depends_on?.[name]?.condition,
      "service_healthy",
      `daemon waits for ${name}`,
    );
  }
  // pinned major versions: a PostgreSQL data directory only opens with its own major version
  assertMatch(services.postgres.image!, /^postgres:\d+(\.\d+)?-[a-z]+$/);
  assertMatch(services.redis.image!, /^redis:\d+\.\d+(\.\d+)?-[a-z]+$/);
});

Deno.test("compose: restart policies and health checks everywhere; /healthz for the daemon and workers", () => {
  for (const [name, service] of Object.entries(services)) {
    assert(["always", "unless-stopped", "on-failure"].includes(service.restart ?? ""), `${name}: restart`);
    const test = service.healthcheck?.test;
    assert(Array.isArray(test) && test.length > 1 && test[0].startsWith("CMD"), `${name}: healthcheck`);
  }
  for (const name of ["daemon", "worker"]) {
    const test = (services[name].healthcheck!.test as string[]).join(" ");
    assertStringIncludes(test, "/dev/tcp/127.0.0.1/7470");
    assertStringIncludes(test, "GET /healthz");
    assertStringIncludes(test, "= 200");
  }
  assertStringIncludes((services.postgres.healthcheck!.test as string[]).join(" "), "pg_isready");
  assertStringIncludes((services.redis.healthcheck!.test as string[]).join(" "), "redis-cli ping");
});

Deno.test("compose: the API is published on the host's 127.0.0.1 only, and listens on 0.0.0.0 inside", () => {
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      assertMatch(port, /^127\.0\.0\.1:/, `${name} publishes ${port} beyond the host's loopback`);
    }
  }
  assertEquals(services.daemon.ports?.length, 1);
  assertMatch(services.daemon.ports![0], /:7470$/);
  assertEquals(services.daemon.environment?.LINGOREEL_HOST, "0.0.0.0");
  assertEquals(String(services.daemon.environment?.LINGOREEL_PORT), "7470");
});

Deno.test("compose: media read-only, output and state volumes, shared by the daemon and workers", () => {
  // SOURCE:TARGET[:MODE] or TARGET alone (an anonymous volume); a ${…} source may hold colons
  const mounts = (service: Service) =>
    new Map((service.volumes ?? []).map((volume) => {
      const vars: string[] = [];
      const parts = volume.replace(/\$\{[^}]*\}/g, (v) => `@${vars.push(v) - 1}@`).split(":")
        .map((part) => part.replace(/@(\d+)@/g, (_, i) => vars[Number(i)]));
      if (parts.length === 1) return [parts[0], { source: "", mode: "rw" }];
      return [parts[1], { source: parts[0], mode: parts[2] ?? "rw" }];
    }));
  const daemon = mounts(services.daemon);
  const worker = mounts(services.worker);
  for (const m of [daemon, worker]) {
    assertEquals(m.get("/media")?.mode, "ro", "the media mount is read-only");
    assertEquals(m.get("/output")?.mode, "rw");
  }
  assertEquals(worker.get("/media")?.source, daemon.get("/media")?.source);
  assertEquals(worker.get("/output")?.source, daemon.get("/output")?.source);
  assertEquals(daemon.get("/var/lib/lingoreel")?.source, "state");
  assertEquals(worker.get("/var/lib/lingoreel")?.source, "", "each worker has a data directory of its own");
  assert("state" in compose.volumes && "postgres" in compose.volumes && "redis" in compose.volumes);
  assertEquals(mounts(services.postgres).get("/var/lib/postgresql/data")?.source, "postgres");
  assertEquals(mounts(services.redis).get("/data")?.source, "redis");
  for (const key of ["DATABASE_URL", "REDIS_URL", "LINGOREEL_REDIS_PREFIX", "LINGOREEL_MEDIA_ROOTS"]) {
    assertEquals(services.worker.environment?.[key], services.daemon.environment?.[key], key);
  }
  assertEquals(services.daemon.environment?.LINGOREEL_MEDIA_ROOTS, "/media");
  assertEquals(services.daemon.environment?.LINGOREEL_OUTPUT_DIR, "/output");
});

Deno.test("compose: Redis keeps an append-only file and requires the password from .env", () => {
  const command = ([] as string[]).concat(services.redis.command ?? []).join(" ");
  assertMatch(command, /--appendonly yes/);
  assertMatch(command, /requirepass \$\$REDIS_PASSWORD/);
  assertMatch(command, /--maxmemory-policy noeviction/);
  assertMatch(String(services.redis.environment?.REDIS_PASSWORD), /^\$\{REDIS_PASSWORD:\?/);
});

Deno.test("compose: no literal secrets; every secret and path comes from .env with :? or a harmless default", () => {
  const required = ["POSTGRES_PASSWORD", "REDIS_PASSWORD", "LINGOREEL_TOKEN", "MEDIA_DIR", "OUTPUT_DIR"];
  const refs = references(composeText);
  for (const name of required) {
    const uses = refs.filter((r) => r.name === name);
    assert(uses.length > 0, `${name} is used`);
    for (const use of uses) assertEquals(use.op, ":?", `every use of ${name} is \${${name}:?…}`);
  }
  for (const ref of refs) {
    if (SECRET.test(ref.name)) assert(ref.op === ":?" || ref.arg === "", `${ref.name} has no default value`);
  }
  for (const service of Object.values(services)) {
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      const text = String(value);
      if (SECRET.test(key)) assertMatch(text, /^\$\{[A-Z_]+(:\?[^}]*|:-)?\}$/, `${key} is literal`);
      // credentials inside URLs come from variables too
      for (const m of text.matchAll(/:\/\/[^:/@]*:([^@]*)@/g)) assertMatch(m[1], /^\$\{[A-Z_]+:\?[^}]*\}$/);
    }
  }
  assert(!/password[ \t]*[:=][ \t]*[A-Za-z0-9]{4,}/i.test(composeText.replaceAll(/\$\{[^}]*\}/g, "")));
});

Deno.test("compose: every variable is documented in .env.example, required ones empty there", () => {
  const docs = documented(envExample);
  for (const ref of references(composeText)) {
    assert(docs.has(ref.name), `${ref.name} is used by compose.yaml but not in .env.example`);
    if (ref.op.includes("?")) {
      assertEquals(docs.get(ref.name), { value: "", commented: false }, `${ref.name}= is required and empty`);
    }
  }
  for (const [name, { value }] of docs) {
    if (SECRET.test(name)) assertEquals(value, "", `.env.example gives ${name} no value`);
  }
});

Deno.test("compose: refuses to start on .env.example as it is, and configures a valid daemon once filled in", () => {
  const example = Object.fromEntries(
    [...documented(envExample)].filter(([, d]) => !d.commented).map(([k, d]) => [k, d.value]),
  );
  let refused = "";
  try {
    interpolate(composeText, example);
  } catch (error) {
    refused = (error as Error).message;
  }
  assertMatch(refused, /set [A-Z_]+ in \.env/);

  const filled = {
    ...example,
    POSTGRES_PASSWORD: "0123456789abcdef0123",
    REDIS_PASSWORD: "fedcba9876543210fedc",
    LINGOREEL_TOKEN: "a-token-of-24-characters",
    MEDIA_DIR: "/volume1/video",
    OUTPUT_DIR: "/volume1/lingoreel",
  };
  const resolved = parseYaml(interpolate(composeText, filled)) as { services: Record<string, Service> };
  const env = (name: string) =>
    Object.fromEntries(
      Object.entries(resolved.services[name].environment ?? {}).map(([k, v]) => [k, String(v)]),
    );
  const daemon = parseConfig({ ...env("daemon"), LINGOREEL_DATA_DIR: "/var/lib/lingoreel" }, "/app");
  assertEquals(daemon.host, "0.0.0.0");
  assertEquals(daemon.role, "all");
  assertEquals(daemon.databaseUrl, "postgres://lingoreel:0123456789abcdef0123@postgres:5432/lingoreel");
  assertEquals(daemon.redisUrl, "redis://:fedcba9876543210fedc@redis:6379");
  assertEquals(daemon.token, "a-token-of-24-characters");
  const worker = parseConfig({ ...env("worker"), LINGOREEL_DATA_DIR: "/var/lib/lingoreel" }, "/app");
  assertEquals(worker.role, "worker");
  assertEquals(worker.redisPrefix, daemon.redisPrefix);
  assertEquals(worker.outputDir, daemon.outputDir);
  assertEquals(resolved.services.daemon.ports, ["127.0.0.1:7470:7470"]);
});

// --- Dockerfile ---------------------------------------------------------------------------------

const dockerfile = parseDockerfile(read("Dockerfile"));
/** The instructions of the stage named `name` (`FROM … AS name`). */
function stage(name: string): Instruction[] {
  const from = dockerfile.instructions.find((i) => i.keyword === "FROM" && i.args.endsWith(` AS ${name}`));
  if (!from) throw new Error(`the Dockerfile has no stage named ${name}`);
  return dockerfile.instructions.filter((i) => i.stage === from.stage);
}
const dockerignore = read(".dockerignore").split("\n").map((l) => l.trim()).filter((l) =>
  l && !l.startsWith("#")
);

Deno.test("Dockerfile: the Docker language server's validator (dockerfile-utils) finds nothing to report, and does on a broken copy", () => {
  const report = (text: string) =>
    validateDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  assertEquals(report(read("Dockerfile")), []);
  const broken = read("Dockerfile").replace("COPY --from=build /app /app", "COPY /app").replace(
    "EXPOSE 7470",
    "EXPOSE port",
  );
  assertEquals(report(broken).length, 2, report(broken).join("\n"));
});

Deno.test("Dockerfile: multi-stage, pinned Debian and Deno, Deno's version as scripts/_setup.sh pins it", () => {
  const { instructions } = dockerfile;
  const froms = instructions.filter((i) => i.keyword === "FROM");
  assert(froms.length >= 4, "deno, build, ffmpeg and runtime stages");
  assert(froms.every((f) => / AS [a-z]+$/.test(f.args)), "every stage is named");
  const baseArg = instructions.find((i) => i.stage === -1 && i.keyword === "ARG")?.args ?? "";
  const base = /^DEBIAN_IMAGE=(\S+)$/.exec(baseArg)?.[1];
  assertMatch(base ?? "", /^debian:(bookworm|\d+(\.\d+)?)-slim$/);
  const setupVersion = /^DENO_VERSION="([^"]+)"/m.exec(read("scripts/_setup.sh"))?.[1];
  assertEquals(
    instructions.find((i) => i.args.startsWith("DENO_VERSION="))?.args,
    `DENO_VERSION=${setupVersion}`,
  );
  const install = instructions.find((i) => i.keyword === "RUN" && i.args.includes("npm install"))!;
  assertStringIncludes(install.args, `"deno@\${DENO_VERSION}"`);
  assertStringIncludes(install.args, `grep -q "^deno \${DENO_VERSION} "`);
});

Deno.test("Dockerfile: dependencies installed against deno.lock before the source is copied", () => {
  const build = stage("build");
  const lockCopy = build.findIndex((i) => i.keyword === "COPY" && /\bdeno\.lock\b/.test(i.args));
  const install = build.findIndex((i) => i.keyword === "RUN" && /deno install --frozen/.test(i.args));
  const firstSource = build.findIndex((i) =>
    i.keyword === "COPY" && /^(daemon|shared|tui|migrations)\b/.test(i.args)
  );
  assert(
    lockCopy >= 0 && install > lockCopy && firstSource > install,
    "COPY deno.lock → deno install → source",
  );
  assertEquals(build[lockCopy].args, "deno.json deno.lock package.json ./");
});

Deno.test("Dockerfile: a non-root runtime with ffmpeg and fonts, a health check and the daemon task's command", () => {
  const last = Math.max(...dockerfile.instructions.map((i) => i.stage));
  const runtime = dockerfile.instructions.filter((i) => i.stage === last);
  assertEquals(runtime, stage("runtime"));
  const users = runtime.filter((i) => i.keyword === "USER");
  assert(users.length > 0, "USER in the final stage");
  assert(!/^(root|0)(:|$)/.test(users.at(-1)!.args), "the final USER is not root");
  const apt = runtime.find((i) => i.keyword === "RUN" && i.args.includes("apt-get install"))!.args;
  for (const pkg of ["fonts-dejavu-core", "fonts-noto-cjk", "ca-certificates"]) {
    assertMatch(apt, new RegExp(`\\s${pkg}(\\s|$)`));
  }
  assertStringIncludes(apt, "--no-install-recommends");
  assertStringIncludes(apt, "rm -rf /var/lib/apt/lists/*");
  assert(!/\sffmpeg(\s|$)/.test(apt), "not Debian's ffmpeg package (some 200 libraries, ~330 MB)");
  assert(runtime.some((i) => i.keyword === "COPY" && i.args === "--from=ffmpeg /opt/ffmpeg /opt/ffmpeg"));
  assert(
    runtime.some((i) =>
      i.keyword === "RUN" && /ln -s \/opt\/ffmpeg\/bin\/ffmpeg \/opt\/ffmpeg\/bin\/ffprobe /.test(i.args)
    ),
  );
  const env = runtime.filter((i) => i.keyword === "ENV").map((i) => i.args).join(" ");
  assertMatch(env, /LINGOREEL_HOST=0\.0\.0\.0/);
  assertMatch(env, /LINGOREEL_DATA_DIR=\/var\/lib\/lingoreel/);
  const health = runtime.find((i) => i.keyword === "HEALTHCHECK")?.args ?? "";
  assertStringIncludes(health, "/healthz");
  const cmd: string[] = JSON.parse(runtime.find((i) => i.keyword === "CMD")!.args);
  assertEquals(cmd.slice(0, 2), ["deno", "run"]);
  assertEquals(cmd.at(-1), "daemon/main.ts");
  for (const flag of [...daemonTaskFlags(), "--frozen", "--cached-only"]) assert(cmd.includes(flag), flag);
  const total = dockerfile.comments.map((c) => /^#\s+([\d.]+) MB\s+total \(estimated\)/.exec(c)?.[1]).find(
    Boolean,
  );
  assert(total, "the image size estimate (deno task image-size) is written down");
  assert(Number(total) < 500, `the estimated image (${total} MB) is under 500 MB`);
});

Deno.test("Dockerfile: FFmpeg built by deploy/build-ffmpeg against -dev packages whose runtime halves the image installs", () => {
  const ffmpeg = stage("ffmpeg");
  const runs = ffmpeg.filter((i) => i.keyword === "RUN").map((i) => i.args).join(" && ");
  assertStringIncludes(runs, "Types: deb-src");
  assert(
    ffmpeg.some((i) =>
      i.keyword === "COPY" && i.args.endsWith("deploy/build-ffmpeg /usr/local/bin/build-ffmpeg")
    ),
  );
  assertMatch(runs, /build-ffmpeg \/opt\/ffmpeg$/);
  const script = read("deploy/build-ffmpeg");
  const runtimeApt =
    stage("runtime").find((i) => i.keyword === "RUN" && i.args.includes("apt-get install"))!.args;
  // each external library the build enables: its -dev package here, its runtime package there
  const libraries: Record<string, [string, string]> = {
    libx264: ["libx264-dev", "libx264-164"],
    libass: ["libass-dev", "libass9"],
    libmp3lame: ["libmp3lame-dev", "libmp3lame0"],
    libdav1d: ["libdav1d-dev", "libdav1d6"],
    libfreetype: ["libfreetype-dev", "libfreetype6"],
    libfontconfig: ["libfontconfig-dev", "libfontconfig1"],
    libfribidi: ["libfribidi-dev", "libfribidi0"],
  };
  const enabled = [...script.matchAll(/--enable-(lib[a-z0-9]+)/g)].map((m) => m[1]);
  assertEquals(enabled.sort(), Object.keys(libraries).sort());
  for (const [dev, runtimePackage] of Object.values(libraries)) {
    assertMatch(runs, new RegExp(`\\s${dev}(\\s|$)`));
    assertMatch(runtimeApt, new RegExp(`\\s${runtimePackage}(\\s|$)`));
  }
  assertStringIncludes(script, "--disable-autodetect");
});

Deno.test("Dockerfile: every COPY source exists and passes .dockerignore, which keeps secrets and bulk out", () => {
  for (const path of [".git", ".tools", "node_modules", "tests", ".env", "config/client_secret.json"]) {
    assert(dockerIgnored(dockerignore, path), `${path} is excluded`);
  }
  assert(!dockerIgnored(dockerignore, ".env.example"));
  for (
    const copy of dockerfile.instructions.filter((i) => i.keyword === "COPY" && !i.args.includes("--from"))
  ) {
    const words = copy.args.split(/\s+/).filter((w) => !w.startsWith("--"));
    for (const source of words.slice(0, -1)) {
      Deno.statSync(`${ROOT}/${source}`);
      assert(!dockerIgnored(dockerignore, source), `${source} is copied but .dockerignore drops it`);
    }
  }
  assert(
    dockerIgnored(["tests", "!tests/keep"], "tests/x") &&
      !dockerIgnored(["tests", "!tests/keep"], "tests/keep"),
  );
});

Deno.test("the TUI command's built-in paths are the image's", () => {
  const wrapper = read("deploy/lingoreel");
  const value = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(wrapper)?.[1];
  const text = read("Dockerfile");
  assertStringIncludes(text, `WORKDIR ${value("REPO")}`);
  assertStringIncludes(text, `COPY --from=deno ${value("DENO")} ${value("DENO")}`);
  assertStringIncludes(text, `LINGOREEL_DATA_DIR=${value("DATA_DIR")} `);
  assertStringIncludes(text, `DENO_DIR=${value("DENO_CACHE")} `);
  assertStringIncludes(text, "COPY --chmod=0755 deploy/lingoreel /usr/local/bin/lingoreel");
  assertStringIncludes(wrapper, "--cached-only");
});

// --- systemd ------------------------------------------------------------------------------------

const unitTemplate = read("deploy/lingoreel.service");

Deno.test("systemd unit: dedicated user, environment file, restart, journald, and the hardening", () => {
  const unit = parseUnit(unitTemplate);
  const service = unit.get("Service")!;
  const one = (key: string) => {
    const values = service.get(key);
    assertEquals(values?.length, 1, `${key}= once`);
    return values![0];
  };
  assertEquals(one("User"), "lingoreel");
  assertEquals(one("EnvironmentFile"), "/etc/lingoreel/env");
  assertEquals(one("Restart"), "on-failure");
  assertEquals(one("NoNewPrivileges"), "yes");
  assertEquals(one("ProtectSystem"), "strict");
  assertEquals(one("PrivateTmp"), "yes");
  assert(["yes", "read-only", "tmpfs"].includes(one("ProtectHome")));
  // both send the daemon's leftover ffmpeg children the final SIGKILL; process and none do not
  assert(["mixed", "control-group"].includes(one("KillMode")));
  assertEquals(one("StandardOutput"), "journal");
  assertEquals(one("StandardError"), "journal");
  assertEquals(one("StateDirectory"), "lingoreel");
  assertEquals(one("CapabilityBoundingSet"), "");
  const environment = one("Environment").split(/\s+/);
  assert(environment.includes("LINGOREEL_DATA_DIR=/var/lib/lingoreel"));
  assert(environment.includes("DENO_DIR=/var/cache/lingoreel/deno"));
  const writable = one("ReadWritePaths").split(/\s+/);
  assert(writable.includes("/var/lib/lingoreel") && writable.includes("/srv/lingoreel/output"));
  assert(one("ReadOnlyPaths").split(/\s+/).includes("-/srv/lingoreel/media"));
  assertEquals(unit.get("Unit")?.get("RequiresMountsFor"), ["/srv/lingoreel/output"]);
  assertEquals(unit.get("Install")?.get("WantedBy"), ["multi-user.target"]);
  const exec = one("ExecStart").split(/\s+/);
  assertEquals(exec[0], "/opt/lingoreel/.tools/node_modules/.bin/deno");
  assertEquals(exec.at(-1), "/opt/lingoreel/daemon/main.ts");
  for (const flag of [...daemonTaskFlags(), "--frozen", "--cached-only"]) assert(exec.includes(flag), flag);
  assertEquals(one("WorkingDirectory"), "/var/lib/lingoreel");
  assert(!service.has("MemoryDenyWriteExecute"), "V8 needs writable executable memory");
});

Deno.test("systemd env template: every variable is a documented setting, the examples are valid", () => {
  const template = read("deploy/lingoreel.env");
  const configSection = read("README.md").split("## Configuration")[1].split("\n## ")[0];
  const vars = documented(template);
  assert(vars.has("LINGOREEL_MEDIA_ROOTS") && !vars.get("LINGOREEL_MEDIA_ROOTS")!.commented);
  for (const name of vars.keys()) assertStringIncludes(configSection, `\`${name}\``);
  assert(!vars.has("LINGOREEL_DATA_DIR"), "the unit owns the data directory");
  assertEquals(vars.get("LINGOREEL_TOKEN")?.commented, true);
  const all = Object.fromEntries([...vars].filter(([, d]) => d.value).map(([k, d]) => [k, d.value]));
  const config = parseConfig({ ...all, LINGOREEL_DATA_DIR: "/var/lib/lingoreel" }, "/");
  assertEquals(config.mediaRoots, ["/srv/lingoreel/media"]);
  assertEquals(config.outputDir, "/srv/lingoreel/output");
  assertEquals(config.host, "127.0.0.1");
});

async function printUnit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-deploy-" });
  try {
    // an environment file that does not exist: the unit gets the template's or the given paths
    return await run("bash", [
      "scripts/install-systemd",
      "--print-unit",
      "--env-file",
      `${dir}/env`,
      ...args,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("install-systemd --print-unit puts this clone, its Deno and the given paths into the unit", async () => {
  const { code, stdout, stderr } = await printUnit([
    "--media",
    "/srv/tv, /srv/films",
    "--output",
    "/home/me/out",
  ]);
  assertEquals(code, 0, stderr);
  const service = parseUnit(stdout).get("Service")!;
  const exec = service.get("ExecStart")![0].split(/\s+/);
  Deno.statSync(exec[0]); // this clone's Deno
  assertEquals(exec.at(-1), `${ROOT}/daemon/main.ts`);
  assert(exec.includes(`--config=${ROOT}/deno.json`));
  assertEquals(service.get("ReadOnlyPaths"), ["-/srv/tv -/srv/films"]);
  assertEquals(service.get("ReadWritePaths"), ["/var/lib/lingoreel /var/cache/lingoreel /home/me/out"]);
  assertEquals(service.get("ProtectHome"), ["read-only"], "the output is under /home");
  assert(!stdout.includes("/opt/lingoreel") && !stdout.includes("/srv/lingoreel"));

  const bad = await printUnit(["--output", "relative/out"]);
  assertNotEquals(bad.code, 0);
  assertStringIncludes(bad.stderr, "must be an absolute path");
  const spaced = await printUnit(["--media", "/srv/my films"]);
  assertNotEquals(spaced.code, 0);
});

const analyze = hasCommand("systemd-analyze");
Deno.test({
  name: analyze
    ? "systemd-analyze verify accepts the installed unit, and its exposure stays low"
    : "systemd-analyze verify (skipped: systemd-analyze is not installed)",
  ignore: !analyze,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lingoreel-unit-" });
    const unit = (await printUnit([])).stdout;
    const verify = async (text: string) => {
      await Deno.writeTextFile(`${dir}/lingoreel.service`, text);
      const out = await run("systemd-analyze", ["verify", `${dir}/lingoreel.service`]);
      const about = (out.stdout + out.stderr).split("\n").filter((l) => l.includes("lingoreel.service"));
      return { code: out.code, about };
    };
    const good = await verify(unit);
    assertEquals(good, { code: 0, about: [] });
    // the check can fail: a bad value is reported
    const broken = await verify(unit.replace("NoNewPrivileges=yes", "NoNewPrivileges=maybe"));
    assert(broken.code !== 0 || broken.about.length > 0, "systemd-analyze noticed nothing wrong");

    const security = await run("systemd-analyze", ["security", "--offline=yes", `${dir}/lingoreel.service`]);
    await Deno.remove(dir, { recursive: true });
    // --offline needs systemd 250 or later; older ones are not asked
    const level = /Overall exposure level for lingoreel\.service: ([\d.]+)/.exec(security.stdout)?.[1];
    if (security.code === 0 && level) assert(Number(level) <= 4, `exposure ${level}`);
  },
});

Deno.test("install-systemd --dry-run prints its plan and changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lingoreel-deploy-" });
  const envFile = `${dir}/conf/env`;
  const { code, stdout, stderr } = await run("bash", [
    "scripts/install-systemd",
    "--dry-run",
    "--env-file",
    envFile,
    "--media",
    "/srv/tv",
    "--output",
    "/srv/out",
  ]);
  assertEquals(code, 0, stderr);
  const lines = stdout.trim().split("\n");
  assertMatch(lines[0], /^Installing lingoreel from .* as a systemd service would:$/);
  for (const line of lines.slice(1)) assertMatch(line, /^(would |ok: )/);
  for (
    const step of [
      /(useradd --system .*lingoreel|user lingoreel exists)/,
      /\/var\/lib\/lingoreel/,
      /\/srv\/out/,
      new RegExp(`${envFile.replaceAll(".", "\\.")} \\(mode 0600`),
      /\/etc\/systemd\/system\/lingoreel\.service/,
      /\/usr\/local\/bin\/lingoreel/,
      /(systemctl enable lingoreel\.service|leave the service stopped)/,
    ]
  ) {
    assertMatch(stdout, step);
  }
  // nothing written: not even the environment file it describes
  assertEquals([...Deno.readDirSync(dir)], [], `the dry run wrote into ${dir}`);
  await Deno.remove(dir);
});

Deno.test("the deployment scripts are valid bash", async () => {
  for (const script of ["scripts/install-systemd", "deploy/lingoreel"]) {
    const { code, stderr } = await run("bash", ["-n", script]);
    assertEquals(code, 0, `${script}: ${stderr}`);
    assert((Deno.statSync(`${ROOT}/${script}`).mode! & 0o111) !== 0, `${script} is executable`);
    assertStringIncludes(read(script), "set -euo pipefail");
  }
});

Deno.test("README: the Deployment section shows compose, systemd, SSH and scale-out", () => {
  const section = read("README.md").split("## Deployment")[1].split("\n## ")[0];
  for (
    const text of [
      "cp .env.example .env",
      "docker compose up -d",
      "docker compose exec daemon lingoreel",
      "--profile workers",
      "sudo scripts/install-systemd",
      "journalctl -u lingoreel",
      "ssh -t nas lingoreel",
      "ssh -L",
      "LINGOREEL_ROLE=worker",
    ]
  ) {
    assertStringIncludes(section, text);
  }
  assertMatch(section, /~\s*\d+ MB/);
});
