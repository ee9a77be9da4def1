/**
 * A render plan: pure data describing one output video — which stretches of the source, which
 * cards, in what order, and every line of text on screen — built from an expression group.
 * `compile.ts` turns it into one ffmpeg invocation.
 */
import type { RenderKind, RenderOptions } from "../../shared/render.ts";
import type { Cue } from "../../shared/schemas.ts";

/** The most frames per second an output gets; a slower source keeps its own rate (less to encode). */
export const MAX_FPS = 30;

/** The output frame rate for a source: its own, rounded, between 15 and {@link MAX_FPS}. */
export function outputFps(sourceFps: number | null | undefined): number {
  if (!sourceFps || !Number.isFinite(sourceFps)) return MAX_FPS;
  return Math.min(MAX_FPS, Math.max(15, Math.round(sourceFps)));
}

/** What the plan needs of an expression. */
export interface PlanExpression {
  id: number;
  text: string;
  line: string;
  startMs: number;
  endMs: number;
  translations: { language: string; expression: string; line: string; title: string }[];
  meaning: string;
  similar: string[];
  example: string;
  keywords: string[];
}

/** What the plan needs of the source video. */
export interface PlanSource {
  path: string;
  /** Frames per second of the source, when known. */
  fps?: number | null;
  durationMs: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

/** A piece of the output: a stretch of the source, or a card. */
export type PlanSegment =
  & { startMs: number; durationMs: number }
  & (
    | {
      type: "clip";
      role: "context" | "repeat";
      fromMs: number;
      toMs: number;
      speed: number;
      expressionId?: number;
    }
    | { type: "card"; role: "transition" | "lesson"; expressionId: number }
  );

/** Named text styles (defined in `ass.ts`). */
export type TextStyle = "Source" | "Target" | "Title" | "Keywords" | "CardHead" | "CardBody" | "CardNote";

/** A line of text on screen, in output time. `text` is plain text; `highlight` is marked in it. */
export interface TextEvent {
  startMs: number;
  endMs: number;
  style: TextStyle;
  text: string;
  highlight?: string;
  /** Font size, when the style's default does not fit the text. */
  size?: number;
  /** Vertical position of the line's centre (cards), in output pixels. */
  y?: number;
}

/** One output video. */
export interface RenderPlan {
  kind: RenderKind;
  width: number;
  height: number;
  /** Frames per second of the output (see {@link outputFps}). */
  fps: number;
  source: PlanSource;
  segments: PlanSegment[];
  text: TextEvent[];
  durationMs: number;
  /** The scene was shortened to keep a Short within its maximum. */
  trimmedContext: boolean;
  expressionIds: number[];
  background: RenderOptions["background"];
}

/** The expressions cannot fit a Short of the maximum length even with the scene cut to them. */
export class PlanTooLongError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanTooLongError";
  }
}

/** Silence kept around a replayed line. */
const LINE_PAD_MS = 250;
/** The least of the scene kept around the expressions when trimming. */
const SCENE_MARGIN_MS = 700;

const SIZES: Record<RenderKind, { width: number; height: number }> = {
  short: { width: 1080, height: 1920 },
  long: { width: 1920, height: 1080 },
};

/** Rounds to whole frames at `fps` so that segment boundaries fall on frames. */
function toFrames(ms: number, fps: number): number {
  return Math.round((ms * fps) / 1000) * (1000 / fps);
}

function pickTranslation(e: PlanExpression, language?: string) {
  return e.translations.find((t) => t.language === language) ?? e.translations[0];
}

function cardText(
  e: PlanExpression,
  language: string | undefined,
  kind: RenderKind,
): Omit<TextEvent, "startMs" | "endMs">[] {
  const t = pickTranslation(e, language);
  const h = SIZES[kind].height;
  const head = e.text.length <= 18 ? 1 : e.text.length <= 32 ? 0.8 : 0.62;
  const base = kind === "short" ? 1 : 0.75;
  const lines: Omit<TextEvent, "startMs" | "endMs">[] = [
    {
      style: "CardHead",
      text: e.text,
      size: Math.round(104 * head * base),
      y: Math.round(h * (kind === "short" ? 0.3 : 0.24)),
    },
  ];
  if (t) {
    lines.push({
      style: "CardBody",
      text: `→ ${t.expression}`,
      size: Math.round(64 * base),
      y: Math.round(h * (kind === "short" ? 0.39 : 0.36)),
    });
  }
  if (e.meaning) {
    lines.push({
      style: "CardBody",
      text: e.meaning,
      size: Math.round((e.meaning.length > 90 ? 46 : 54) * base),
      y: Math.round(h * (kind === "short" ? 0.5 : 0.48)),
    });
  }
  if (e.similar.length) {
    lines.push({
      style: "CardNote",
      text: `Similar: ${e.similar.slice(0, 4).join(" · ")}`,
      y: Math.round(h * 0.62),
    });
  }
  if (e.example) {
    lines.push({
      style: "CardNote",
      text: `“${e.example}”`,
      y: Math.round(h * (kind === "short" ? 0.71 : 0.74)),
    });
  }
  return lines;
}

