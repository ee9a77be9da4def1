/**
 * A local stand-in for Google's YouTube Data API v3 and its OAuth 2.0 token endpoint, speaking
 * their REST protocols on one port, so that one fake serves all three base URLs of the daemon
 * (YOUTUBE_API_BASE_URL, YOUTUBE_UPLOAD_BASE_URL, GOOGLE_OAUTH_BASE_URL):
 *
 * - `POST /token` (form-encoded): `authorization_code` (with PKCE) and `refresh_token` grants,
 *   Google's `{"error":"invalid_grant",…}` bodies, expiring and revocable tokens.
 * - `POST /upload/youtube/v3/videos?uploadType=resumable&part=…` starts a resumable session
 *   (`Location: …&upload_id=…`); `PUT` on that URI with `Content-Range: bytes a-b/total` stores
 *   chunks (`308 Resume Incomplete` + `Range: bytes=0-N`, no Range while nothing is stored), and
 *   `Content-Range: bytes *\/total` with an empty body asks how far it got.
 * - `POST /upload/youtube/v3/thumbnails/set` (also without `/upload`), `POST /youtube/v3/playlistItems`,
 *   `GET /youtube/v3/channels?mine=true`, `GET /youtube/v3/videos?id=…`.
 * - Google's JSON errors (`{"error":{"code","message","errors":[{message,domain,reason}]}}`),
 *   quota accounting with the documented costs and daily limits that reset at Pacific midnight.
 *
 *   await using yt = await startYouTubeServer();
 *   const refreshToken = yt.issueRefreshToken();
 *   yt.script({ on: "chunk", kind: "drop", afterBytes: 1000 }, { on: "chunk", kind: "server_error", status: 503 });
 *
 * Scripted faults wait in a queue; each request takes the first one whose `on` matches it (so a
 * token refresh never eats a fault meant for a chunk). Every request is recorded without its
 * Authorization value, and every upload session keeps what it confirmed, what it was sent and
 * how many bytes came twice.
 *
 * It is a raw HTTP/1.1 server (Deno.listen) rather than Deno.serve so that it can close a
 * connection in the middle of a request body, the way a real network drop looks to `fetch`.
 * Note that Deno's fetch may silently replay a PUT with a byte body when a reused keep-alive
 * connection is closed under it; the replay reaches the fake and shows in `resentBytes`. A test
 * that needs the drop to reach the caller can send that PUT through
 * `Deno.createHttpClient({ poolMaxIdlePerHost: 0 })`.
 */
import { pacificDay } from "../../daemon/clock.ts";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** What a request is, as the fake routes it. */
export type CallKind =
  | "token"
  | "insert"
  | "chunk"
  | "status"
  | "thumbnails"
  | "playlistItems"
  | "channels"
  | "videos.list"
  | "unknown";

/** Which requests a scripted fault applies to: one kind, `upload` (chunk or status query), `api` (all but token) or `any`. */
export type FaultTarget = Exclude<CallKind, "unknown"> | "upload" | "api" | "any";

/** One scripted fault: taken by the next request matching `on`; answered after `delayMs` (default 0). */
export type YouTubeFault =
  & { on: FaultTarget; delayMs?: number }
  & (
    /** Answer normally (only the delay applies). */
    | { kind: "ok" }
    /** 500 INTERNAL / 503 UNAVAILABLE JSON (502 and 504 as Google's front ends send them). On a chunk, the first `persistBytes` bytes of it are stored first (default 0). */
    | { kind: "server_error"; status?: 500 | 502 | 503 | 504; persistBytes?: number }
    /** Reads `afterBytes` of the request body (default 0), then closes the connection without answering. On a chunk those bytes are stored, as if they had reached Google before the drop. */
    | { kind: "drop"; afterBytes?: number }
    /** 401 `authError` (UNAUTHENTICATED), as for an access token Google no longer accepts. */
    | { kind: "unauthorized" }
    /** 403 `quotaExceeded` (domain youtube.quota). */
    | { kind: "quota_exceeded" }
    /** 400 `uploadLimitExceeded` (domain youtube.video). */
    | { kind: "upload_limit_exceeded" }
    /** For the token endpoint: 400 `invalid_grant` (default description "Token has been expired or revoked."). */
    | { kind: "invalid_grant"; description?: string }
    /** Never answers; the connection closes when the server does. */
    | { kind: "hang" }
    /** Anything else, verbatim (a string body is sent as is, anything else as JSON). */
    | { kind: "raw"; status: number; body?: unknown; headers?: Record<string, string> }
  );

/** One HTTP request as the fake saw it. */
export interface RecordedRequest {
  kind: CallKind;
  method: string;
  /** Path without the query, e.g. `/upload/youtube/v3/videos`. */
  path: string;
  query: Record<string, string>;
  /** Request headers, lower-cased, without `authorization`. */
  headers: Record<string, string>;
  /** What the Authorization header held (its value is never recorded). */
  auth: "bearer" | "basic" | "other" | "none";
  /** Body bytes the server read (for a dropped request: up to the drop). */
  bodySize: number;
  /** `now()` when the request head arrived. */
  receivedAt: number;
  /** The answer's status, or how it ended without one. */
  status: number | "dropped" | "hung" | "pending";
  /** The scripted fault the request took, if any. */
  fault?: YouTubeFault["kind"];
}

/** One request to `POST /token`. `client_secret` is masked; codes and tokens are fakes and kept. */
export interface TokenRequest {
  grantType: string;
  fields: Record<string, string>;
  /** Where the client credentials came from. */
  clientAuth: "body" | "basic" | "none";
  receivedAt: number;
  status: number | "dropped" | "hung" | "pending";
  /** The OAuth `error` code of a refusal. */
  error?: string;
}

/** One `PUT` that carried bytes to a session. */
export interface ChunkRecord {
  /** From Content-Range (null when it had none). */
  start: number | null;
  end: number | null;
  total: number | null;
  /** Body bytes the server read. */
  bodySize: number;
  /** Bytes of it that extended the stored file. */
  stored: number;
  /** Bytes of it for offsets already stored. */
  resent: number;
  outcome:
    | "incomplete"
    | "complete"
    | "gap"
    | "invalid"
    | "server_error"
    | "dropped"
    | "unauthorized"
    | "fault";
  receivedAt: number;
}

/** A resumable upload session (`upload_id`). */
export interface UploadSession {
  id: string;
  /** The session URI (the `Location` the insert answered). */
  uri: string;
  createdAt: number;
  /** The `part` parameter of the insert. */
  parts: string[];
  /** The video resource sent with the insert. */
  metadata: Record<string, unknown>;
  /** `X-Upload-Content-Length` / `X-Upload-Content-Type` of the insert. */
  declaredLength: number | null;
  declaredType: string | null;
  /** The file size once known (declared, or from a Content-Range total). */
  total: number | null;
  /** Bytes stored: the confirmed offset (`Range: bytes=0-(received-1)`). */
  received: number;
  /** Every body byte that reached the server for this session, including re-sent and refused ones. */
  bytesTransferred: number;
  /** Bytes that arrived again for offsets already stored (0 when the client never re-sends). */
  resentBytes: number;
  chunks: ChunkRecord[];
  statusQueries: number;
  /** Set when the upload completed. */
  videoId: string | null;
  /** Set by `expireSession`: the URI answers 404 from then on. */
  expired: boolean;
}

/** The `status` part of a stored video. */
export interface FakeVideoStatus {
  uploadStatus: "uploaded" | "processed" | "failed" | "rejected" | "deleted";
  failureReason?: string;
  rejectionReason?: string;
  privacyStatus: "private" | "public" | "unlisted";
  publishAt?: string;
  license: "youtube" | "creativeCommon";
  embeddable: boolean;
  publicStatsViewable: boolean;
  madeForKids: boolean;
  selfDeclaredMadeForKids?: boolean;
  containsSyntheticMedia?: boolean;
}

