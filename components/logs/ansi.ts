import Anser from "anser";
import type { CSSProperties } from "react";

/** A run of text with one look: Tailwind classes for the 16 colours, an inline colour for the rest. */
export interface TAnsiSegment {
  text: string;
  className: string;
  style?: CSSProperties;
}

// Anser reads SGR (colours, bold, ...) and drops CSI cursor movement; it leaves OSC (window
// titles, hyperlinks) and two-byte escapes (charset selection, ...) in the text, so they go first,
// and control characters anser passes through (a lone ESC, BEL, backspace) go after.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is this module's job
const NON_SGR_ESCAPES = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b(?:[()*+][0-9A-Za-z]|[@-Z\\^_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is this module's job
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const HAS_CONTROLS = new RegExp(CONTROLS.source);

/** Tuned for the dark log panel: the dark primaries of a terminal palette are unreadable on it. */
const FOREGROUND: Record<string, string> = {
  "ansi-black": "text-slate-500",
  "ansi-red": "text-red-400",
  "ansi-green": "text-green-400",
  "ansi-yellow": "text-yellow-300",
  "ansi-blue": "text-blue-400",
  "ansi-magenta": "text-fuchsia-400",
  "ansi-cyan": "text-cyan-400",
  "ansi-white": "text-slate-200",
  "ansi-bright-black": "text-slate-400",
  "ansi-bright-red": "text-red-300",
  "ansi-bright-green": "text-green-300",
  "ansi-bright-yellow": "text-yellow-200",
  "ansi-bright-blue": "text-blue-300",
  "ansi-bright-magenta": "text-fuchsia-300",
  "ansi-bright-cyan": "text-cyan-300",
  "ansi-bright-white": "text-white",
};

const BACKGROUND: Record<string, string> = {
  "ansi-black": "bg-slate-800",
  "ansi-red": "bg-red-900",
  "ansi-green": "bg-green-900",
  "ansi-yellow": "bg-yellow-900",
  "ansi-blue": "bg-blue-900",
  "ansi-magenta": "bg-fuchsia-900",
  "ansi-cyan": "bg-cyan-900",
  "ansi-white": "bg-slate-300",
  "ansi-bright-black": "bg-slate-700",
  "ansi-bright-red": "bg-red-700",
  "ansi-bright-green": "bg-green-700",
  "ansi-bright-yellow": "bg-yellow-700",
  "ansi-bright-blue": "bg-blue-700",
  "ansi-bright-magenta": "bg-fuchsia-700",
  "ansi-bright-cyan": "bg-cyan-700",
  "ansi-bright-white": "bg-slate-100",
};

const DECORATION: Record<string, string> = {
  bold: "font-bold",
  dim: "opacity-70",
  italic: "italic",
  underline: "underline",
  strikethrough: "line-through",
  hidden: "invisible",
};

const CUBE = [0, 95, 135, 175, 215, 255];

/** xterm's 256-colour palette above the 16 named colours: a 6×6×6 cube, then 24 greys. */
function paletteColour(index: number): string | undefined {
  if (index >= 16 && index < 232) {
    const n = index - 16;
    return `rgb(${CUBE[Math.floor(n / 36)]}, ${CUBE[Math.floor(n / 6) % 6]}, ${CUBE[n % 6]})`;
  }
  if (index >= 232 && index < 256) {
    const grey = 8 + (index - 232) * 10;
    return `rgb(${grey}, ${grey}, ${grey})`;
  }
  return undefined;
}

/** An anser colour (a class name with `use_classes`) as a Tailwind class or an inline colour. */
function colour(
  name: string | null,
  truecolor: string | null,
  named: Record<string, string>,
): { className?: string; css?: string } {
  if (!name) return {};
  if (named[name]) return { className: named[name] };
  if (name === "ansi-truecolor" && truecolor) return { css: `rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) {
    const index = Number(palette[1]);
    // 0–15 through the palette are the named colours.
    const namedIndex = Object.keys(FOREGROUND)[index];
    if (namedIndex && named[namedIndex]) return { className: named[namedIndex] };
    return { css: paletteColour(index) };
  }
  return {};
}

/**
 * What a terminal would leave visible after carriage returns: progress bars rewrite the line, so
 * the last non-empty part is what the operator saw last.
 */
function afterCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  const parts = text.split("\r").filter((p) => p.length > 0);
  return parts.at(-1) ?? "";
}

/**
 * A line's text as styled runs: SGR colours (16 named, 256 and true colour) and decorations kept,
 * every other escape sequence and control character removed. Plain lines take a fast path.
 */
export function parseAnsi(raw: string): TAnsiSegment[] {
  const text = afterCarriageReturns(raw);
  if (!HAS_CONTROLS.test(text)) return [{ text, className: "" }];
  const segments: TAnsiSegment[] = [];
  const sgrOnly = text.replace(NON_SGR_ESCAPES, "");
  for (const entry of Anser.ansiToJson(sgrOnly, { use_classes: true, remove_empty: true })) {
    const content = entry.content.replace(CONTROLS, "");
    if (!content) continue;
    const fg = colour(entry.fg, entry.fg_truecolor, FOREGROUND);
    const bg = colour(entry.bg, entry.bg_truecolor, BACKGROUND);
    const classes = [fg.className, bg.className, ...entry.decorations.map((d) => DECORATION[d])];
    const style: CSSProperties = {};
    if (fg.css) style.color = fg.css;
    if (bg.css) style.backgroundColor = bg.css;
    segments.push({
      text: content,
      className: classes.filter(Boolean).join(" "),
      ...(fg.css || bg.css ? { style } : {}),
    });
  }
  return segments;
}

/** The visible characters of a line, exactly the concatenation of `parseAnsi`'s runs (for search). */
export function plainText(raw: string): string {
  const text = afterCarriageReturns(raw);
  if (!HAS_CONTROLS.test(text)) return text;
  return parseAnsi(text)
    .map((s) => s.text)
    .join("");
}
