/**
 * OAuth 2.0 for an installed app: the loopback flow with PKCE (`youtube.authStart` opens a
 * listener on 127.0.0.1 and returns the URL to open; over SSH the user forwards its port), or
 * a code or refresh token pasted in (`youtube.authComplete`). Tokens live in
 * `<data dir>/youtube-token.json` (mode 0600); they are never returned to clients nor logged.
 */
import { join } from "@std/path";
import { encodeBase64Url } from "@std/encoding/base64url";
import type { Logger } from "../log.ts";
import type { Clock } from "../clock.ts";

/** The authorisation is missing, revoked or expired: the user has to authorise again. */
export class YouTubeAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "YouTubeAuthError";
  }
}

/** Scopes lingoreel asks for: uploads, and the channel's playlists and thumbnails. */
export const SCOPES = [
  "https://www.googleapis.com/auth/youtube.upload",
  "https://www.googleapis.com/auth/youtube",
];

interface StoredTokens {
  refreshToken: string;
  accessToken?: string;
  /** Epoch ms. */
  accessExpiresAt?: number;
  /** Set for apps in Testing mode (Google gives `refresh_token_expires_in`). */
  refreshExpiresAt?: number;
  scope: string;
  obtainedAt: number;
  channel?: { id: string; title: string };
}

/** What `youtube.status` shows. */
export interface YouTubeAuthStatus {
  configured: boolean;
  connected: boolean;
  channel: { id: string; title: string } | null;
  scopes: string[];
  accessExpiresAt: string | null;
  refreshExpiresAt: string | null;
  /** Open authorisation: the URL to open and the port to forward. */
  pending: { url: string; port: number } | null;
  warnings: string[];
}

interface ClientSecret {
  clientId: string;
  clientSecret: string;
  authUri: string;
}

const TOKEN_FILE = "youtube-token.json";