/** A video the fake stores after a completed upload. */
export interface FakeVideo {
  id: string;
  sessionId: string;
  uploadedAt: number;
  /** The file as received. */
  bytes: Uint8Array;
  size: number;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  contentType: string | null;
  snippet: Record<string, unknown>;
  status: FakeVideoStatus;
  thumbnail: { bytes: Uint8Array; size: number; sha256: string; contentType: string } | null;
}

/** A playlist of the fake's channel. */
export interface FakePlaylist {
  id: string;
  title: string;
  items: { id: string; videoId: string; position: number }[];
}

/** The channel every token belongs to. */
export interface FakeChannel {
  id: string;
  title: string;
  description: string;
  customUrl: string;
}

/** A charge against the daily quota. */
export interface QuotaCharge {
  method: "videos.insert" | "videos.list" | "channels.list" | "thumbnails.set" | "playlistItems.insert";
  /** Units of the shared 10,000-unit bucket. */
  units: number;
  /** Calls of the videos.insert bucket. */
  inserts: number;
  at: number;
}

/** Quota spent on the current Pacific day. */
export interface QuotaUsage {
  /** `YYYY-MM-DD` Pacific; the counters reset when it changes. */
  day: string;
  units: number;
  inserts: number;
  /** Uploads started today, for the channel's upload limit. */
  uploads: number;
  /** Every charge since the server started (or `resetQuota`). */
  log: QuotaCharge[];
}

/** Daily limits. */
export interface QuotaLimits {
  /** Units for every method but videos.insert (default 10,000). */
  dailyUnits: number;
  /** videos.insert calls (default 100: its own bucket, 1 per call). */
  dailyInserts: number;
  /** Uploads per day before `uploadLimitExceeded` (default Infinity). */
  dailyUploads: number;
}

/** An access token the fake issued. */
export interface FakeAccessToken {
  token: string;
  scope: string;
  expiresAt: number;
  revoked: boolean;
  refreshToken: string | null;
}

/** A refresh token the fake issued. */
export interface FakeRefreshToken {
  token: string;
  scope: string;
  issuedAt: number;
  /** null: never expires. */
  expiresAt: number | null;
  revoked: boolean;
}

/** Options of the fake. */
export interface YouTubeServerOptions {
  /** The OAuth client (default `fake-client-id.apps.googleusercontent.com` / `fake-client-secret`). */
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of access tokens, seconds (default 3599, as Google answers). */
  accessTokenLifetimeSec?: number;
  /** Lifetime of refresh tokens (default: none; 7 days is what an app in "Testing" gets). Adds `refresh_token_expires_in`. */
  refreshTokenLifetimeSec?: number;
  /** Scopes granted when a helper is not told otherwise (default youtube.upload and youtube). */
  scope?: string;
  /** Answer 403 insufficientPermissions when a token lacks the method's scopes (default true). */
  enforceScopes?: boolean;
  /** The channel (defaults to a fixed test channel). */
  channel?: Partial<FakeChannel>;
  /** Playlists that exist (default one, `PLlingoreelFakePlaylist0001`). */
  playlists?: { id: string; title?: string }[];
  /** Daily limits (see QuotaLimits). */
  quota?: Partial<QuotaLimits>;
  /** Units a videos.insert also takes from the shared bucket (default 0; 1600 reproduces the older accounting). */
  insertUnits?: number;
  /** Status of the answer that completes an upload (default 201). */
  completeStatus?: 200 | 201;
  /** Stored offsets are rounded down to a multiple of this except at the end (default 1; 262144 acts like Google's 256 KiB granularity). */
  chunkGranularity?: number;
  /** Largest thumbnail accepted (default 2 MiB). */
  maxThumbnailBytes?: number;
  /** The time, e.g. a FakeClock's `now` (default Date.now): token expiry, publishAt, quota days. */
  now?: () => number;
}

/** A running fake; dispose it (or `close()`) to stop it. */
export interface YouTubeServer extends AsyncDisposable {
  /** Base URL for all three of the daemon's Google base URLs, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly channel: FakeChannel;
  readonly requests: readonly RecordedRequest[];
  readonly tokenRequests: readonly TokenRequest[];
  readonly sessions: ReadonlyMap<string, UploadSession>;
  readonly videos: ReadonlyMap<string, FakeVideo>;
  readonly playlists: ReadonlyMap<string, FakePlaylist>;
  readonly accessTokens: ReadonlyMap<string, FakeAccessToken>;
  readonly refreshTokens: ReadonlyMap<string, FakeRefreshToken>;
  readonly quota: QuotaUsage;
  readonly limits: QuotaLimits;
  /** Scripted faults not taken yet. */
  readonly pending: readonly YouTubeFault[];
  /** Requests being answered right now, and the most at any moment. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Queues faults; each is taken by the next request matching its `on`. */
  script(...faults: YouTubeFault[]): void;
  /** A single-use authorization code for the code grant (valid 10 minutes). */
  issueCode(options?: {
    scope?: string;
    redirectUri?: string;
    codeChallenge?: string;
    codeChallengeMethod?: "S256" | "plain";
  }): string;
  /** A refresh token, as if the user had consented earlier. */
  issueRefreshToken(options?: { scope?: string }): string;
  /** A valid access token without going through /token. */
  issueAccessToken(options?: { scope?: string; lifetimeSec?: number }): string;
  /** Revokes one refresh token (default all) and the access tokens minted from it: `invalid_grant` / 401 from then on. */
  revokeRefreshToken(token?: string): void;
  /** Expires one access token (default all): 401 from then on, a refresh mints a new one. */
  expireAccessTokens(token?: string): void;
  /** Makes a session URI answer 404, as after Google's one-week session lifetime. */
  expireSession(id: string): void;
  /** Changes a stored video's status (e.g. `{ uploadStatus: "processed" }`). */
  setVideoStatus(id: string, patch: Partial<FakeVideoStatus>): void;
  /** Adds a playlist; returns its id. */
  addPlaylist(options?: { id?: string; title?: string }): string;
  /** Pretends quota was already spent today. */
  setQuotaUsage(usage: Partial<Pick<QuotaUsage, "units" | "inserts" | "uploads">>): void;
  /** Changes the daily limits. */
  setQuotaLimits(limits: Partial<QuotaLimits>): void;
  /** Zeroes today's quota counters and the charge log. */
  resetQuota(): void;
  /** Forgets recorded requests, token requests, the script and the in-flight maximum (stored data stays). */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Constants taken from Google's documentation
// ---------------------------------------------------------------------------------------------

const SCOPE = {
  youtube: "https://www.googleapis.com/auth/youtube",
  forceSsl: "https://www.googleapis.com/auth/youtube.force-ssl",
  readonly: "https://www.googleapis.com/auth/youtube.readonly",
  upload: "https://www.googleapis.com/auth/youtube.upload",
  partner: "https://www.googleapis.com/auth/youtubepartner",
  audit: "https://www.googleapis.com/auth/youtubepartner-channel-audit",
} as const;

/** Scopes that allow each method, from the methods' reference pages / discovery document. */
const METHOD_SCOPES: Record<string, string[]> = {
  insert: [SCOPE.youtube, SCOPE.forceSsl, SCOPE.upload, SCOPE.partner],
  thumbnails: [SCOPE.youtube, SCOPE.forceSsl, SCOPE.upload, SCOPE.partner],
  playlistItems: [SCOPE.youtube, SCOPE.forceSsl, SCOPE.partner],
  channels: [SCOPE.youtube, SCOPE.forceSsl, SCOPE.readonly, SCOPE.partner, SCOPE.audit],
  "videos.list": [SCOPE.youtube, SCOPE.forceSsl, SCOPE.readonly, SCOPE.partner],
};

/** Quota costs (youtube/v3/determine_quota_cost): videos.insert has its own bucket, 1 per call. */
const COSTS = {
  "videos.list": 1,
  "channels.list": 1,
  "thumbnails.set": 50,
  "playlistItems.insert": 50,
} as const;

/** Categories a video can be assigned to (videoCategories.list, regionCode=US, assignable). */
const ASSIGNABLE_CATEGORIES = new Set([
  "1",
  "2",
  "10",
  "15",
  "17",
  "19",
  "20",
  "22",
  "23",
  "24",
  "25",
  "26",
  "27",
  "28",
  "29",
]);

const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';
const UPLOAD_LIMIT_MESSAGE = "The user has exceeded the number of videos they may upload.";
const INVALID_CREDENTIALS =
  "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
const MISSING_CREDENTIALS =
  "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  308: "Resume Incomplete",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { "content-type": "application/json; charset=UTF-8", ...headers },
  });
}

