/**
 * The YouTube Data API v3 calls lingoreel makes, over plain `fetch`: the resumable upload
 * protocol (start a session, send chunks, ask the confirmed offset after a failure), thumbnails,
 * playlist items and the channel. Errors are classified from Google's error bodies.
 */

/** A failed call, with what Google said. */
export class YouTubeApiError extends Error {
  constructor(
    readonly status: number,
    /** `errors[0].reason`, e.g. quotaExceeded, uploadLimitExceeded, invalidTitle. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "YouTubeApiError";
  }

  /** Worth trying again later: a server error or a network failure (status 0). */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }

  /** The project's daily bucket is spent until Pacific midnight. */
  get quotaExceeded(): boolean {
    return this.status === 403 && (this.reason === "quotaExceeded" || this.reason === "dailyLimitExceeded");
  }

  /** The channel's own 24-hour upload cap. */
  get uploadLimitExceeded(): boolean {
    return this.reason === "uploadLimitExceeded";
  }
}

/** The video resource as the API returns it (the parts lingoreel reads). */
export interface YouTubeVideo {
  id: string;
  status?: { privacyStatus?: string; publishAt?: string; uploadStatus?: string };
}

/** What an upload sends as the video's metadata. */
export interface VideoMetadata {
  snippet: {
    title: string;
    description: string;
    tags: string[];
    categoryId: string;
    defaultLanguage?: string;
    defaultAudioLanguage?: string;
  };
  status: { privacyStatus: string; publishAt?: string; selfDeclaredMadeForKids: boolean };
}

async function apiError(response: Response, what: string): Promise<YouTubeApiError> {
  const text = await response.text().catch(() => "");
  let reason = "";
  let message = text.slice(0, 300) || response.statusText;
  try {
    const body = JSON.parse(text);
    reason = body.error?.errors?.[0]?.reason ?? body.error?.status ??
      (typeof body.error === "string" ? body.error : "");
    message = body.error?.message ?? body.error_description ?? message;
  } catch { /* not JSON */ }
  return new YouTubeApiError(
    response.status,
    reason,
    `${what}: HTTP ${response.status}${reason ? ` ${reason}` : ""}: ${message}`,
  );
}

/** Calls of the YouTube Data API with a bearer token that `token()` provides (and refreshes). */
export class YouTubeClient {
  readonly #http: Deno.HttpClient;

