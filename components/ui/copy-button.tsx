"use client";

import { useState } from "react";

/** Copies public text (a public key, a command) to the clipboard. Never give it a secret. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<boolean | "failed">(false);

  async function onClick() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Plain http on a LAN address has no clipboard API; the text stays selectable.
      setCopied("failed");
    }
  }

  return (
    <button
      type="button"
      onClick={onClick}
      className="rounded px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-300 hover:bg-slate-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      <span aria-live="polite">
        {copied === true ? "Copied" : copied === "failed" ? "Select and copy" : label}
      </span>
    </button>
  );
}

/** A block of public text with a copy button. */
export function CopyBlock({ text, testId, label }: { text: string; testId?: string; label?: string }) {
  return (
    <div className="relative">
      <pre
        data-testid={testId}
        className="overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-50 py-2 pl-3 pr-20 font-mono text-xs text-slate-800 ring-1 ring-inset ring-slate-200"
      >
        {text}
      </pre>
      <div className="absolute right-2 top-1.5">
        <CopyButton text={text} label={label} />
      </div>
    </div>
  );
}
