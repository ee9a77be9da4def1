/**
 * Every line of text of a render as one ASS subtitle document, burned in by libass in the same
 * encode: dual subtitles, cards, title and keywords. Positions keep clear of YouTube's Shorts
 * controls (the right-hand buttons and the caption area at the bottom).
 */
import type { RenderPlan, TextEvent, TextStyle } from "./plan.ts";

/** The font every style asks for; libass falls back (via fontconfig) for scripts it lacks, e.g. CJK. */
export const FONT = "DejaVu Sans";

// ASS colours are &HAABBGGRR
const WHITE = "&H00FFFFFF";
const YELLOW = "&H0066E6FF";
const ACCENT = "&H0000C8FF";
const GREY = "&H00D0D0D0";
const SHADOW = "&H90000000";

interface Style {
  /** Drop shadow depth; only subtitles over the picture need one (each layer costs per frame). */
  shadow?: number;
  size: number;
  colour: string;
  bold: boolean;
  alignment: number; // numpad layout: 2 bottom centre, 8 top centre, 5 middle
  marginL: number;
  marginR: number;
  marginV: number;
  outline: number;
}

function styles(plan: RenderPlan): Record<TextStyle, Style> {
  if (plan.kind === "short") {
    // The picture sits in the middle third; subtitles go under it, above the caption area
    // (bottom ~25%), and left of the action buttons (right ~160 px).
    return {
      Source: {
        size: 62,
        colour: WHITE,
        bold: true,
        alignment: 2,
        marginL: 70,
        marginR: 170,
        marginV: 560,
        outline: 4,
        shadow: 1,
      },
      Target: {
        size: 52,
        colour: YELLOW,
        bold: false,
        alignment: 8,
        marginL: 70,
        marginR: 170,
        marginV: 1390,
        outline: 3,
      },
      Title: {
        size: 64,
        colour: WHITE,
        bold: true,
        alignment: 8,
        marginL: 70,
        marginR: 170,
        marginV: 230,
        outline: 2,
      },
      Keywords: {
        size: 40,
        colour: GREY,
        bold: false,
        alignment: 8,
        marginL: 70,
        marginR: 170,
        marginV: 330,
        outline: 1,
      },
      CardHead: {
        size: 104,
        colour: ACCENT,
        bold: true,
        alignment: 5,
        marginL: 90,
        marginR: 170,
        marginV: 0,
        outline: 0,
      },
      CardBody: {
        size: 56,
        colour: WHITE,
        bold: false,
        alignment: 5,
        marginL: 90,
        marginR: 170,
        marginV: 0,
        outline: 0,
      },
      CardNote: {
        size: 44,
        colour: GREY,
        bold: false,
        alignment: 5,
        marginL: 90,
        marginR: 170,
        marginV: 0,
        outline: 0,
      },
    };
  }
  return {
    Source: {
      size: 54,
      colour: WHITE,
      bold: true,
      alignment: 2,
      marginL: 120,
      marginR: 120,
      marginV: 120,
      outline: 3,
      shadow: 1,
    },
    Target: {
      size: 44,
      colour: YELLOW,
      bold: false,
      alignment: 2,
      marginL: 120,
      marginR: 120,
      marginV: 50,
      outline: 3,
    },
    Title: {
      size: 48,
      colour: WHITE,
      bold: true,
      alignment: 8,
      marginL: 120,
      marginR: 120,
      marginV: 40,
      outline: 3,
    },
    Keywords: {
      size: 32,
      colour: GREY,
      bold: false,
      alignment: 8,
      marginL: 120,
      marginR: 120,
      marginV: 100,
      outline: 2,
    },
    CardHead: {
      size: 88,
      colour: ACCENT,
      bold: true,
      alignment: 5,
      marginL: 200,
      marginR: 200,
      marginV: 0,
      outline: 0,
    },
    CardBody: {
      size: 48,
      colour: WHITE,
      bold: false,
      alignment: 5,
      marginL: 200,
      marginR: 200,
      marginV: 0,
      outline: 0,
    },
    CardNote: {
      size: 38,
      colour: GREY,
      bold: false,
      alignment: 5,
      marginL: 200,
      marginR: 200,
      marginV: 0,
      outline: 0,
    },
  };
}

/** A time as the ASS file states it: whole centiseconds, in milliseconds. */
export function assTimeMs(ms: number): number {
  return Math.max(0, Math.round(ms / 10)) * 10;
}

function time(ms: number): string {
  const cs = assTimeMs(ms) / 10;
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6_000);
  const s = Math.floor((cs % 6_000) / 100);
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${
    String(cs % 100).padStart(2, "0")
  }`;
}

/** Plain text made safe for an ASS event: no override blocks, line breaks as \N. */
export function escapeAss(text: string): string {
  return text.replace(/\\/g, "⧵").replace(/[{}]/g, (c) => (c === "{" ? "(" : ")")).replace(/\r?\n/g, "\\N");
}

function withHighlight(text: string, highlight: string | undefined): string {
  if (!highlight) return escapeAss(text);
  const at = text.toLowerCase().indexOf(highlight.toLowerCase());
  if (at < 0) return escapeAss(text);
  const end = at + highlight.length;
  return `${escapeAss(text.slice(0, at))}{\\c${ACCENT}&}${escapeAss(text.slice(at, end))}{\\r}${
    escapeAss(text.slice(end))
  }`;
}

function eventText(e: TextEvent, plan: RenderPlan): string {
  const tags: string[] = [];
  if (e.size) tags.push(`\\fs${e.size}`);
  if (e.y !== undefined) tags.push(`\\an5\\pos(${Math.round(plan.width / 2)},${e.y})`);
  return (tags.length ? `{${tags.join("")}}` : "") + withHighlight(e.text, e.highlight);
}

/** The ASS document of a plan. */
export function renderAss(plan: RenderPlan): string {
  const s = styles(plan);
  const styleLines = Object.entries(s).map(([name, st]) =>
    `Style: ${name},${FONT},${st.size},${st.colour},${st.colour},&H00000000,${SHADOW},${
      st.bold ? -1 : 0
    },0,0,0,100,100,0,0,1,${st.outline},${
      st.shadow ?? 0
    },${st.alignment},${st.marginL},${st.marginR},${st.marginV},1`
  );
  const events = [...plan.text].sort((a, b) => a.startMs - b.startMs).map((e) =>
    `Dialogue: 0,${time(e.startMs)},${time(e.endMs)},${e.style},,0,0,0,,${eventText(e, plan)}`
  );
  return [
    "[Script Info]",
    "ScriptType: v4.00+",
    `PlayResX: ${plan.width}`,
    `PlayResY: ${plan.height}`,
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    ...styleLines,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ...events,
    "",
  ].join("\n");
}