/**
 * Builds the plan of one video: the scene with dual subtitles, then for each expression a short
 * transition card, its line replayed `repeat` times and a lesson card. A Short longer than
 * `maxShortMs` gets its scene trimmed (never the expressions' lines); if that is not enough the
 * replays are reduced to one, and failing that the plan is refused.
 */
export function buildPlan(input: {
  kind: RenderKind;
  source: PlanSource;
  context: { startMs: number; endMs: number };
  expressions: PlanExpression[];
  sourceCues: readonly Cue[];
  targetCues: readonly Cue[];
  options: RenderOptions;
  show: string;
}): RenderPlan {
  const { kind, options } = input;
  const { width, height } = SIZES[kind];
  const fps = outputFps(input.source.fps);
  const frames = (ms: number) => toFrames(ms, fps);
  const expressions = [...input.expressions].sort((a, b) => a.startMs - b.startMs);
  if (!expressions.length) throw new Error("A render needs at least one expression.");
  const language = options.targetLanguage ?? expressions[0].translations[0]?.language;
  const lineOf = (e: PlanExpression) => ({
    from: Math.max(0, e.startMs - LINE_PAD_MS),
    to: Math.min(input.source.durationMs, e.endMs + LINE_PAD_MS),
  });

  let repeat = options.repeat;
  const tailMs = () =>
    expressions.reduce((sum, e) => {
      const line = lineOf(e);
      const plain = frames(line.to - line.from);
      const slow = options.slowLastRepeat ? frames((line.to - line.from) / 0.75) : plain;
      return sum + frames(options.transitionMs) + plain * (repeat - 1) + slow + frames(options.cardMs);
    }, 0);

  let ctxFrom = Math.max(0, input.context.startMs);
  let ctxTo = Math.min(input.source.durationMs, input.context.endMs);
  let trimmedContext = false;
  if (kind === "short") {
    const firstLine = Math.max(0, expressions[0].startMs - SCENE_MARGIN_MS);
    const lastLine = Math.min(
      input.source.durationMs,
      Math.max(...expressions.map((e) => e.endMs)) + SCENE_MARGIN_MS,
    );
    const minimal = () => frames(lastLine - firstLine);
    if (minimal() + tailMs() > options.maxShortMs && repeat > 1) repeat = 1;
    if (minimal() + tailMs() > options.maxShortMs) {
      throw new PlanTooLongError(
        `Expressions ${expressions.map((e) => e.id).join(", ")} need ${
          ((minimal() + tailMs()) / 1000).toFixed(1)
        } s, more than a Short's ${
          options.maxShortMs / 1000
        } s: render them separately, or shorten the cards (cardMs).`,
      );
    }
    const room = options.maxShortMs - tailMs();
    while (frames(ctxTo - ctxFrom) > room) {
      trimmedContext = true;
      // cut from the side with more scene beyond the expressions
      const before = firstLine - ctxFrom;
      const after = ctxTo - lastLine;
      const excess = frames(ctxTo - ctxFrom) - room;
      if (before >= after) ctxFrom = Math.min(firstLine, ctxFrom + Math.max(excess, 1));
      else ctxTo = Math.max(lastLine, ctxTo - Math.max(excess, 1));
    }
  }

  const segments: PlanSegment[] = [];
  const text: TextEvent[] = [];
  let at = 0;
  const push = (segment: PlanSegment) => {
    segments.push(segment);
    at += segment.durationMs;
  };

  // the scene, with both subtitle lines
  const ctxMs = frames(ctxTo - ctxFrom);
  push({
    type: "clip",
    role: "context",
    startMs: 0,
    durationMs: ctxMs,
    fromMs: ctxFrom,
    toMs: ctxFrom + ctxMs,
    speed: 1,
  });
  const inScene = (c: Cue) => c.endMs > ctxFrom && c.startMs < ctxFrom + ctxMs;
  const toScene = (ms: number) => Math.max(0, Math.min(ctxMs, ms - ctxFrom));
  for (const cue of input.sourceCues.filter(inScene)) {
    const expression = expressions.find((e) => e.startMs < cue.endMs && e.endMs > cue.startMs);
    text.push({
      startMs: toScene(cue.startMs),
      endMs: toScene(cue.endMs),
      style: "Source",
      text: cue.text,
      highlight: expression?.text,
    });
  }
  const targets = input.targetCues.filter(inScene);
  if (targets.length) {
    // translations are cut differently and often overlap: show one at a time
    targets.forEach((cue, i) => {
      const end = Math.min(cue.endMs, targets[i + 1]?.startMs ?? Infinity);
      text.push({ startMs: toScene(cue.startMs), endMs: toScene(end), style: "Target", text: cue.text });
    });
  } else {
    // no subtitles in the target language: the expressions' own lines, translated
    for (const e of expressions) {
      const t = pickTranslation(e, language);
      if (t?.line) {
        text.push({ startMs: toScene(e.startMs), endMs: toScene(e.endMs), style: "Target", text: t.line });
      }
    }
  }

  for (const e of expressions) {
    const t = pickTranslation(e, language);
    push({
      type: "card",
      role: "transition",
      startMs: at,
      durationMs: frames(options.transitionMs),
      expressionId: e.id,
    });
    text.push({
      startMs: at - frames(options.transitionMs),
      endMs: at,
      style: "CardHead",
      text: "Listen again",
      size: kind === "short" ? 84 : 64,
      y: Math.round(height * 0.45),
    });
    const line = lineOf(e);
    for (let r = 0; r < repeat; r++) {
      const speed = options.slowLastRepeat && r === repeat - 1 ? 0.75 : 1;
      const durationMs = frames((line.to - line.from) / speed);
      const startMs = at;
      push({
        type: "clip",
        role: "repeat",
        startMs,
        durationMs,
        fromMs: line.from,
        toMs: line.to,
        speed,
        expressionId: e.id,
      });
      text.push({ startMs, endMs: startMs + durationMs, style: "Source", text: e.line, highlight: e.text });
      if (t?.line) text.push({ startMs, endMs: startMs + durationMs, style: "Target", text: t.line });
    }
    const cardStart = at;
    push({
      type: "card",
      role: "lesson",
      startMs: at,
      durationMs: frames(options.cardMs),
      expressionId: e.id,
    });
    for (const line of cardText(e, language, kind)) text.push({ ...line, startMs: cardStart, endMs: at });
  }

  if (kind === "short") {
    // over the picture only: the cards carry their own heading (and each blended line costs per frame)
    const title = pickTranslation(expressions[0], language)?.title ?? expressions[0].text;
    const keywords = [...new Set(expressions.flatMap((e) => [e.text, ...e.keywords]))].slice(0, 4);
    const tags = keywords.map((k) => `#${k.replace(/\s+/g, "")}`).join(" ");
    for (const seg of segments.filter((s) => s.type === "clip")) {
      const span = { startMs: seg.startMs, endMs: seg.startMs + seg.durationMs };
      text.push({ ...span, style: "Title", text: title }, { ...span, style: "Keywords", text: tags });
    }
  }

  return {
    kind,
    width,
    height,
    fps,
    source: input.source,
    segments,
    text,
    durationMs: at,
    trimmedContext,
    expressionIds: expressions.map((e) => e.id),
    background: options.background,
  };
}

/** The plan in words, for previews and logs. */
export function describePlan(plan: RenderPlan): string[] {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `${plan.kind === "short" ? "Short" : "Lesson"} ${plan.width}x${plan.height}, ${s(plan.durationMs)}${
      plan.trimmedContext ? " (scene trimmed to fit)" : ""
    }`,
    ...plan.segments.map((seg) =>
      seg.type === "clip"
        ? `${s(seg.startMs)}  ${seg.role === "context" ? "scene" : "replay"} ${s(seg.fromMs)}–${
          s(seg.toMs)
        } of the episode${seg.speed !== 1 ? ` at ${seg.speed * 100}% speed` : ""}`
        : `${s(seg.startMs)}  ${seg.role === "transition" ? "transition card" : "lesson card"} (${
          s(seg.durationMs)
        })`
    ),
  ];
}
