/**
 * Running ffmpeg: progress from `-progress pipe:1`, cancellation through an AbortSignal (the
 * process is killed), and the tail of stderr kept for the error of a failed run.
 */

/** ffmpeg exited with an error; `stderrTail` holds its last lines. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    options?: ErrorOptions & { signal?: Deno.Signal | null },
  ) {
    super(stderrTail ? `${message}\n${stderrTail}` : message, options);
    this.name = "FfmpegError";
    this.signal = options?.signal ?? null;
  }

  /** The signal that ended ffmpeg when something outside killed it (not our cancel). */
  readonly signal: Deno.Signal | null;
}

/** Progress of a run: output time encoded so far, and the encoding speed (1.0 = real time). */
export interface FfmpegProgress {
  outTimeMs: number;
  speed: number;
}

/** Runs one ffmpeg command. */
export interface FfmpegRunner {
  run(
    args: string[],
    options?: { signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void },
  ): Promise<void>;
}

const TAIL_LINES = 15;

/** Parses `key=value` progress blocks; calls back at each `progress=` line. */
function progressParser(onProgress: (p: FfmpegProgress) => void): (chunk: string) => void {
  let buffer = "";
  let outTimeMs = 0;
  let speed = 0;
  return (chunk) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      const [key, value] = line.trim().split("=", 2);
      if (key === "out_time_us" || key === "out_time_ms") {
        // both are microseconds in ffmpeg 5 (out_time_ms is misnamed)
        const us = Number(value);
        if (Number.isFinite(us) && us >= 0) outTimeMs = us / 1000;
      } else if (key === "speed") {
        speed = Number.parseFloat(value) || 0;
      } else if (key === "progress") {
        onProgress({ outTimeMs, speed });
      }
    }
  };
}

/** The real ffmpeg binary. */
export class FfmpegProcess implements FfmpegRunner {
  constructor(private readonly binary: () => Promise<string>) {}

  async run(
    args: string[],
    options: { signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void } = {},
  ): Promise<void> {
    options.signal?.throwIfAborted();
    const child = new Deno.Command(await this.binary(), {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const kill = () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    };
    options.signal?.addEventListener("abort", kill, { once: true });
    const parse = options.onProgress ? progressParser(options.onProgress) : undefined;
    const stdout = (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) parse?.(chunk);
    })();
    let tail: string[] = [];
    const stderr = (async () => {
      let rest = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        tail = tail.concat(lines.filter((l) => l.trim())).slice(-TAIL_LINES);
      }
      if (rest.trim()) tail = tail.concat(rest).slice(-TAIL_LINES);
    })();
    const status = await child.status;
    await Promise.all([stdout, stderr]);
    options.signal?.removeEventListener("abort", kill);
    if (options.signal?.aborted) throw options.signal.reason;
    if (!status.success) {
      throw new FfmpegError(
        `ffmpeg exited with code ${status.code}${status.signal ? ` (${status.signal})` : ""}:`,
        tail.join("\n"),
        { signal: status.signal },
      );
    }
  }
}
