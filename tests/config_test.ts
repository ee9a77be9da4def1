import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { ConfigError, loadConfig, parseConfig, parseDotEnv, secretValues } from "../daemon/config.ts";

Deno.test("parseConfig fills every default from HOME alone", () => {
  const config = parseConfig({ HOME: "/home/ana" }, "/work");
  assertEquals(config.dataDir, "/home/ana/.local/share/lingoreel");
  assertEquals(config.mediaRoots, ["/home/ana/.local/share/lingoreel/media"]);
  assertEquals(config.outputDir, "/home/ana/.local/share/lingoreel/output");
  assertEquals(config.host, "127.0.0.1");
  assertEquals(config.port, 7470);
  assertEquals(config.role, "all");
  assertEquals(config.gemini.model, "gemini-2.5-flash");
  assertEquals(config.databaseUrl, undefined);
  assertEquals(Object.isFrozen(config), true);
});

Deno.test("parseConfig prefers XDG_DATA_HOME, then LINGOREEL_DATA_DIR, resolving relative paths", () => {
  assertEquals(parseConfig({ HOME: "/h", XDG_DATA_HOME: "/xdg" }, "/w").dataDir, "/xdg/lingoreel");
  const config = parseConfig({
    HOME: "/h",
    XDG_DATA_HOME: "/xdg",
    LINGOREEL_DATA_DIR: "state",
    LINGOREEL_MEDIA_ROOTS: "/tv, films ,",
  }, "/w");
  assertEquals(config.dataDir, "/w/state");
  assertEquals(config.mediaRoots, ["/tv", "/w/films"]);
});

Deno.test("a bad port stops start-up with a message naming the variable and the accepted form", () => {
  const error = assertThrows(() => parseConfig({ HOME: "/h", LINGOREEL_PORT: "80a" }), ConfigError);
  assertStringIncludes(error.message, `LINGOREEL_PORT="80a"`);
  assertStringIncludes(error.message, "expected a port number from 0 to 65535");
  assertThrows(() => parseConfig({ HOME: "/h", LINGOREEL_PORT: "70000" }), ConfigError, "LINGOREEL_PORT");
  assertThrows(
    () => parseConfig({ HOME: "/h", LINGOREEL_DB_POOL: "1" }),
    ConfigError,
    "expected 2 to 200 connections",
  );
  assertThrows(
    () => parseConfig({ HOME: "/h", LINGOREEL_QUEUE_LOCK_MS: "soon" }),
    ConfigError,
    "LINGOREEL_QUEUE_LOCK_MS",
  );
  assertThrows(
    () => parseConfig({ HOME: "/h", LINGOREEL_REDIS_PREFIX: "a b" }),
    ConfigError,
    "LINGOREEL_REDIS_PREFIX",
  );
  assertEquals(parseConfig({ HOME: "/h", LINGOREEL_DB_POOL: "40" }).dbPool, 40);
  assertEquals(parseConfig({ HOME: "/h", TZ: ":/etc/localtime" }).timeZone, undefined);
  assertEquals(parseConfig({ HOME: "/h", TZ: "Europe/Madrid" }).timeZone, "Europe/Madrid");
});

Deno.test("every bad variable is listed at once, and secrets are not echoed", () => {
  const error = assertThrows(
    () =>
      parseConfig({
        HOME: "/h",
        LINGOREEL_ROLE: "boss",
        DATABASE_URL: "mysql://user:hunter2@db/x",
        LINGOREEL_TOKEN: "short",
        GEMINI_BASE_URL: "not a url",
      }),
    ConfigError,
  );
  for (const name of ["LINGOREEL_ROLE", "DATABASE_URL", "LINGOREEL_TOKEN", "GEMINI_BASE_URL"]) {
    assertStringIncludes(error.message, name);
  }
  assertStringIncludes(error.message, "expected one of all, api, worker");
  assertStringIncludes(error.message, "postgres://");
  assertEquals(error.message.includes("hunter2"), false);
  assertEquals(error.message.includes("short"), false);
});

Deno.test("empty variables count as unset", () => {
  assertEquals(parseConfig({ HOME: "/h", LINGOREEL_PORT: "", DATABASE_URL: "" }).port, 7470);
});

Deno.test("parseDotEnv reads comments, export, quotes and escaped newlines", () => {
  assertEquals(
    parseDotEnv(
      `# comment\nexport A=1\nB = "two words"\nC='single # kept'\nD=bare # trailing comment\nE="x\\ny"\r\n\n`,
    ),
    { A: "1", B: "two words", C: "single # kept", D: "bare", E: "x\ny" },
  );
  assertThrows(() => parseDotEnv("A=1\nnot a line"), ConfigError, ".env line 2");
});

Deno.test("loadConfig reads .env from the working directory, and the environment wins", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/.env`, "LINGOREEL_HOST=0.0.0.0\nGEMINI_MODEL=from-dotenv\nHOME=/nope\n");
    const config = await loadConfig(dir);
    assertEquals(config.host, "0.0.0.0");
    assertEquals(config.gemini.model, Deno.env.get("GEMINI_MODEL") ?? "from-dotenv");
    assertEquals(config.dataDir.startsWith("/nope"), false, "HOME from the environment wins");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LINGOREEL_READONLY_TOKEN is read, must be long and differ from LINGOREEL_TOKEN, and is never echoed", () => {
  assertEquals(parseConfig({ HOME: "/h" }).readOnlyToken, undefined);
  assertEquals(
    parseConfig({ HOME: "/h", LINGOREEL_READONLY_TOKEN: " dashboard-token-0123456789 " }).readOnlyToken,
    "dashboard-token-0123456789",
  );
  const short = assertThrows(
    () => parseConfig({ HOME: "/h", LINGOREEL_READONLY_TOKEN: "peek" }),
    ConfigError,
  );
  assertStringIncludes(
    short.message,
    "LINGOREEL_READONLY_TOKEN=(value hidden): expected at least 16 characters",
  );
  assertEquals(short.message.includes("peek"), false);
  const same = assertThrows(
    () =>
      parseConfig({
        HOME: "/h",
        LINGOREEL_TOKEN: "one-token-for-everything",
        LINGOREEL_READONLY_TOKEN: "one-token-for-everything",
      }),
    ConfigError,
  );
  assertStringIncludes(
    same.message,
    "LINGOREEL_READONLY_TOKEN=(value hidden): is the same as LINGOREEL_TOKEN",
  );
  assertEquals(same.message.includes("one-token-for-everything"), false);
});

Deno.test("secretValues lists the tokens and the Gemini key, not the (often guessable-word) URL passwords", () => {
  const config = parseConfig({
    HOME: "/h",
    LINGOREEL_TOKEN: "full-token-0123456789",
    LINGOREEL_READONLY_TOKEN: "read-token-0123456789",
    GEMINI_API_KEY: "AIzaSy-secret-key",
    DATABASE_URL: "postgres://lingoreel:lingoreel@db:5432/lingoreel",
  });
  assertEquals(secretValues(config), ["full-token-0123456789", "read-token-0123456789", "AIzaSy-secret-key"]);
  assertEquals(secretValues(parseConfig({ HOME: "/h" })), []);
});
