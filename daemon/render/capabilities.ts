/**
 * What the installed ffmpeg can do, probed once: the encoders and filters lingoreel needs, and
 * whether an optional hardware encoder actually works on this machine.
 */

/** Encoders and filters every render uses. */
export const REQUIRED = {
  encoders: ["libx264", "aac"],
  filters: ["ass", "loudnorm", "boxblur", "overlay", "concat", "atempo", "scale", "pad"],
} as const;

/** What is missing, as a sentence, or undefined when nothing is. */
export interface Capabilities {
  encoders: Set<string>;
  filters: Set<string>;
  missing: string[];
}

async function list(
  ffmpeg: string,
  what: "-encoders" | "-filters",
  signal?: AbortSignal,
): Promise<Set<string>> {
  const out = await new Deno.Command(ffmpeg, {
    args: ["-hide_banner", what],
    stdout: "piped",
    stderr: "null",
    signal,
  })
    .output();
  const names = new Set<string>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const match = /^\s*[A-Z.|]{3,6}\s+([\w-]+)\s/.exec(line);
    if (match) names.add(match[1]);
  }
  return names;
}

/** Lists the encoders and filters of an ffmpeg binary and what of {@link REQUIRED} it lacks. */
export async function probeCapabilities(ffmpeg: string, signal?: AbortSignal): Promise<Capabilities> {
  const [encoders, filters] = await Promise.all([
    list(ffmpeg, "-encoders", signal),
    list(ffmpeg, "-filters", signal),
  ]);
  const missing = [
    ...REQUIRED.encoders.filter((e) => !encoders.has(e)).map((e) => `encoder ${e}`),
    ...REQUIRED.filters.filter((f) => !filters.has(f)).map((f) =>
      `filter ${f}${f === "ass" ? " (libass)" : ""}`
    ),
  ];
  return { encoders, filters, missing };
}

/** Whether a hardware encoder really encodes here (listed is not enough: it needs its device). */
export async function encoderWorks(ffmpeg: string, encoder: string): Promise<boolean> {
  const args = [
    "-hide_banner",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "color=c=black:s=256x256:d=0.2",
    ...(encoder === "h264_vaapi"
      ? ["-vaapi_device", "/dev/dri/renderD128", "-vf", "format=nv12,hwupload"]
      : []),
    "-c:v",
    encoder,
    "-frames:v",
    "2",
    "-f",
    "null",
    "-",
  ];
  const out = await new Deno.Command(ffmpeg, { args, stdout: "null", stderr: "null" }).output().catch(() =>
    undefined
  );
  return out?.success ?? false;
}
