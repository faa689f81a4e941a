// Button looks shared by links and buttons, so an action reads the same wherever it appears.
const base =
  "inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium shadow-sm transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-1 disabled:cursor-not-allowed disabled:opacity-50";

export const buttonClass = {
  primary: `${base} bg-slate-900 text-white hover:bg-slate-700`,
  accent: `${base} bg-sky-600 text-white hover:bg-sky-500`,
  secondary: `${base} bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`,
  danger: `${base} bg-rose-600 text-white hover:bg-rose-500`,
  dangerOutline: `${base} bg-white text-rose-700 ring-1 ring-inset ring-rose-300 hover:bg-rose-50`,
} as const;
