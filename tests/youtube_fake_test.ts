/**
 * Tests of the YouTube / Google OAuth fake itself, driven with plain fetch: what the daemon's
 * uploader will see from it must look like Google.
 */
import { assert, assertEquals, assertMatch, assertRejects, assertStringIncludes } from "@std/assert";
import { startYouTubeServer, type YouTubeServer } from "./fakes/youtube_server.ts";

const REDIRECT = "http://127.0.0.1:53682/oauth2callback";
const UPLOAD_SCOPES =
  "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube";

function form(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = "v".repeat(20) + crypto.randomUUID().replaceAll("-", "");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const challenge = btoa(String.fromCharCode(...new Uint8Array(digest)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return { verifier, challenge };
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** videos.insert with uploadType=resumable; returns the raw response (body not read). */
function startUpload(
  yt: YouTubeServer,
  token: string,
  size: number,
  metadata: Record<string, unknown> = {
    snippet: {
      title: "Break a leg! | Learn English with Friends",
      description: "An expression a day.",
      tags: ["english", "learn english", "idioms"],
      categoryId: "27",
      defaultLanguage: "en",
      defaultAudioLanguage: "en",
    },
    status: { privacyStatus: "private", selfDeclaredMadeForKids: false },
  },
): Promise<Response> {
  return fetch(`${yt.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
    method: "POST",
    headers: {
      ...bearer(token),
      "content-type": "application/json; charset=UTF-8",
      "x-upload-content-length": String(size),
      "x-upload-content-type": "video/mp4",
    },
    body: JSON.stringify(metadata),
  });
}

async function sessionUri(yt: YouTubeServer, token: string, size: number): Promise<string> {
  const res = await startUpload(yt, token, size);
  assertEquals(res.status, 200, await res.clone().text());
  await res.body?.cancel();
  const location = res.headers.get("location");
  if (!location) throw new Error("the session URI comes in Location");
  return location;
}

/** One chunk PUT. A client without a connection pool is used where a drop must reach fetch
 * (Deno replays a byte body cut off on a reused keep-alive connection). */
function putChunk(
  uri: string,
  file: Uint8Array,
  start: number,
  end: number,
  client?: Deno.HttpClient,
): Promise<Response> {
  return fetch(uri, {
    method: "PUT",
    headers: { "content-range": `bytes ${start}-${end}/${file.length}`, "content-type": "video/mp4" },
    body: file.slice(start, end + 1),
    client,
  });
}

function statusQuery(uri: string, total: number): Promise<Response> {
  return fetch(uri, { method: "PUT", headers: { "content-range": `bytes */${total}` } });
}

function file(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return bytes;
}

/** A 1x1 PNG. */
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

/** A video stored through a complete upload; returns its id. */
async function uploadVideo(yt: YouTubeServer, token: string, bytes = file(1000)): Promise<string> {
  const uri = await sessionUri(yt, token, bytes.length);
  const res = await putChunk(uri, bytes, 0, bytes.length - 1);
  assertEquals(res.status, 201);
  return (await res.json()).id;
}

// ---------------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------------

Deno.test("the code grant trades a PKCE code for access and refresh tokens, once", async () => {
  await using yt = await startYouTubeServer();
  const { verifier, challenge } = await pkcePair();
  const code = yt.issueCode({ redirectUri: REDIRECT, codeChallenge: challenge });
  const exchange = {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    client_id: yt.clientId,
    client_secret: yt.clientSecret,
    code_verifier: verifier,
  };
  const res = await fetch(`${yt.url}/token`, form(exchange));
  assertEquals(res.status, 200);
  assertStringIncludes(res.headers.get("content-type") ?? "", "application/json");
  const body = await res.json();
  assertEquals(Object.keys(body).sort(), [
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
  ]);
  assertEquals(body.token_type, "Bearer");
  assertEquals(body.expires_in, 3599);
  assertEquals(body.scope, UPLOAD_SCOPES);
  assertMatch(body.access_token, /^ya29\./);
  assertMatch(body.refresh_token, /^1\/\//);

  // the access token works
  const channels = await fetch(`${yt.url}/youtube/v3/channels?part=snippet&mine=true`, {
    headers: bearer(body.access_token),
  });
  assertEquals(channels.status, 200);
  await channels.body?.cancel();

  // a code is single-use
  const again = await fetch(`${yt.url}/token`, form(exchange));
  assertEquals(again.status, 400);
  assertEquals(await again.json(), { error: "invalid_grant", error_description: "Bad Request" });

  // the recorded token requests keep the grant, mask the secret
  assertEquals(yt.tokenRequests.map((t) => [t.grantType, t.status, t.error]), [
    ["authorization_code", 200, undefined],
    ["authorization_code", 400, "invalid_grant"],
  ]);
  assertEquals(yt.tokenRequests[0].fields.client_secret, "[masked]");
  assertEquals(yt.tokenRequests[0].fields.code_verifier, verifier);
  assertEquals(yt.tokenRequests[0].clientAuth, "body");
});

Deno.test("the code grant refuses a wrong verifier, a wrong redirect URI and a wrong client", async () => {
  await using yt = await startYouTubeServer();
  const { challenge } = await pkcePair();
  const base = { grant_type: "authorization_code", redirect_uri: REDIRECT, client_id: yt.clientId };
  const cases: [Record<string, string>, number, Record<string, string>][] = [
    [
      {
        ...base,
        code: yt.issueCode({ codeChallenge: challenge }),
        client_secret: yt.clientSecret,
        code_verifier: "x".repeat(43),
      },
      400,
      { error: "invalid_grant", error_description: "Invalid code verifier." },
    ],
    [
      { ...base, code: yt.issueCode({ codeChallenge: challenge }), client_secret: yt.clientSecret },
      400,
      { error: "invalid_grant", error_description: "Missing code verifier." },
    ],
    [
      {
        ...base,
        code: yt.issueCode({ redirectUri: "http://127.0.0.1:1/cb" }),
        client_secret: yt.clientSecret,
      },
      400,
      { error: "redirect_uri_mismatch", error_description: "Bad Request" },
    ],
    [
      { ...base, code: yt.issueCode(), client_secret: "wrong" },
      401,
      { error: "invalid_client", error_description: "Unauthorized" },
    ],
    [
      { ...base, client_id: "nobody.apps.googleusercontent.com", code: yt.issueCode(), client_secret: "x" },
      401,
      { error: "invalid_client", error_description: "The OAuth client was not found." },
    ],
    [
      { ...base, grant_type: "password", code: yt.issueCode(), client_secret: yt.clientSecret },
      400,
      { error: "unsupported_grant_type", error_description: "Invalid grant_type: password" },
    ],
  ];
  for (const [fields, status, error] of cases) {
    const res = await fetch(`${yt.url}/token`, form(fields));
    assertEquals([res.status, await res.json()], [status, error]);
  }
});

Deno.test("the refresh grant mints access tokens until the refresh token is revoked", async () => {
  await using yt = await startYouTubeServer();
  const refreshToken = yt.issueRefreshToken();
  const refresh = () =>
    fetch(
      `${yt.url}/token`,
      form({
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        client_id: yt.clientId,
        client_secret: yt.clientSecret,
      }),
    );
  const res = await refresh();
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(Object.keys(body).sort(), ["access_token", "expires_in", "scope", "token_type"]);
  assertEquals(body.token_type, "Bearer");
  assertEquals(yt.accessTokens.get(body.access_token)?.refreshToken, refreshToken);

  yt.revokeRefreshToken(refreshToken);
  const revoked = await refresh();
  assertEquals(revoked.status, 400);
  assertEquals(await revoked.json(), {
    error: "invalid_grant",
    error_description: "Token has been expired or revoked.",
  });
  // the access tokens minted from it die with it
  const api = await fetch(`${yt.url}/youtube/v3/channels?part=id&mine=true`, {
    headers: bearer(body.access_token),
  });
  assertEquals(api.status, 401);
  await api.body?.cancel();
});

Deno.test("a scripted invalid_grant answers one refresh only", async () => {
  await using yt = await startYouTubeServer();
  const fields = {
    grant_type: "refresh_token",
    refresh_token: yt.issueRefreshToken(),
    client_id: yt.clientId,
    client_secret: yt.clientSecret,
  };
  yt.script({ on: "token", kind: "invalid_grant" });
  const first = await fetch(`${yt.url}/token`, form(fields));
  assertEquals([first.status, (await first.json()).error], [400, "invalid_grant"]);
  const second = await fetch(`${yt.url}/token`, form(fields));
  assertEquals(second.status, 200);
  await second.body?.cancel();
});

Deno.test("access tokens expire after their lifetime; a refresh brings a working one", async () => {
  let t = Date.parse("2026-03-02T10:00:00Z");
  await using yt = await startYouTubeServer({ now: () => t, accessTokenLifetimeSec: 3599 });
  const refreshToken = yt.issueRefreshToken();
  const res = await fetch(
    `${yt.url}/token`,
    form({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: yt.clientId,
      client_secret: yt.clientSecret,
    }),
  );
  const { access_token: token } = await res.json();
  const channels = () => fetch(`${yt.url}/youtube/v3/channels?part=id&mine=true`, { headers: bearer(token) });

  const fresh = await channels();
  assertEquals(fresh.status, 200);
  await fresh.body?.cancel();

  t += 3599 * 1000;
  const expired = await channels();
  assertEquals(expired.status, 401);
  assertStringIncludes(expired.headers.get("www-authenticate") ?? "", 'error="invalid_token"');
  const body = await expired.json();
  assertEquals(body.error.code, 401);
  assertEquals(body.error.status, "UNAUTHENTICATED");
  assertStringIncludes(body.error.message, "Request had invalid authentication credentials.");
  assertEquals(body.error.errors, [{
    message: "Invalid Credentials",
    domain: "global",
    reason: "authError",
    location: "Authorization",
    locationType: "header",
  }]);
});

// ---------------------------------------------------------------------------------------------
// Resumable uploads
// ---------------------------------------------------------------------------------------------

Deno.test("a resumable upload in three chunks: 308 with Range, then the video resource", async () => {
  await using yt = await startYouTubeServer();
  const token = yt.issueAccessToken();
  const bytes = file(700_000);

  const init = await startUpload(yt, token, bytes.length);
  assertEquals(init.status, 200);
  assertEquals(await init.text(), "");
  const uri = init.headers.get("location")!;
  assertMatch(
    uri,
    /^http:\/\/127\.0\.0\.1:\d+\/upload\/youtube\/v3\/videos\?uploadType=resumable&part=snippet%2Cstatus&upload_id=/,
  );

  // nothing stored yet: 308 without Range
  const before = await statusQuery(uri, bytes.length);
  assertEquals(before.status, 308);
  assertEquals(before.headers.get("range"), null);
  await before.body?.cancel();

  const first = await putChunk(uri, bytes, 0, 262_143);
  assertEquals([first.status, first.headers.get("range")], [308, "bytes=0-262143"]);
  await first.body?.cancel();
  const second = await putChunk(uri, bytes, 262_144, 524_287);
  assertEquals([second.status, second.headers.get("range")], [308, "bytes=0-524287"]);
  await second.body?.cancel();
  const last = await putChunk(uri, bytes, 524_288, bytes.length - 1);
  assertEquals(last.status, 201);
  const video = await last.json();
  assertEquals(video.kind, "youtube#video");
  assertMatch(video.id, /^[A-Za-z0-9_-]{11}$/);
  assertEquals(video.snippet.title, "Break a leg! | Learn English with Friends");
  assertEquals(video.snippet.tags, ["english", "learn english", "idioms"]);
  assertEquals(video.snippet.categoryId, "27");
  assertEquals(video.snippet.defaultAudioLanguage, "en");
  assertEquals(video.snippet.channelId, yt.channel.id);
  assertEquals(video.status.uploadStatus, "uploaded");
  assertEquals(video.status.privacyStatus, "private");
  assertEquals(video.status.selfDeclaredMadeForKids, false);
  assertEquals(video.contentDetails, undefined, "only the requested parts come back");

  const stored = yt.videos.get(video.id)!;
  assertEquals(stored.size, bytes.length);
  assertEquals(stored.sha256, await sha256Hex(bytes));
  const session = [...yt.sessions.values()][0];
  assertEquals(session.received, bytes.length);
  assertEquals(session.resentBytes, 0);
  assertEquals(session.bytesTransferred, bytes.length);
  assertEquals(session.chunks.map((c) => c.outcome), ["incomplete", "incomplete", "complete"]);

  // a status query after completion answers the resource again
  const after = await statusQuery(uri, bytes.length);
  assertEquals(after.status, 201);
  assertEquals((await after.json()).id, video.id);

  // recorded without the token, with body sizes
  const puts = yt.requests.filter((r) => r.kind === "chunk");
  assertEquals(puts.map((r) => r.bodySize), [262_144, 262_144, bytes.length - 524_288]);
  const insert = yt.requests.find((r) => r.kind === "insert")!;
  assertEquals(insert.auth, "bearer");
  assertEquals(insert.headers.authorization, undefined);
  assertEquals(insert.headers["x-upload-content-length"], String(bytes.length));
  assert(!JSON.stringify(yt.requests).includes(token), "no token value is recorded");
  assertEquals(yt.quota.inserts, 1);
});

Deno.test("after a drop mid-chunk, a status query gives the confirmed offset and the upload completes without re-sending", async () => {
  await using yt = await startYouTubeServer();
  const token = yt.issueAccessToken();
  const bytes = file(300_000);
  const uri = await sessionUri(yt, token, bytes.length);

  const first = await putChunk(uri, bytes, 0, 99_999);
  assertEquals(first.status, 308);
  await first.body?.cancel();

  // the second chunk: the connection dies after 30,000 of its 100,000 bytes reached the server
  yt.script({ on: "chunk", kind: "drop", afterBytes: 30_000 });
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    await assertRejects(() => putChunk(uri, bytes, 100_000, 199_999, client), TypeError);
  } finally {
    client.close();
  }

  const query = await statusQuery(uri, bytes.length);
  assertEquals(query.status, 308);
  assertEquals(query.headers.get("range"), "bytes=0-129999");
  await query.body?.cancel();

  const rest = await putChunk(uri, bytes, 130_000, bytes.length - 1);
  assertEquals(rest.status, 201);
  const { id } = await rest.json();
  assertEquals(yt.videos.get(id)!.sha256, await sha256Hex(bytes));
  const session = yt.sessions.get(new URL(uri).searchParams.get("upload_id")!)!;
  assertEquals(session.resentBytes, 0, "no byte was sent twice");
  assertEquals(session.bytesTransferred, bytes.length);
  assertEquals(session.statusQueries, 1);
  assertEquals(session.chunks.map((c) => [c.outcome, c.stored]), [
    ["incomplete", 100_000],
    ["dropped", 30_000],
    ["complete", 170_000],
  ]);
  assertEquals(yt.requests.filter((r) => r.kind === "chunk").map((r) => r.status), [308, "dropped", 201]);
});

Deno.test("re-sending stored bytes is accepted but counted; a chunk past the stored offset is refused", async () => {
  await using yt = await startYouTubeServer();
  const bytes = file(3000);
  const uri = await sessionUri(yt, yt.issueAccessToken(), bytes.length);
  const first = await putChunk(uri, bytes, 0, 999);
  await first.body?.cancel();

  const gap = await putChunk(uri, bytes, 2000, 2999);
  assertEquals(gap.status, 400);
  const error = await gap.json();
  assertEquals(error.error.code, 400);
  assertStringIncludes(error.error.message, "exceeds already uploaded size of 1000 byte(s)");

  const overlap = await putChunk(uri, bytes, 500, 1999);
  assertEquals([overlap.status, overlap.headers.get("range")], [308, "bytes=0-1999"]);
  await overlap.body?.cancel();
  const session = [...yt.sessions.values()][0];
  assertEquals(session.resentBytes, 500);
  assertEquals(session.received, 2000);
});

Deno.test("a 503 on the next chunk keeps what it persisted; the status query tells", async () => {
  await using yt = await startYouTubeServer();
  const bytes = file(2000);
  const uri = await sessionUri(yt, yt.issueAccessToken(), bytes.length);
  yt.script({ on: "chunk", kind: "server_error", status: 503, persistBytes: 400 });
  const failed = await putChunk(uri, bytes, 0, 999);
  assertEquals(failed.status, 503);
  const body = await failed.json();
  assertEquals(body.error.code, 503);
  assertEquals(body.error.errors[0].reason, "backendError");

  const query = await statusQuery(uri, bytes.length);
  assertEquals([query.status, query.headers.get("range")], [308, "bytes=0-399"]);
  await query.body?.cancel();
  const rest = await putChunk(uri, bytes, 400, 1999);
  assertEquals(rest.status, 201);
  await rest.body?.cancel();
  assertEquals([...yt.sessions.values()][0].resentBytes, 0);
});

Deno.test("with Google's 256 KiB granularity only whole blocks are confirmed", async () => {
  await using yt = await startYouTubeServer({ chunkGranularity: 262_144 });
  const bytes = file(600_000);
  const uri = await sessionUri(yt, yt.issueAccessToken(), bytes.length);
  const res = await putChunk(uri, bytes, 0, 299_999);
  assertEquals([res.status, res.headers.get("range")], [308, "bytes=0-262143"]);
  await res.body?.cancel();
  const rest = await putChunk(uri, bytes, 262_144, bytes.length - 1);
  assertEquals(rest.status, 201);
  await rest.body?.cancel();
});

Deno.test("an expired session URI answers 404", async () => {
  await using yt = await startYouTubeServer();
  const uri = await sessionUri(yt, yt.issueAccessToken(), 10);
  yt.expireSession(new URL(uri).searchParams.get("upload_id")!);
  const res = await statusQuery(uri, 10);
  assertEquals(res.status, 404);
  await res.body?.cancel();
});

// ---------------------------------------------------------------------------------------------
// Errors, validation and quota
// ---------------------------------------------------------------------------------------------

Deno.test("quotaExceeded and uploadLimitExceeded have Google's bodies", async () => {
  await using yt = await startYouTubeServer();
  const token = yt.issueAccessToken();
  yt.script({ on: "insert", kind: "quota_exceeded" }, { on: "insert", kind: "upload_limit_exceeded" });

  const quota = await startUpload(yt, token, 100);
  assertEquals(quota.status, 403);
  assertEquals(await quota.json(), {
    error: {
      code: 403,
      message:
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      errors: [{
        message:
          'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
        domain: "youtube.quota",
        reason: "quotaExceeded",
      }],
    },
  });

  const limit = await startUpload(yt, token, 100);
  assertEquals(limit.status, 400);
  assertEquals(await limit.json(), {
    error: {
      code: 400,
      message: "The user has exceeded the number of videos they may upload.",
      errors: [{
        message: "The user has exceeded the number of videos they may upload.",
        domain: "youtube.video",
        reason: "uploadLimitExceeded",
      }],
    },
  });
  assertEquals(yt.sessions.size, 0);
  assertEquals(yt.quota.inserts, 0, "refused calls were not charged");

  const ok = await startUpload(yt, token, 100);
  assertEquals(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("the daily limits answer quotaExceeded once spent and reset at Pacific midnight", async () => {
  let t = Date.parse("2026-03-02T20:00:00Z"); // 12:00 in Los Angeles
  await using yt = await startYouTubeServer({ now: () => t, quota: { dailyUnits: 120, dailyInserts: 2 } });
  const token = yt.issueAccessToken({ lifetimeSec: 86_400 * 3 });
  const id = await uploadVideo(yt, token);
  const thumb = () =>
    fetch(`${yt.url}/upload/youtube/v3/thumbnails/set?videoId=${id}`, {
      method: "POST",
      headers: { ...bearer(token), "content-type": "image/png" },
      body: PNG,
    });
  for (const expected of [200, 200, 403]) {
    const res = await thumb();
    assertEquals(res.status, expected);
    if (expected === 403) assertEquals((await res.json()).error.errors[0].reason, "quotaExceeded");
    else await res.body?.cancel();
  }
  assertEquals([yt.quota.units, yt.quota.inserts], [100, 1]);
  const second = await startUpload(yt, token, 10);
  assertEquals(second.status, 200);
  await second.body?.cancel();
  const third = await startUpload(yt, token, 10);
  assertEquals(third.status, 403);
  await third.body?.cancel();

  t = Date.parse("2026-03-03T08:00:00Z"); // midnight in Los Angeles (PST)
  const nextDay = await thumb();
  assertEquals(nextDay.status, 200);
  await nextDay.body?.cancel();
  assertEquals([yt.quota.day, yt.quota.units, yt.quota.inserts], ["2026-03-03", 50, 0]);
});

Deno.test("a channel upload limit answers uploadLimitExceeded", async () => {
  await using yt = await startYouTubeServer({ quota: { dailyUploads: 1 } });
  const token = yt.issueAccessToken();
  const first = await startUpload(yt, token, 10);
  assertEquals(first.status, 200);
  await first.body?.cancel();
  const second = await startUpload(yt, token, 10);
  assertEquals(second.status, 400);
  assertEquals((await second.json()).error.errors[0].reason, "uploadLimitExceeded");
});

Deno.test("videos.insert validates title, tags and publishAt as YouTube does", async () => {
  let t = Date.parse("2026-03-02T10:00:00Z");
  await using yt = await startYouTubeServer({ now: () => t });
  const token = yt.issueAccessToken({ lifetimeSec: 7 * 86_400 });
  const reasonFor = async (snippet: Record<string, unknown>, status: Record<string, unknown>) => {
    const res = await startUpload(yt, token, 10, { snippet: { title: "Fine", ...snippet }, status });
    if (res.status === 200) {
      await res.body?.cancel();
      return "ok";
    }
    const body = await res.json();
    assertEquals(res.status, 400);
    assertEquals(body.error.errors[0].domain, "youtube.video");
    return body.error.errors[0].reason as string;
  };
  const private_ = { privacyStatus: "private" };
  assertEquals(await reasonFor({ title: "x".repeat(100) }, private_), "ok");
  assertEquals(await reasonFor({ title: "x".repeat(101) }, private_), "invalidTitle");
  assertEquals(await reasonFor({ title: "" }, private_), "invalidTitle");
  assertEquals(await reasonFor({ title: "a <b>" }, private_), "invalidTitle");
  // 5 tags of 99 characters and 4 commas: 499
  assertEquals(await reasonFor({ tags: Array(5).fill("t".repeat(99)) }, private_), "ok");
  // a space makes the tag count with its quotes: 501
  assertEquals(
    await reasonFor({ tags: [...Array(4).fill("t".repeat(99)), "a b".padEnd(99, "c")] }, private_),
    "invalidTags",
  );
  const future = new Date(t + 86_400_000).toISOString();
  assertEquals(await reasonFor({}, { privacyStatus: "private", publishAt: future }), "ok");
  assertEquals(await reasonFor({}, { privacyStatus: "public", publishAt: future }), "invalidPublishAt");
  assertEquals(
    await reasonFor({}, { privacyStatus: "private", publishAt: new Date(t - 1000).toISOString() }),
    "invalidPublishAt",
  );
  t += 2 * 86_400_000;
  assertEquals(await reasonFor({}, { privacyStatus: "private", publishAt: future }), "invalidPublishAt");
});

Deno.test("401 on a bad or missing token, and a scripted 401 on the next call only", async () => {
  await using yt = await startYouTubeServer();
  const bad = await fetch(`${yt.url}/youtube/v3/channels?part=snippet&mine=true`, {
    headers: bearer("ya29.nope"),
  });
  assertEquals(bad.status, 401);
  const body = await bad.json();
  assertEquals(body.error.status, "UNAUTHENTICATED");
  assertEquals(body.error.errors[0].reason, "authError");

  const missing = await startUpload(yt, "", 10).then(async (
    r,
  ) => [r.status, (await r.json()).error.errors[0].reason]);
  assertEquals(missing, [401, "authError"], "an empty bearer is an invalid one");
  const none = await fetch(`${yt.url}/youtube/v3/channels?part=snippet&mine=true`);
  assertEquals([none.status, (await none.json()).error.errors[0].reason], [401, "required"]);

  const token = yt.issueAccessToken();
  yt.script({ on: "api", kind: "unauthorized" });
  const first = await fetch(`${yt.url}/youtube/v3/channels?part=snippet&mine=true`, {
    headers: bearer(token),
  });
  assertEquals(first.status, 401);
  await first.body?.cancel();
  const second = await fetch(`${yt.url}/youtube/v3/channels?part=snippet&mine=true`, {
    headers: bearer(token),
  });
  assertEquals(second.status, 200);
  await second.body?.cancel();
});

// ---------------------------------------------------------------------------------------------
// Other methods
// ---------------------------------------------------------------------------------------------

Deno.test("thumbnails.set stores the image and answers a thumbnailSetResponse", async () => {
  await using yt = await startYouTubeServer();
  const token = yt.issueAccessToken();
  const id = await uploadVideo(yt, token);
  const res = await fetch(`${yt.url}/upload/youtube/v3/thumbnails/set?videoId=${id}&uploadType=media`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "image/png" },
    body: PNG,
  });
  assertEquals(res.status, 200);
  const body = await res.json();
  assertEquals(body.kind, "youtube#thumbnailSetResponse");
  assertEquals(body.items[0].default, {
    url: `https://i.ytimg.com/vi/${id}/default.jpg`,
    width: 120,
    height: 90,
  });
  assertEquals(yt.videos.get(id)!.thumbnail?.sha256, await sha256Hex(PNG));
  assertEquals(yt.quota.units, 50);

  const missing = await fetch(`${yt.url}/youtube/v3/thumbnails/set?videoId=nope`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "image/png" },
    body: PNG,
  });
  assertEquals(missing.status, 404);
  assertEquals((await missing.json()).error.errors[0].reason, "videoNotFound");

  const notImage = await fetch(`${yt.url}/upload/youtube/v3/thumbnails/set?videoId=${id}`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "image/jpeg" },
    body: new TextEncoder().encode("not an image"),
  });
  assertEquals(notImage.status, 400);
  assertEquals((await notImage.json()).error.errors[0].reason, "invalidImage");
});