interface ErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** Google's JSON error body (YouTube Data API v3 style, `errors[]` plus optional `status`). */
function googleError(
  code: number,
  item: ErrorItem,
  extra: { message?: string; status?: string; details?: unknown[]; headers?: Record<string, string> } = {},
): Response {
  return json(code, {
    error: {
      code,
      message: extra.message ?? item.message,
      errors: [item],
      ...(extra.status ? { status: extra.status } : {}),
      ...(extra.details ? { details: extra.details } : {}),
    },
  }, extra.headers);
}

function quotaExceeded(): Response {
  return googleError(403, { message: QUOTA_MESSAGE, domain: "youtube.quota", reason: "quotaExceeded" });
}

function uploadLimitExceeded(): Response {
  return googleError(400, {
    message: UPLOAD_LIMIT_MESSAGE,
    domain: "youtube.video",
    reason: "uploadLimitExceeded",
  });
}

function unauthorized(missing = false): Response {
  return googleError(
    401,
    missing
      ? {
        message: "Login Required.",
        domain: "global",
        reason: "required",
        location: "Authorization",
        locationType: "header",
      }
      : {
        message: "Invalid Credentials",
        domain: "global",
        reason: "authError",
        location: "Authorization",
        locationType: "header",
      },
    {
      message: missing ? MISSING_CREDENTIALS : INVALID_CREDENTIALS,
      status: "UNAUTHENTICATED",
      headers: { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    },
  );
}

function insufficientScopes(): Response {
  return googleError(
    403,
    { message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" },
    {
      message: "Request had insufficient authentication scopes.",
      status: "PERMISSION_DENIED",
      details: [{
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        domain: "googleapis.com",
        metadata: { service: "youtube.googleapis.com" },
      }],
    },
  );
}

function requiredParameter(name: string): Response {
  return googleError(400, {
    message: `Required parameter: ${name}`,
    domain: "global",
    reason: "required",
    location: name,
    locationType: "parameter",
  });
}

function badRequest(reason: string, message: string, domain = "global"): Response {
  return googleError(400, { message, domain, reason });
}

function serverError(status: 500 | 502 | 503 | 504): Response {
  switch (status) {
    case 502:
      return new Response("<html><body>502 Bad Gateway</body></html>", {
        status: 502,
        headers: { "content-type": "text/html; charset=UTF-8" },
      });
    case 503:
      return googleError(
        503,
        { message: "The service is currently unavailable.", domain: "global", reason: "backendError" },
        { status: "UNAVAILABLE" },
      );
    case 504:
      return googleError(
        504,
        { message: "The request timed out. Please try again.", domain: "global", reason: "backendError" },
        { status: "DEADLINE_EXCEEDED" },
      );
    default:
      return googleError(
        500,
        { message: "Internal error encountered.", domain: "global", reason: "backendError" },
        { status: "INTERNAL" },
      );
  }
}

function oauthError(status: number, error: string, description: string): Response {
  return json(status, { error, error_description: description });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function randomId(length: number, alphabet = ID_ALPHABET): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function etag(): string {
  return randomId(27);
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

function base64url(bytes: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** YouTube counts a tag with a space as wrapped in quotes, and the commas between tags. */
function tagsLength(tags: string[]): number {
  return tags.reduce((n, t) => n + [...t].length + (t.includes(" ") ? 2 : 0), 0) +
    Math.max(0, tags.length - 1);
}

function splitList(value: string | null): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function hasAnyScope(granted: string, allowed: string[]): boolean {
  const have = new Set(granted.split(/\s+/));
  return allowed.some((s) => have.has(s));
}

/** Resolves after `ms` (never when `ms` is Infinity), or as soon as `signal` aborts. */
function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener("abort", done, { once: true });
  });
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server: keep-alive, Content-Length and chunked request bodies, and the
// ability to hang up in the middle of a body.
// ---------------------------------------------------------------------------------------------

class Wire {
  #conn: Deno.Conn;
  #buf: Uint8Array = new Uint8Array(0);

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    this.#buf = this.#buf.length ? concat([this.#buf, chunk.subarray(0, n)]) : chunk.slice(0, n);
    return true;
  }

  /** Reads up to a blank line; null when the peer closed between requests. */
  async head(): Promise<string | null> {
    let from = 0;
    for (;;) {
      // tolerate stray CRLFs between requests
      while (this.#buf.length >= 2 && this.#buf[0] === 13 && this.#buf[1] === 10) {
        this.#buf = this.#buf.subarray(2);
      }
      for (let i = from; i + 3 < this.#buf.length; i++) {
        if (
          this.#buf[i] === 13 && this.#buf[i + 1] === 10 && this.#buf[i + 2] === 13 && this.#buf[i + 3] === 10
        ) {
          const head = decoder.decode(this.#buf.subarray(0, i));
          this.#buf = this.#buf.subarray(i + 4);
          return head;
        }
      }
      from = Math.max(0, this.#buf.length - 3);
      if (this.#buf.length > 64 * 1024) throw new Error("request head too large");
      if (!(await this.#fill())) {
        if (this.#buf.length === 0) return null;
        throw new Error("connection closed in a request head");
      }
    }
  }

  async line(): Promise<string> {
    for (;;) {
      for (let i = 0; i + 1 < this.#buf.length; i++) {
        if (this.#buf[i] === 13 && this.#buf[i + 1] === 10) {
          const line = decoder.decode(this.#buf.subarray(0, i));
          this.#buf = this.#buf.subarray(i + 2);
          return line;
        }
      }
      if (!(await this.#fill())) throw new Error("connection closed in a chunked body");
    }
  }

  /** Up to `max` bytes, at least one; null at end of stream. */
  async some(max: number): Promise<Uint8Array | null> {
    if (this.#buf.length === 0 && !(await this.#fill())) return null;
    const n = Math.min(max, this.#buf.length);
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async write(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) at += await this.#conn.write(bytes.subarray(at));
  }
}

/** A request body read on demand, so that a fault can stop after K bytes. */
class Body {
  received = 0;
  #wire: Wire;
  #left: number;
  #chunked: boolean;
  #chunkLeft = 0;
  #needCrlf = false;
  #done: boolean;

  constructor(wire: Wire, framing: { chunked: true } | { chunked: false; length: number }) {
    this.#wire = wire;
    this.#chunked = framing.chunked;
    this.#left = framing.chunked ? 0 : framing.length;
    this.#done = !framing.chunked && framing.length === 0;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Up to `max` bytes; null when the body is over. */
  async read(max = 64 * 1024): Promise<Uint8Array | null> {
    if (this.#done || max <= 0) return this.#done ? null : new Uint8Array(0);
    if (!this.#chunked) {
      const piece = await this.#wire.some(Math.min(max, this.#left));
      if (piece === null) throw new Error("connection closed in a request body");
      this.#left -= piece.length;
      this.received += piece.length;
      if (this.#left === 0) this.#done = true;
      return piece;
    }
    if (this.#chunkLeft === 0) {
      if (this.#needCrlf) {
        await this.#wire.line();
        this.#needCrlf = false;
      }
      const size = parseInt((await this.#wire.line()).split(";")[0].trim(), 16);
      if (!Number.isFinite(size) || size < 0) throw new Error("bad chunk size");
      if (size === 0) {
        while ((await this.#wire.line()) !== "") { /* trailers */ }
        this.#done = true;
        return null;
      }
      this.#chunkLeft = size;
    }
    const piece = await this.#wire.some(Math.min(max, this.#chunkLeft));
    if (piece === null) throw new Error("connection closed in a chunked body");
    this.#chunkLeft -= piece.length;
    if (this.#chunkLeft === 0) this.#needCrlf = true;
    this.received += piece.length;
    return piece;
  }

  /** Exactly `n` bytes, or fewer if the body ends first. */
  async readUpTo(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < n) {
      const piece = await this.read(n - got);
      if (piece === null) break;
      parts.push(piece);
      got += piece.length;
    }
    return concat(parts);
  }

  async all(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const piece = await this.read();
      if (piece === null) break;
      parts.push(piece);
    }
    return concat(parts);
  }

  async drain(): Promise<void> {
    while ((await this.read()) !== null) { /* discard */ }
  }
}

/** The handler's way of saying "hang up without answering". */
const DROP = Symbol("drop");
type Reply = Response | typeof DROP;

interface Incoming {
  method: string;
  url: URL;
  headers: Headers;
  body: Body;
  record: RecordedRequest;
  /** Set when the upload handler recorded a ChunkRecord for this request. */
  chunkRecorded?: boolean;
}

async function writeResponse(wire: Wire, res: Response, close: boolean): Promise<number> {
  const body = new Uint8Array(await res.arrayBuffer());
  let head = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? (res.statusText || "Status")}\r\n`;
  for (const [name, value] of res.headers) {
    if (name !== "content-length") head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\ndate: ${new Date().toUTCString()}\r\nserver: UploadServer\r\n`;
  if (close) head += "connection: close\r\n";
  await wire.write(concat([encoder.encode(`${head}\r\n`), body]));
  return res.status;
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

function classify(method: string, path: string): CallKind {
  if (path === "/token") return "token";
  if (path === "/upload/youtube/v3/videos") {
    return method === "POST" ? "insert" : method === "PUT" ? "chunk" : "unknown";
  }
  if (path === "/upload/youtube/v3/thumbnails/set" || path === "/youtube/v3/thumbnails/set") {
    return method === "POST" ? "thumbnails" : "unknown";
  }
  if (path === "/youtube/v3/playlistItems" && method === "POST") return "playlistItems";
  if (path === "/youtube/v3/channels" && method === "GET") return "channels";
  if (path === "/youtube/v3/videos" && method === "GET") return "videos.list";
  return "unknown";
}

function matches(target: FaultTarget, kind: CallKind): boolean {
  if (target === "any") return true;
  if (target === "api") return kind !== "token";
  if (target === "upload") return kind === "chunk" || kind === "status";
  return target === kind;
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startYouTubeServer(options: YouTubeServerOptions = {}): Promise<YouTubeServer> {
  const now = options.now ?? (() => Date.now());
  const clientId = options.clientId ?? "fake-client-id.apps.googleusercontent.com";
  const clientSecret = options.clientSecret ?? "fake-client-secret";
  const defaultScope = options.scope ?? `${SCOPE.upload} ${SCOPE.youtube}`;
  const accessLifetime = options.accessTokenLifetimeSec ?? 3599;
  const enforceScopes = options.enforceScopes ?? true;
  const granularity = Math.max(1, Math.floor(options.chunkGranularity ?? 1));
  const maxThumbnail = options.maxThumbnailBytes ?? 2 * 1024 * 1024;
  const completeStatus = options.completeStatus ?? 201;
  const insertUnits = options.insertUnits ?? 0;
  const channelId = options.channel?.id ?? "UCfakeLingoreelChannel01";
  const channel: FakeChannel = {
    id: channelId,
    title: options.channel?.title ?? "Lingoreel Test Channel",
    description: options.channel?.description ?? "Learn languages from the shows you love.",
    customUrl: options.channel?.customUrl ?? "@lingoreeltest",
  };
  const limits: QuotaLimits = {
    dailyUnits: 10_000,
    dailyInserts: 100,
    dailyUploads: Infinity,
    ...options.quota,
  };

  let queue: YouTubeFault[] = [];
  let requests: RecordedRequest[] = [];
  let tokenRequests: TokenRequest[] = [];
  const sessions = new Map<string, UploadSession>();
  const buffers = new Map<string, Uint8Array>();
  const videos = new Map<string, FakeVideo>();
  const playlists = new Map<string, FakePlaylist>();
  const accessTokens = new Map<string, FakeAccessToken>();
  const refreshTokens = new Map<string, FakeRefreshToken>();
  const codes = new Map<
    string,
    {
      scope: string;
      redirectUri?: string;
      challenge?: string;
      method: "S256" | "plain";
      expiresAt: number;
      used: boolean;
    }
  >();
  const quota: QuotaUsage = { day: pacificDay(now()), units: 0, inserts: 0, uploads: 0, log: [] };
  let inFlight = 0;
  let maxInFlight = 0;
  const closing = new AbortController();
  let baseUrl = "";

  for (const p of options.playlists ?? [{ id: "PLlingoreelFakePlaylist0001", title: "Expressions" }]) {
    playlists.set(p.id, { id: p.id, title: p.title ?? p.id, items: [] });
  }

  // --- tokens -------------------------------------------------------------------------------

  const mintAccess = (scope: string, refreshToken: string | null, lifetimeSec = accessLifetime) => {
    const token = `ya29.a0Fake${randomId(40)}`;
    accessTokens.set(token, {
      token,
      scope,
      expiresAt: now() + lifetimeSec * 1000,
      revoked: false,
      refreshToken,
    });
    return token;
  };
  const mintRefresh = (scope: string) => {
    const token = `1//0fake${randomId(40)}`;
    const lifetime = options.refreshTokenLifetimeSec;
    refreshTokens.set(token, {
      token,
      scope,
      issuedAt: now(),
      expiresAt: lifetime === undefined ? null : now() + lifetime * 1000,
      revoked: false,
    });
    return token;
  };
  const refreshUsable = (t: FakeRefreshToken | undefined) =>
    t !== undefined && !t.revoked && (t.expiresAt === null || now() < t.expiresAt);

  // --- quota --------------------------------------------------------------------------------

  const rollDay = () => {
    const today = pacificDay(now());
    if (today !== quota.day) {
      quota.day = today;
      quota.units = 0;
      quota.inserts = 0;
      quota.uploads = 0;
    }
  };
  /** Charges a served call, or answers quotaExceeded when the day's quota does not cover it. */
  const charge = (method: QuotaCharge["method"]): Response | null => {
    rollDay();
    const units = method === "videos.insert" ? insertUnits : COSTS[method];
    const inserts = method === "videos.insert" ? 1 : 0;
    if (quota.units + units > limits.dailyUnits || quota.inserts + inserts > limits.dailyInserts) {
      return quotaExceeded();
    }
    quota.units += units;
    quota.inserts += inserts;
    quota.log.push({ method, units, inserts, at: now() });
    return null;
  };

  // --- auth ---------------------------------------------------------------------------------

  /** null when the bearer token is valid for `kind`, else the refusal. */
  const authorize = (inc: Incoming, kind: CallKind): Response | null => {
    const header = inc.headers.get("authorization");
    if (!header) return unauthorized(true);
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match ? accessTokens.get(match[1]) : undefined;
    if (!token || token.revoked || now() >= token.expiresAt) return unauthorized();
    if (token.refreshToken && refreshTokens.get(token.refreshToken)?.revoked) return unauthorized();
    if (enforceScopes && METHOD_SCOPES[kind] && !hasAnyScope(token.scope, METHOD_SCOPES[kind])) {
      return insufficientScopes();
    }
    return null;
  };

  // --- the token endpoint ---------------------------------------------------------------------

  const tokenEndpoint = async (inc: Incoming, record: TokenRequest): Promise<Response> => {
    if (inc.method !== "POST") return oauthError(405, "invalid_request", "Method Not Allowed");
    const text = decoder.decode(await inc.body.all());
    const type = inc.headers.get("content-type") ?? "";
    let fields: Record<string, string> = {};
    if (type.includes("application/json")) {
      try {
        fields = Object.fromEntries(
          Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        );
      } catch {
        return oauthError(400, "invalid_request", "Invalid JSON payload received.");
      }
    } else {
      fields = Object.fromEntries(new URLSearchParams(text));
    }
    let id = fields.client_id;
    let secret = fields.client_secret;
    record.clientAuth = id ? "body" : "none";
    const basic = /^Basic\s+(\S+)$/i.exec(inc.headers.get("authorization") ?? "");
    if (basic) {
      let decoded = "";
      try {
        decoded = atob(basic[1]);
      } catch {
        return oauthError(400, "invalid_request", "Invalid Authorization header.");
      }
      const [user, pass] = decoded.split(":");
      id = decodeURIComponent(user ?? "");
      secret = decodeURIComponent(pass ?? "");
      record.clientAuth = "basic";
    }
    record.grantType = fields.grant_type ?? "";
    record.fields = { ...fields, ...(fields.client_secret ? { client_secret: "[masked]" } : {}) };

    const grant = fields.grant_type;
    if (grant !== "authorization_code" && grant !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${grant ?? ""}`);
    }
    if (!id) return oauthError(400, "invalid_request", "Could not determine client ID from request.");
    if (id !== clientId) return oauthError(401, "invalid_client", "The OAuth client was not found.");
    if (!secret) return oauthError(400, "invalid_request", "client_secret is missing.");
    if (secret !== clientSecret) return oauthError(401, "invalid_client", "Unauthorized");

    if (grant === "authorization_code") {
      if (!fields.code) return oauthError(400, "invalid_request", "Missing required parameter: code");
      if (!fields.redirect_uri) {
        return oauthError(400, "invalid_request", "Missing required parameter: redirect_uri");
      }
      const code = codes.get(fields.code);
      if (!code || code.used || now() >= code.expiresAt) {
        return oauthError(400, "invalid_grant", "Bad Request");
      }
      if (code.redirectUri !== undefined && code.redirectUri !== fields.redirect_uri) {
        return oauthError(400, "redirect_uri_mismatch", "Bad Request");
      }
      if (code.challenge !== undefined) {
        const verifier = fields.code_verifier;
        if (!verifier) return oauthError(400, "invalid_grant", "Missing code verifier.");
        const derived = code.method === "S256"
          ? base64url(await crypto.subtle.digest("SHA-256", encoder.encode(verifier)))
          : verifier;
        if (derived !== code.challenge) return oauthError(400, "invalid_grant", "Invalid code verifier.");
      }
      code.used = true;
      const refresh = mintRefresh(code.scope);
      const body: Record<string, unknown> = {
        access_token: mintAccess(code.scope, refresh),
        expires_in: accessLifetime,
        refresh_token: refresh,
        scope: code.scope,
        token_type: "Bearer",
      };
      if (options.refreshTokenLifetimeSec !== undefined) {
        body.refresh_token_expires_in = options.refreshTokenLifetimeSec;
      }
      return json(200, body);
    }

    if (!fields.refresh_token) {
      return oauthError(400, "invalid_request", "Missing required parameter: refresh_token");
    }
    const refresh = refreshTokens.get(fields.refresh_token);
    if (!refreshUsable(refresh)) {
      return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
    }
    const body: Record<string, unknown> = {
      access_token: mintAccess(refresh!.scope, refresh!.token),
      expires_in: accessLifetime,
      scope: refresh!.scope,
      token_type: "Bearer",
    };
    if (refresh!.expiresAt !== null) {
      body.refresh_token_expires_in = Math.floor((refresh!.expiresAt - now()) / 1000);
    }
    return json(200, body);
  };

  // --- videos ---------------------------------------------------------------------------------

  const thumbnailSet = (id: string) => ({
    default: { url: `https://i.ytimg.com/vi/${id}/default.jpg`, width: 120, height: 90 },
    medium: { url: `https://i.ytimg.com/vi/${id}/mqdefault.jpg`, width: 320, height: 180 },
    high: { url: `https://i.ytimg.com/vi/${id}/hqdefault.jpg`, width: 480, height: 360 },
  });

  const videoResource = (video: FakeVideo, parts: string[]) => {
    const out: Record<string, unknown> = { kind: "youtube#video", etag: etag(), id: video.id };
    if (parts.includes("snippet")) out.snippet = video.snippet;
    if (parts.includes("status")) out.status = video.status;
    if (parts.includes("contentDetails")) {
      out.contentDetails = {
        duration: "P0D",
        dimension: "2d",
        definition: "sd",
        caption: "false",
        licensedContent: false,
        contentRating: {},
        projection: "rectangular",
      };
    }
    if (parts.includes("processingDetails")) {
      const s = video.status.uploadStatus;
      out.processingDetails = {
        processingStatus: s === "processed"
          ? "succeeded"
          : s === "uploaded"
          ? "processing"
          : s === "deleted"
          ? "terminated"
          : "failed",
      };
    }
    return out;
  };

  /** The metadata checks videos.insert makes (videos resource: title, description, tags, publishAt). */
  const validateMetadata = (meta: Record<string, unknown>): Response | null => {
    const snippet = (meta.snippet ?? {}) as Record<string, unknown>;
    const status = (meta.status ?? {}) as Record<string, unknown>;
    const title = typeof snippet.title === "string" ? snippet.title : "";
    if (!title.trim() || [...title].length > 100 || /[<>]/.test(title)) {
      return badRequest(
        "invalidTitle",
        "The request metadata specifies an invalid or empty video title.",
        "youtube.video",
      );
    }
    const description = typeof snippet.description === "string" ? snippet.description : "";
    if (encoder.encode(description).length > 5000 || /[<>]/.test(description)) {
      return badRequest(
        "invalidDescription",
        "The request metadata specifies an invalid video description.",
        "youtube.video",
      );
    }
    if (snippet.tags !== undefined) {
      const tags = snippet.tags;
      if (
        !Array.isArray(tags) || tags.some((t) => typeof t !== "string") || tagsLength(tags as string[]) > 500
      ) {
        return badRequest(
          "invalidTags",
          "The request metadata specifies invalid video keywords.",
          "youtube.video",
        );
      }
    }
    if (snippet.categoryId !== undefined && !ASSIGNABLE_CATEGORIES.has(String(snippet.categoryId))) {
      return badRequest(
        "invalidCategoryId",
        'The <code>snippet.categoryId</code> property specifies an invalid category ID. Use the <code><a href="/youtube/v3/docs/videoCategories/list">videoCategories.list</a></code> method to retrieve supported categories.',
        "youtube.video",
      );
    }
    if (status.publishAt !== undefined && status.publishAt !== null) {
      const at = typeof status.publishAt === "string" ? Date.parse(status.publishAt) : NaN;
      if ((status.privacyStatus ?? "public") !== "private" || !Number.isFinite(at) || at <= now()) {
        return badRequest(
          "invalidPublishAt",
          "The request metadata specifies an invalid scheduled publishing time.",
          "youtube.video",
        );
      }
    }
    return null;
  };

  const insert = async (inc: Incoming): Promise<Response> => {
    const parts = splitList(inc.url.searchParams.get("part"));
    if (!parts.length) return requiredParameter("part");
    const uploadType = inc.url.searchParams.get("uploadType");
    if (uploadType !== "resumable") {
      return badRequest(
        "invalidParameter",
        `The fake only speaks uploadType=resumable (got ${uploadType ?? "none"}).`,
      );
    }
    const raw = decoder.decode(await inc.body.all());
    let meta: Record<string, unknown> = {};
    if (raw.trim()) {
      try {
        meta = JSON.parse(raw);
      } catch {
        return badRequest("parseError", "Parse Error");
      }
    }
    // "All API requests, including invalid requests, incur a quota cost": charge first
    const refused = charge("videos.insert");
    if (refused) return refused;
    const invalid = validateMetadata(meta);
    if (invalid) return invalid;
    if (quota.uploads + 1 > limits.dailyUploads) return uploadLimitExceeded();
    quota.uploads++;
    const declared = inc.headers.get("x-upload-content-length");
    const declaredLength = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
    const id = `AUc${randomId(60)}`;
    const uri = `${baseUrl}/upload/youtube/v3/videos?uploadType=resumable&part=${
      encodeURIComponent(parts.join(","))
    }&upload_id=${id}`;
    sessions.set(id, {
      id,
      uri,
      createdAt: now(),
      parts,
      metadata: meta,
      declaredLength,
      declaredType: inc.headers.get("x-upload-content-type"),
      total: declaredLength,
      received: 0,
      bytesTransferred: 0,
      resentBytes: 0,
      chunks: [],
      statusQueries: 0,
      videoId: null,
      expired: false,
    });
    buffers.set(id, new Uint8Array(Math.min(declaredLength ?? 0, 8 * 1024 * 1024)));
    return new Response(null, { status: 200, headers: { location: uri, "x-guploader-uploadid": id } });
  };

  /** Appends the part of `bytes` (which starts at `start`) beyond what is stored. */
  const store = (
    session: UploadSession,
    start: number,
    bytes: Uint8Array,
  ): { stored: number; resent: number } => {
    const resent = Math.min(Math.max(0, session.received - start), bytes.length);
    session.resentBytes += resent;
    const fresh = bytes.subarray(resent);
    if (!fresh.length) return { stored: 0, resent };
    let buf = buffers.get(session.id)!;
    const need = session.received + fresh.length;
    if (buf.length < need) {
      const grown = new Uint8Array(Math.max(need, buf.length * 2));
      grown.set(buf.subarray(0, session.received));
      buf = grown;
      buffers.set(session.id, buf);
    }
    buf.set(fresh, session.received);
    const before = session.received;
    let after = need;
    if (granularity > 1 && !(session.total !== null && after === session.total)) {
      after = Math.max(before, Math.floor(after / granularity) * granularity);
    }
    session.received = after;
    return { stored: after - before, resent };
  };

  const finish = async (session: UploadSession): Promise<Response> => {
    if (!session.videoId) {
      const bytes = buffers.get(session.id)!.slice(0, session.received);
      buffers.delete(session.id);
      const id = randomId(11);
      const meta = session.metadata;
      const s = (meta.snippet ?? {}) as Record<string, unknown>;
      const st = (meta.status ?? {}) as Record<string, unknown>;
      const title = String(s.title ?? "");
      const description = String(s.description ?? "");
      const snippet: Record<string, unknown> = {
        publishedAt: new Date(now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
        channelId: channel.id,
        title,
        description,
        thumbnails: thumbnailSet(id),
        channelTitle: channel.title,
        ...(Array.isArray(s.tags) ? { tags: s.tags } : {}),
        categoryId: String(s.categoryId ?? "22"),
        liveBroadcastContent: "none",
        ...(s.defaultLanguage !== undefined ? { defaultLanguage: s.defaultLanguage } : {}),
        localized: { title, description },
        ...(s.defaultAudioLanguage !== undefined ? { defaultAudioLanguage: s.defaultAudioLanguage } : {}),
      };
      const privacy = st.privacyStatus === "private" || st.privacyStatus === "unlisted"
        ? st.privacyStatus
        : "public";
      const status: FakeVideoStatus = {
        uploadStatus: "uploaded",
        privacyStatus: privacy,
        ...(typeof st.publishAt === "string" ? { publishAt: st.publishAt } : {}),
        license: st.license === "creativeCommon" ? "creativeCommon" : "youtube",
        embeddable: st.embeddable !== false,
        publicStatsViewable: st.publicStatsViewable !== false,
        madeForKids: st.selfDeclaredMadeForKids === true,
        ...(typeof st.selfDeclaredMadeForKids === "boolean"
          ? { selfDeclaredMadeForKids: st.selfDeclaredMadeForKids }
          : {}),
        ...(typeof st.containsSyntheticMedia === "boolean"
          ? { containsSyntheticMedia: st.containsSyntheticMedia }
          : {}),
      };
      videos.set(id, {
        id,
        sessionId: session.id,
        uploadedAt: now(),
        bytes,
        size: bytes.length,
        sha256: await sha256(bytes),
        contentType: session.declaredType,
        snippet,
        status,
        thumbnail: null,
      });
      session.videoId = id;
    }
    return json(completeStatus, videoResource(videos.get(session.videoId)!, session.parts));
  };

  const incomplete = (session: UploadSession): Response =>
    new Response(null, {
      status: 308,
      headers: session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {},
    });

  const put = async (inc: Incoming, fault: YouTubeFault | undefined): Promise<Reply> => {
    const session = sessions.get(inc.url.searchParams.get("upload_id") ?? "");
    if (!session || session.expired) {
      return googleError(404, { message: "Not Found", domain: "global", reason: "notFound" });
    }
    const header = inc.headers.get("content-range")?.trim() ?? null;
    const full = header === null ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header);
    const query = header === null ? null : /^bytes \*\/(\d+|\*)$/.exec(header);
    const totalText = full ? full[3] : query ? query[1] : null;
    const total = totalText === null || totalText === "*" ? null : Number(totalText);
    const start = full ? Number(full[1]) : 0;
    const end = full ? Number(full[2]) : null;
    const record = (outcome: ChunkRecord["outcome"], bodySize: number, stored = 0, resent = 0) => {
      inc.chunkRecorded = true;
      session.chunks.push({
        start: full ? start : null,
        end,
        total,
        bodySize,
        stored,
        resent,
        outcome,
        receivedAt: now(),
      });
    };
    /** Reads the rest of the body, records the chunk as refused and answers 400. */
    const refuse = async (outcome: "invalid" | "gap", message: string) => {
      await inc.body.drain();
      record(outcome, inc.body.received);
      return badRequest("badContent", message);
    };

    if (header !== null && !full && !query) {
      return await refuse("invalid", "Failed to parse Content-Range header.");
    }
    if (query && !inc.body.done) return await refuse("invalid", "Failed to parse Content-Range header.");
    if (total !== null && session.total !== null && total !== session.total) {
      return await refuse(
        "invalid",
        `Invalid request. The Content-Range total ${total} does not match the upload size ${session.total}.`,
      );
    }

    // a status query: `bytes */total` (or no Content-Range) and no body
    if (!full && inc.body.done) {
      session.statusQueries++;
      inc.record.kind = "status";
      if (fault?.kind === "server_error") return serverError(fault.status ?? 503);
      if (total !== null) session.total = total;
      if (session.videoId || (session.total !== null && session.received === session.total)) {
        return await finish(session);
      }
      return incomplete(session);
    }
    if (session.videoId) {
      await inc.body.drain();
      return await finish(session);
    }
    if (end !== null && (end < start || (total !== null && end >= total))) {
      return await refuse("invalid", "Failed to parse Content-Range header.");
    }
    if (start > session.received) {
      return await refuse(
        "gap",
        `Invalid request.  According to the Content-Range header, the upload offset is ${start} byte(s), which exceeds already uploaded size of ${session.received} byte(s).`,
      );
    }

    if (fault?.kind === "drop") {
      const bytes = await inc.body.readUpTo(fault.afterBytes ?? 0);
      const { stored, resent } = store(session, start, bytes);
      record("dropped", bytes.length, stored, resent);
      return DROP;
    }
    const bytes = await inc.body.all();
    if (fault?.kind === "server_error") {
      const { stored, resent } = store(session, start, bytes.subarray(0, fault.persistBytes ?? 0));
      record("server_error", bytes.length, stored, resent);
      return serverError(fault.status ?? 503);
    }
    const expected = end === null ? bytes.length : end - start + 1;
    if (bytes.length !== expected) {
      record("invalid", bytes.length);
      return badRequest(
        "badContent",
        `Invalid request. The Content-Range header covers ${expected} byte(s) but the body has ${bytes.length}.`,
      );
    }
    if (full === null && session.total === null) session.total = bytes.length;
    if (total !== null) session.total = total;
    const { stored, resent } = store(session, start, bytes);
    const complete = session.total !== null && session.received === session.total;
    record(complete ? "complete" : "incomplete", bytes.length, stored, resent);
    return complete ? await finish(session) : incomplete(session);
  };

  const thumbnails = async (inc: Incoming): Promise<Response> => {
    const videoId = inc.url.searchParams.get("videoId");
    const bytes = await inc.body.all();
    if (!videoId) return requiredParameter("videoId");
    const refused = charge("thumbnails.set");
    if (refused) return refused;
    const video = videos.get(videoId);
    if (!video) {
      return googleError(404, {
        message:
          "The video that you are trying to insert a thumbnail image for cannot be found. Check the value of the <code>videoId</code> parameter to ensure that it is correct.",
        domain: "youtube.thumbnail",
        reason: "videoNotFound",
      });
    }
    if (!bytes.length) {
      return badRequest(
        "mediaBodyRequired",
        "The request does not include the image content.",
        "youtube.thumbnail",
      );
    }
    if (bytes.length > maxThumbnail) {
      return googleError(413, {
        message: `Media larger than: ${maxThumbnail}`,
        domain: "global",
        reason: "uploadTooLarge",
      });
    }
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    const png = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
    if (!jpeg && !png) {
      return badRequest("invalidImage", "The provided image content is invalid.", "youtube.thumbnail");
    }
    const contentType = inc.headers.get("content-type") ?? (png ? "image/png" : "image/jpeg");
    video.thumbnail = { bytes, size: bytes.length, sha256: await sha256(bytes), contentType };
    const base = `https://i.ytimg.com/vi/${videoId}`;
    return json(200, {
      kind: "youtube#thumbnailSetResponse",
      etag: etag(),
      items: [{
        default: { url: `${base}/default.jpg`, width: 120, height: 90 },
        medium: { url: `${base}/mqdefault.jpg`, width: 320, height: 180 },
        high: { url: `${base}/hqdefault.jpg`, width: 480, height: 360 },
        standard: { url: `${base}/sddefault.jpg`, width: 640, height: 480 },
        maxres: { url: `${base}/maxresdefault.jpg`, width: 1280, height: 720 },
      }],
    });
  };

  const playlistItems = async (inc: Incoming): Promise<Response> => {
    const raw = decoder.decode(await inc.body.all());
    const parts = splitList(inc.url.searchParams.get("part"));
    if (!parts.length) return requiredParameter("part");
    let body: {
      snippet?: { playlistId?: string; position?: number; resourceId?: { kind?: string; videoId?: string } };
    };
    try {
      body = JSON.parse(raw || "{}");
    } catch {
      return badRequest("parseError", "Parse Error");
    }
    const refused = charge("playlistItems.insert");
    if (refused) return refused;
    const playlistId = body.snippet?.playlistId;
    if (!playlistId) {
      return badRequest(
        "playlistIdRequired",
        "The request does not specify a value for the required <code>playlistId</code> property.",
        "youtube.playlistItem",
      );
    }
    const playlist = playlists.get(playlistId);
    if (!playlist) {
      return googleError(404, {
        message:
          "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
        domain: "youtube.playlistItem",
        reason: "playlistNotFound",
      });
    }
    const videoId = body.snippet?.resourceId?.videoId;
    const video = videoId ? videos.get(videoId) : undefined;
    if (!video) {
      return googleError(404, {
        message:
          "The video that you are trying to add to the playlist cannot be found. Check the value of the <code>videoId</code> property.",
        domain: "youtube.playlistItem",
        reason: "videoNotFound",
      });
    }
    const wanted = body.snippet?.position;
    const position = typeof wanted === "number" && wanted >= 0 && wanted <= playlist.items.length
      ? wanted
      : playlist.items.length;
    const item = { id: randomId(48), videoId: video.id, position };
    playlist.items.splice(position, 0, item);
    playlist.items.forEach((it, i) => (it.position = i));
    const out: Record<string, unknown> = { kind: "youtube#playlistItem", etag: etag(), id: item.id };
    if (parts.includes("snippet")) {
      out.snippet = {
        publishedAt: new Date(now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
        channelId: channel.id,
        title: video.snippet.title,
        description: video.snippet.description,
        thumbnails: thumbnailSet(video.id),
        channelTitle: channel.title,
        playlistId,
        position,
        resourceId: { kind: "youtube#video", videoId: video.id },
        videoOwnerChannelTitle: channel.title,
        videoOwnerChannelId: channel.id,
      };
    }
    if (parts.includes("contentDetails")) out.contentDetails = { videoId: video.id };
    if (parts.includes("status")) out.status = { privacyStatus: video.status.privacyStatus };
    return json(200, out);
  };

  const channels = (inc: Incoming): Response => {
    const q = inc.url.searchParams;
    const parts = splitList(q.get("part"));
    if (!parts.length) return requiredParameter("part");
    const ids = splitList(q.get("id"));
    if (q.get("mine") !== "true" && !ids.length && !q.get("forHandle") && !q.get("forUsername")) {
      return googleError(400, {
        message:
          "No filter selected. Expected one of: forUsername, mySubscribers, id, mine, categoryId, managedByMe, forHandle",
        domain: "youtube.parameter",
        reason: "missingRequiredParameter",
        location: "parameters.",
        locationType: "other",
      });
    }
    const refused = charge("channels.list");
    if (refused) return refused;
    const mine = q.get("mine") === "true" || ids.includes(channel.id);
    const item: Record<string, unknown> = { kind: "youtube#channel", etag: etag(), id: channel.id };
    if (parts.includes("snippet")) {
      item.snippet = {
        title: channel.title,
        description: channel.description,
        customUrl: channel.customUrl,
        publishedAt: "2020-01-01T00:00:00Z",
        thumbnails: {
          default: { url: "https://yt3.ggpht.com/fake=s88-c-k-c0x00ffffff-no-rj", width: 88, height: 88 },
        },
        localized: { title: channel.title, description: channel.description },
      };
    }
    if (parts.includes("contentDetails")) {
      item.contentDetails = { relatedPlaylists: { likes: "", uploads: `UU${channel.id.slice(2)}` } };
    }
    if (parts.includes("status")) {
      item.status = {
        privacyStatus: "public",
        isLinked: true,
        longUploadsStatus: "allowed",
        madeForKids: false,
      };
    }
    const items = mine ? [item] : [];
    return json(200, {
      kind: "youtube#channelListResponse",
      etag: etag(),
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
      items,
    });
  };

  const videosList = (inc: Incoming): Response => {
    const q = inc.url.searchParams;
    const parts = splitList(q.get("part"));
    if (!parts.length) return requiredParameter("part");
    const ids = splitList(q.get("id"));
    if (!ids.length && !q.get("chart") && !q.get("myRating")) {
      return googleError(400, {
        message: "No filter selected. Expected one of: myRating, chart, id",
        domain: "youtube.parameter",
        reason: "missingRequiredParameter",
        location: "parameters.",
        locationType: "other",
      });
    }
    const refused = charge("videos.list");
    if (refused) return refused;
    const items = ids.map((id) => videos.get(id)).filter((v): v is FakeVideo =>
      !!v && v.status.uploadStatus !== "deleted"
    )
      .map((v) => videoResource(v, parts));
    return json(200, {
      kind: "youtube#videoListResponse",
      etag: etag(),
      items,
      pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    });
  };

  // --- dispatch -------------------------------------------------------------------------------

  const takeFault = (kind: CallKind): YouTubeFault | undefined => {
    const i = queue.findIndex((f) => matches(f.on, kind));
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };

  const dispatch = async (inc: Incoming): Promise<Reply> => {
    const { record } = inc;
    let kind = record.kind;
    // a PUT with `bytes */N` and no body is a status query: decide before taking a fault
    if (kind === "chunk") {
      const cr = inc.headers.get("content-range")?.trim() ?? "";
      if (/^bytes \*\//.test(cr) && inc.body.done) kind = record.kind = "status";
    }
    let tokenRecord: TokenRequest | undefined;
    if (kind === "token") {
      tokenRecord = {
        grantType: "",
        fields: {},
        clientAuth: "none",
        receivedAt: record.receivedAt,
        status: "pending",
      };
      tokenRequests.push(tokenRecord);
    }
    const fault = kind === "unknown" ? undefined : takeFault(kind);
    if (fault) record.fault = fault.kind;
    await waitFor(fault?.delayMs ?? 0, closing.signal);

    const reply = await (async (): Promise<Reply> => {
      if (fault) {
        switch (fault.kind) {
          case "hang":
            await waitFor(Infinity, closing.signal);
            return DROP;
          case "raw":
            return new Response(
              fault.body === undefined
                ? null
                : typeof fault.body === "string"
                ? fault.body
                : JSON.stringify(fault.body),
              {
                status: fault.status,
                headers: {
                  ...(fault.body !== undefined && typeof fault.body !== "string"
                    ? { "content-type": "application/json; charset=UTF-8" }
                    : {}),
                  ...fault.headers,
                },
              },
            );
          case "unauthorized":
            return unauthorized();
          case "quota_exceeded":
            return quotaExceeded();
          case "upload_limit_exceeded":
            return uploadLimitExceeded();
          case "invalid_grant":
            return oauthError(
              400,
              "invalid_grant",
              fault.description ?? "Token has been expired or revoked.",
            );
          case "drop":
            if (kind !== "chunk") {
              await inc.body.readUpTo(fault.afterBytes ?? 0);
              return DROP;
            }
            break;
          case "server_error":
            if (kind !== "chunk" && kind !== "status") {
              return kind === "token"
                ? oauthError(fault.status ?? 503, "internal_failure", "Backend Error")
                : serverError(fault.status ?? 503);
            }
            break;
          case "ok":
            break;
        }
      }
      switch (kind) {
        case "token":
          return await tokenEndpoint(inc, tokenRecord!);
        case "chunk":
        case "status":
          return await put(inc, fault);
        case "unknown":
          return googleError(404, {
            message: `Method not found: ${inc.method} ${inc.url.pathname}`,
            domain: "global",
            reason: "notFound",
          });
        default: {
          const refused = authorize(inc, kind);
          if (refused) return refused;
          if (kind === "insert") return await insert(inc);
          if (kind === "thumbnails") return await thumbnails(inc);
          if (kind === "playlistItems") return await playlistItems(inc);
          if (kind === "channels") return channels(inc);
          return videosList(inc);
        }
      }
    })();
    if (tokenRecord) {
      if (reply === DROP) tokenRecord.status = fault?.kind === "hang" ? "hung" : "dropped";
      else {
        tokenRecord.status = reply.status;
        if (reply.status >= 400) {
          try {
            tokenRecord.error = (JSON.parse(await reply.clone().text()) as { error?: string }).error;
          } catch { /* not JSON */ }
        }
      }
    }
    if (reply === DROP) record.status = fault?.kind === "hang" ? "hung" : "dropped";
    return reply;
  };

  // --- the connection loop --------------------------------------------------------------------

  /** Counts a finished PUT's body bytes against its session (including refused and faulted ones). */
  const settle = (inc: Incoming) => {
    if (inc.record.kind !== "chunk" && inc.record.kind !== "status") return;
    const session = sessions.get(inc.url.searchParams.get("upload_id") ?? "");
    if (!session) return;
    session.bytesTransferred += inc.body.received;
    if (inc.record.kind === "chunk" && !inc.chunkRecorded) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(inc.headers.get("content-range")?.trim() ?? "");
      session.chunks.push({
        start: range ? Number(range[1]) : null,
        end: range ? Number(range[2]) : null,
        total: range && range[3] !== "*" ? Number(range[3]) : null,
        bodySize: inc.body.received,
        stored: 0,
        resent: 0,
        outcome: "fault",
        receivedAt: now(),
      });
    }
  };

  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();

  const serveConn = async (conn: Deno.Conn) => {
    const wire = new Wire(conn);
    try {
      for (;;) {
        const head = await wire.head();
        if (head === null) break;
        const receivedAt = now();
        const [requestLine, ...lines] = head.split("\r\n");
        const [method, target] = requestLine.split(" ");
        const headers = new Headers();
        for (const line of lines) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        const chunked = (headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked");
        const body = new Body(
          wire,
          chunked
            ? { chunked: true }
            : { chunked: false, length: Number(headers.get("content-length") ?? 0) || 0 },
        );
        const url = new URL(target ?? "/", baseUrl);
        const recordedHeaders: Record<string, string> = {};
        for (const [name, value] of headers) if (name !== "authorization") recordedHeaders[name] = value;
        const authHeader = headers.get("authorization");
        const record: RecordedRequest = {
          kind: classify(method, url.pathname),
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: recordedHeaders,
          auth: !authHeader
            ? "none"
            : /^Bearer\s/i.test(authHeader)
            ? "bearer"
            : /^Basic\s/i.test(authHeader)
            ? "basic"
            : "other",
          bodySize: 0,
          receivedAt,
          status: "pending",
        };
        requests.push(record);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const incoming: Incoming = { method, url, headers, body, record };
        let reply: Reply;
        try {
          reply = await dispatch(incoming);
        } finally {
          inFlight--;
          record.bodySize = body.received;
        }
        if (reply === DROP) {
          settle(incoming);
          break;
        }
        await body.drain();
        record.bodySize = body.received;
        settle(incoming);
        const close = (headers.get("connection") ?? "").toLowerCase() === "close" || closing.signal.aborted;
        record.status = await writeResponse(wire, reply, close);
        if (close) break;
      }
    } catch {
      // a broken connection ends its loop
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };

  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        if (closing.signal.aborted) {
          conn.close();
          continue;
        }
        conns.add(conn);
        const task = serveConn(conn);
        tasks.add(task);
        task.finally(() => tasks.delete(task));
      }
    } catch { /* listener closed */ }
  })();

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing.abort();
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const conn of conns) {
        try {
          conn.close();
        } catch { /* already closed */ }
      }
      await accepting;
      await Promise.allSettled([...tasks]);
    })();
    return closed;
  };

  const server: YouTubeServer = {
    url: baseUrl,
    clientId,
    clientSecret,
    channel,
    get requests() {
      return requests;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    sessions,
    videos,
    playlists,
    accessTokens,
    refreshTokens,
    get quota() {
      rollDay();
      return quota;
    },
    limits,
    get pending() {
      return queue;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    script: (...faults) => void queue.push(...faults),
    issueCode: (o = {}) => {
      const code = `4/0Fake${randomId(60)}`;
      codes.set(code, {
        scope: o.scope ?? defaultScope,
        redirectUri: o.redirectUri,
        challenge: o.codeChallenge,
        method: o.codeChallengeMethod ?? "S256",
        expiresAt: now() + 10 * 60_000,
        used: false,
      });
      return code;
    },
    issueRefreshToken: (o = {}) => mintRefresh(o.scope ?? defaultScope),
    issueAccessToken: (o = {}) => mintAccess(o.scope ?? defaultScope, null, o.lifetimeSec),
    revokeRefreshToken: (token) => {
      for (const t of refreshTokens.values()) {
        if (token === undefined || t.token === token) t.revoked = true;
      }
      for (const a of accessTokens.values()) {
        if (a.refreshToken && refreshTokens.get(a.refreshToken)?.revoked) a.revoked = true;
      }
    },
    expireAccessTokens: (token) => {
      for (const a of accessTokens.values()) {
        if (token === undefined || a.token === token) a.expiresAt = Math.min(a.expiresAt, now());
      }
    },
    expireSession: (id) => {
      const session = sessions.get(id);
      if (!session) throw new Error(`no upload session ${id}`);
      session.expired = true;
    },
    setVideoStatus: (id, patch) => {
      const video = videos.get(id);
      if (!video) throw new Error(`no video ${id}`);
      Object.assign(video.status, patch);
    },
    addPlaylist: (o = {}) => {
      const id = o.id ?? `PL${randomId(32)}`;
      playlists.set(id, { id, title: o.title ?? id, items: [] });
      return id;
    },
    setQuotaUsage: (usage) => {
      rollDay();
      Object.assign(quota, usage);
    },
    setQuotaLimits: (next) => void Object.assign(limits, next),
    resetQuota: () => {
      quota.day = pacificDay(now());
      quota.units = 0;
      quota.inserts = 0;
      quota.uploads = 0;
      quota.log = [];
    },
    reset: () => {
      requests = [];
      tokenRequests = [];
      queue = [];
      maxInFlight = inFlight;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return Promise.resolve(server);
}