  constructor(
    private readonly deps: {
      apiBaseUrl: string;
      uploadBaseUrl: string;
      /** A valid access token; `force` asks for a fresh one (after a 401). */
      token: (force?: boolean) => Promise<string>;
    },
  ) {
    // no idle connections: fetch re-sends a body by itself when a reused connection breaks,
    // which would send bytes of an upload twice without the protocol knowing
    this.#http = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  }

  close(): void {
    this.#http.close();
  }

  /** A call with the token; a 401 refreshes the token once and tries again. */
  async #call(url: string, init: RequestInit, what: string, okStatuses = [200, 201]): Promise<Response> {
    for (let attempt = 0;; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          ...init,
          client: this.#http,
          headers: {
            ...init.headers as Record<string, string>,
            authorization: `Bearer ${await this.deps.token(attempt > 0)}`,
          },
        });
      } catch (error) {
        if (init.signal?.aborted) throw error;
        throw new YouTubeApiError(0, "network", `${what}: ${(error as Error).message}`);
      }
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        continue;
      }
      if (okStatuses.includes(response.status)) return response;
      throw await apiError(response, what);
    }
  }

  /** The authorised channel. */
  async channel(signal?: AbortSignal): Promise<{ id: string; title: string }> {
    const response = await this.#call(
      `${this.deps.apiBaseUrl}/youtube/v3/channels?part=snippet&mine=true`,
      { signal },
      "channels.list",
    );
    const body = await response.json();
    const item = body.items?.[0];
    if (!item) {
      throw new YouTubeApiError(
        404,
        "channelNotFound",
        "channels.list: the account has no YouTube channel: create one first.",
      );
    }
    return { id: item.id, title: item.snippet?.title ?? item.id };
  }

  /** Starts a resumable upload session; returns its URI. This is the videos.insert call. */
  async startUpload(metadata: VideoMetadata, size: number, signal?: AbortSignal): Promise<string> {
    const response = await this.#call(
      `${this.deps.uploadBaseUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
      {
        method: "POST",
        signal,
        headers: {
          "content-type": "application/json; charset=UTF-8",
          "x-upload-content-length": String(size),
          "x-upload-content-type": "video/mp4",
        },
        body: JSON.stringify(metadata),
      },
      "videos.insert",
    );
    await response.body?.cancel();
    const location = response.headers.get("location");
    if (!location) {
      throw new YouTubeApiError(
        response.status,
        "noSession",
        "videos.insert: no Location header in the answer",
      );
    }
    return location;
  }

  /**
   * What the server holds of a session: the confirmed byte count, or the video when complete
   * (`PUT` with `Content-Range: bytes *\/size` and no body).
   */
  async queryOffset(
    sessionUri: string,
    size: number,
    signal?: AbortSignal,
  ): Promise<{ offset: number } | { video: YouTubeVideo }> {
    const response = await this.#call(
      sessionUri,
      { method: "PUT", signal, headers: { "content-range": `bytes */${size}`, "content-length": "0" } },
      "upload status",
      [200, 201, 308],
    );
    if (response.status === 308) {
      await response.body?.cancel();
      return { offset: confirmed(response) };
    }
    return { video: await response.json() };
  }

  /**
   * Sends the file from `offset` in chunks of `chunkBytes`; after each the server's confirmed
   * offset (from `Range`) is reported and the next chunk starts there, so no byte is sent twice.
   */
  async sendFrom(
    sessionUri: string,
    file: Deno.FsFile,
    size: number,
    offset: number,
    chunkBytes: number,
    hooks: { signal?: AbortSignal; onOffset?: (offset: number) => Promise<void> | void } = {},
  ): Promise<YouTubeVideo> {
    let at = offset;
    while (true) {
      const length = Math.min(chunkBytes, size - at);
      const chunk = new Uint8Array(length);
      await file.seek(at, Deno.SeekMode.Start);
      let read = 0;
      while (read < length) {
        const n = await file.read(chunk.subarray(read));
        if (n === null) throw new Error(`the file ended at byte ${at + read} of ${size}`);
        read += n;
      }
      const response = await this.#call(
        sessionUri,
        {
          method: "PUT",
          signal: hooks.signal,
          headers: { "content-range": `bytes ${at}-${at + length - 1}/${size}`, "content-type": "video/mp4" },
          body: chunk,
        },
        "upload chunk",
        [200, 201, 308],
      );
      if (response.status !== 308) return await response.json();
      await response.body?.cancel();
      at = confirmed(response);
      await hooks.onOffset?.(at);
    }
  }

  /** Sets a video's thumbnail (thumbnails.set). */
  async setThumbnail(
    videoId: string,
    image: Uint8Array<ArrayBuffer>,
    contentType: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const response = await this.#call(
      `${this.deps.uploadBaseUrl}/upload/youtube/v3/thumbnails/set?videoId=${encodeURIComponent(videoId)}`,
      { method: "POST", signal, headers: { "content-type": contentType }, body: image },
      "thumbnails.set",
    );
    await response.body?.cancel();
  }

  /** Adds a video to a playlist (playlistItems.insert). */
  async addToPlaylist(playlistId: string, videoId: string, signal?: AbortSignal): Promise<void> {
    const response = await this.#call(
      `${this.deps.apiBaseUrl}/youtube/v3/playlistItems?part=snippet`,
      {
        method: "POST",
        signal,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ snippet: { playlistId, resourceId: { kind: "youtube#video", videoId } } }),
      },
      "playlistItems.insert",
    );
    await response.body?.cancel();
  }
}

/** The confirmed byte count of a 308 answer: `Range: bytes=0-N` → N + 1; no header → 0. */
function confirmed(response: Response): number {
  const range = response.headers.get("range");
  const match = range ? /bytes=0-(\d+)/.exec(range) : null;
  return match ? Number(match[1]) + 1 : 0;
}