Deno.test("playlistItems.insert adds the video; it needs more than the upload scope", async () => {
  await using yt = await startYouTubeServer();
  const token = yt.issueAccessToken();
  const id = await uploadVideo(yt, token);
  const playlistId = [...yt.playlists.keys()][0];
  const add = (bearerToken: string, playlist = playlistId) =>
    fetch(`${yt.url}/youtube/v3/playlistItems?part=snippet`, {
      method: "POST",
      headers: { ...bearer(bearerToken), "content-type": "application/json" },
      body: JSON.stringify({
        snippet: { playlistId: playlist, resourceId: { kind: "youtube#video", videoId: id } },
      }),
    });
  const res = await add(token);
  assertEquals(res.status, 200);
  const item = await res.json();
  assertEquals(item.kind, "youtube#playlistItem");
  assertEquals(item.snippet.playlistId, playlistId);
  assertEquals(item.snippet.position, 0);
  assertEquals(item.snippet.resourceId, { kind: "youtube#video", videoId: id });
  assertEquals(yt.playlists.get(playlistId)!.items.map((i) => i.videoId), [id]);
  assertEquals(yt.quota.units, 50);

  const unknown = await add(token, "PLdoesnotexist");
  assertEquals(unknown.status, 404);
  assertEquals((await unknown.json()).error.errors[0].reason, "playlistNotFound");

  const uploadOnly = yt.issueAccessToken({ scope: "https://www.googleapis.com/auth/youtube.upload" });
  const narrow = await add(uploadOnly);
  assertEquals(narrow.status, 403);
  const error = await narrow.json();
  assertEquals(error.error.message, "Request had insufficient authentication scopes.");
  assertEquals(error.error.errors[0].reason, "insufficientPermissions");
});