export class YouTubeAuth {
  #tokens?: StoredTokens | null;
  #refreshing?: Promise<string>;
  #pending?: {
    url: string;
    port: number;
    state: string;
    verifier: string;
    redirectUri: string;
    server: Deno.HttpServer;
  };
  #lastError: string | null = null;

  constructor(
    private readonly deps: {
      dataDir: string;
      clientSecretFile?: string;
      /** `GOOGLE_OAUTH_BASE_URL`: where `/token` is. */
      tokenBaseUrl: string;
      clock: Clock;
      log: Logger;
      /** Looks up the channel once authorised. */
      channel?: (accessToken: string) => Promise<{ id: string; title: string }>;
    },
  ) {}

  async #client(): Promise<ClientSecret> {
    const file = this.deps.clientSecretFile;
    if (!file) {
      throw new YouTubeAuthError(
        "YOUTUBE_CLIENT_SECRET_FILE is not set: create an OAuth client (Desktop app) in Google Cloud, download its JSON and point the variable at it.",
      );
    }
    const parsed = JSON.parse(await Deno.readTextFile(file));
    const c = parsed.installed ?? parsed.web;
    if (!c?.client_id || !c?.client_secret) {
      throw new YouTubeAuthError(
        `${file} has no installed.client_id and client_secret: download the JSON of a Desktop app client.`,
      );
    }
    return {
      clientId: c.client_id,
      clientSecret: c.client_secret,
      authUri: c.auth_uri ?? "https://accounts.google.com/o/oauth2/v2/auth",
    };
  }

  async #load(): Promise<StoredTokens | null> {
    if (this.#tokens !== undefined) return this.#tokens;
    try {
      this.#tokens = JSON.parse(await Deno.readTextFile(join(this.deps.dataDir, TOKEN_FILE)));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      this.#tokens = null;
    }
    return this.#tokens!;
  }

  async #save(tokens: StoredTokens): Promise<void> {
    const path = join(this.deps.dataDir, TOKEN_FILE);
    const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(tokens), { mode: 0o600 });
    await Deno.chmod(temp, 0o600);
    await Deno.rename(temp, path);
    this.#tokens = tokens;
  }

  async #tokenRequest(form: Record<string, string>): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.deps.tokenBaseUrl}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    }).catch((error) => {
      throw new YouTubeAuthError(`Cannot reach Google's token endpoint: ${(error as Error).message}`);
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = `${body.error ?? response.status}${
        body.error_description ? `: ${body.error_description}` : ""
      }`;
      this.#lastError = reason;
      if (body.error === "invalid_grant") {
        throw new YouTubeAuthError(
          `Google refused the YouTube authorisation (invalid_grant: ${
            body.error_description ?? "expired or revoked"
          }): authorise again with youtube.authStart.`,
        );
      }
      throw new YouTubeAuthError(`The token request failed (${reason}).`);
    }
    this.#lastError = null;
    return body;
  }

  async #store(body: Record<string, unknown>, previous?: StoredTokens | null): Promise<StoredTokens> {
    const now = this.deps.clock.now();
    const refreshToken = (body.refresh_token as string | undefined) ?? previous?.refreshToken;
    if (!refreshToken) {
      throw new YouTubeAuthError("Google returned no refresh token: authorise again (with prompt=consent).");
    }
    const tokens: StoredTokens = {
      refreshToken,
      accessToken: body.access_token as string,
      accessExpiresAt: now + Number(body.expires_in ?? 3600) * 1000,
      refreshExpiresAt: body.refresh_token_expires_in
        ? now + Number(body.refresh_token_expires_in) * 1000
        : body.refresh_token
        ? undefined
        : previous?.refreshExpiresAt,
      scope: (body.scope as string | undefined) ?? previous?.scope ?? "",
      obtainedAt: body.refresh_token ? now : previous?.obtainedAt ?? now,
      channel: previous?.channel,
    };
    if (!tokens.channel && this.deps.channel && tokens.accessToken) {
      tokens.channel = await this.deps.channel(tokens.accessToken).catch((error) => {
        this.deps.log.warn("cannot read the YouTube channel", { error: (error as Error).message });
        return undefined;
      });
    }
    await this.#save(tokens);
    return tokens;
  }

  /** A valid access token, refreshed when it expires within five minutes (or when forced). */
  token(force = false): Promise<string> {
    this.#refreshing ??= (async () => {
      const tokens = await this.#load();
      if (!tokens) {
        throw new YouTubeAuthError(
          "YouTube is not authorised yet: run youtube.authStart (the Schedule screen's `a`).",
        );
      }
      if (
        !force && tokens.accessToken && (tokens.accessExpiresAt ?? 0) - this.deps.clock.now() > 5 * 60_000
      ) {
        return tokens.accessToken;
      }
      const client = await this.#client();
      const body = await this.#tokenRequest({
        grant_type: "refresh_token",
        refresh_token: tokens.refreshToken,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      });
      this.deps.log.info("YouTube access token refreshed");
      return (await this.#store(body, tokens)).accessToken!;
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /**
   * Starts the loopback flow: a listener on 127.0.0.1 (`port`, or a free one) that takes
   * Google's redirect. Returns the URL to open in a browser and the port to forward over SSH.
   */
  async start(port = 0): Promise<{ url: string; port: number; redirectUri: string }> {
    const client = await this.#client();
    await this.#closePending();
    const verifier = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = encodeBase64Url(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))),
    );
    const state = encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    const done = Promise.withResolvers<void>();
    const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request) => {
      const url = new URL(request.url);
      const code = url.searchParams.get("code");
      if (url.searchParams.get("state") !== state || !code) {
        return new Response(
          `Authorisation failed: ${url.searchParams.get("error") ?? "unexpected request"}.`,
          { status: 400 },
        );
      }
      try {
        await this.complete({ code });
        done.resolve();
        return new Response("lingoreel is authorised to upload to YouTube. You can close this window.");
      } catch (error) {
        return new Response(`Authorisation failed: ${(error as Error).message}`, { status: 400 });
      }
    });
    const actual = server.addr.port;
    const redirectUri = `http://127.0.0.1:${actual}`;
    const url = `${client.authUri}?${new URLSearchParams({
      client_id: client.clientId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: SCOPES.join(" "),
      access_type: "offline",
      prompt: "consent",
      code_challenge: challenge,
      code_challenge_method: "S256",
      state,
    })}`;
    this.#pending = { url, port: actual, state, verifier, redirectUri, server };
    // the listener closes after the redirect, or after ten minutes
    const timer = setTimeout(() => this.#closePending(), 10 * 60_000);
    done.promise.then(() => {
      clearTimeout(timer);
      setTimeout(() => this.#closePending(), 100);
    });
    this.deps.log.info("YouTube authorisation started", { port: actual });
    return { url, port: actual, redirectUri };
  }

  async #closePending(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    await pending?.server.shutdown().catch(() => {});
  }

  /** Finishes with a code (from the redirect, or pasted) or a refresh token obtained elsewhere. */
  async complete(input: { code?: string; refreshToken?: string }): Promise<YouTubeAuthStatus> {
    const client = await this.#client();
    if (input.refreshToken) {
      const body = await this.#tokenRequest({
        grant_type: "refresh_token",
        refresh_token: input.refreshToken,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      });
      await this.#store({ ...body, refresh_token: body.refresh_token ?? input.refreshToken });
    } else if (input.code) {
      const pending = this.#pending;
      const body = await this.#tokenRequest({
        grant_type: "authorization_code",
        code: input.code,
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uri: pending?.redirectUri ?? "http://127.0.0.1",
        ...(pending ? { code_verifier: pending.verifier } : {}),
      });
      await this.#store(body);
    } else {
      throw new YouTubeAuthError("Give the code from Google's page, or a refresh token.");
    }
    this.deps.log.info("YouTube authorised", { channel: this.#tokens?.channel?.title });
    return await this.status();
  }

  /** The connection, its channel and expiries, and what needs attention. */
  async status(): Promise<YouTubeAuthStatus> {
    const tokens = await this.#load();
    const configured = Boolean(this.deps.clientSecretFile);
    const now = this.deps.clock.now();
    const warnings: string[] = [];
    if (!configured) warnings.push("YOUTUBE_CLIENT_SECRET_FILE is not set: uploads are off.");
    else if (!tokens) warnings.push("Not authorised yet: run youtube.authStart.");
    if (this.#lastError?.startsWith("invalid_grant")) {
      warnings.push(
        `Google answered invalid_grant: the authorisation is revoked or expired; authorise again.`,
      );
    }
    if (tokens?.refreshExpiresAt) {
      const days = (tokens.refreshExpiresAt - now) / 86_400_000;
      warnings.push(
        `The OAuth consent screen is in Testing mode: this refresh token ${
          days > 0 ? `expires in ${days.toFixed(1)} days` : "has expired"
        }` +
          " — publish the app in Google Cloud (OAuth consent screen → Publish) or authorise again every week.",
      );
    }
    return {
      configured,
      connected: Boolean(tokens) && !this.#lastError?.startsWith("invalid_grant"),
      channel: tokens?.channel ?? null,
      scopes: tokens?.scope ? tokens.scope.split(" ") : [],
      accessExpiresAt: tokens?.accessExpiresAt ? new Date(tokens.accessExpiresAt).toISOString() : null,
      refreshExpiresAt: tokens?.refreshExpiresAt ? new Date(tokens.refreshExpiresAt).toISOString() : null,
      pending: this.#pending ? { url: this.#pending.url, port: this.#pending.port } : null,
      warnings,
    };
  }

  async close(): Promise<void> {
    await this.#closePending();
  }
}