Deno.test("channels.list mine=true lists the one channel; videos.list lists stored videos by id", async () => {
  await using yt = await startYouTubeServer({
    channel: { id: "UC0123456789abcdefghijkl", title: "Phrase Lab" },
  });
  const token = yt.issueAccessToken();
  const res = await fetch(`${yt.url}/youtube/v3/channels?part=snippet,contentDetails&mine=true`, {
    headers: bearer(token),
  });
  assertEquals(res.status, 200);
  const channels = await res.json();
  assertEquals(channels.kind, "youtube#channelListResponse");
  assertEquals(channels.pageInfo.totalResults, 1);
  assertEquals(channels.items[0].id, "UC0123456789abcdefghijkl");
  assertEquals(channels.items[0].snippet.title, "Phrase Lab");
  assertEquals(channels.items[0].contentDetails.relatedPlaylists.uploads, "UU0123456789abcdefghijkl");

  const id = await uploadVideo(yt, token);
  yt.setVideoStatus(id, { uploadStatus: "processed" });
  const list = await fetch(`${yt.url}/youtube/v3/videos?part=status&id=${id},missing0000`, {
    headers: bearer(token),
  });
  assertEquals(list.status, 200);
  const videos = await list.json();
  assertEquals(videos.kind, "youtube#videoListResponse");
  assertEquals(videos.items.length, 1);
  assertEquals(videos.items[0].id, id);
  assertEquals(videos.items[0].status.uploadStatus, "processed");
  assertEquals(videos.items[0].snippet, undefined);

  const noPart = await fetch(`${yt.url}/youtube/v3/videos?id=${id}`, { headers: bearer(token) });
  assertEquals(noPart.status, 400);
  assertEquals((await noPart.json()).error.errors[0], {
    message: "Required parameter: part",
    domain: "global",
    reason: "required",
    location: "part",
    locationType: "parameter",
  });
  assertEquals(yt.quota.log.map((c) => c.method), ["channels.list", "videos.insert", "videos.list"]);
});

Deno.test("a hanging request ends when the server closes", async () => {
  const yt = await startYouTubeServer();
  yt.script({ on: "channels", kind: "hang" });
  const pending = fetch(`${yt.url}/youtube/v3/channels?part=id&mine=true`, {
    headers: bearer(yt.issueAccessToken()),
  });
  while (yt.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
  await yt.close();
  await assertRejects(() => pending, TypeError);
  assertEquals(yt.requests[0].status, "hung");
});
