/**
 * The `vllm serve` flags an operator may add as extra arguments. Anything else is refused with
 * the flag's name: an allow-list keeps the wizard from becoming a way to run arbitrary options
 * (or to override the bind address, port and API key the other fields own).
 */

type TValueKind = "none" | "int" | "number" | "word" | "path" | "json-or-pairs";

export const EXTRA_ARG_FLAGS: Readonly<Record<string, TValueKind>> = {
  "--enforce-eager": "none",
  "--enable-prefix-caching": "none",
  "--no-enable-prefix-caching": "none",
  "--enable-chunked-prefill": "none",
  "--no-enable-chunked-prefill": "none",
  "--trust-remote-code": "none",
  "--disable-log-requests": "none",
  "--disable-log-stats": "none",
  "--enable-auto-tool-choice": "none",
  "--max-num-seqs": "int",
  "--max-num-batched-tokens": "int",
  "--max-logprobs": "int",
  "--block-size": "int",
  "--seed": "int",
  "--pipeline-parallel-size": "int",
  "--swap-space": "number",
  "--cpu-offload-gb": "number",
  "--kv-cache-dtype": "word",
  "--tool-call-parser": "word",
  "--reasoning-parser": "word",
  "--generation-config": "word",
  "--uvicorn-log-level": "word",
  "--tokenizer-mode": "word",
  "--chat-template": "path",
  "--download-dir": "path",
  "--tokenizer": "path",
  "--limit-mm-per-prompt": "json-or-pairs",
};

/** Flags the wizard's own fields set; named in the refusal so the operator knows where to go. */
const OWNED_BY_FIELDS: Readonly<Record<string, string>> = {
  "--host": "the bind address field",
  "--port": "the port field",
  "--api-key": "the API key field (kept secret, never on the command line)",
  "--served-model-name": "the served model name field",
  "--model": "the model step",
  "--revision": "the model step",
  "--dtype": "the dtype field",
  "--quantization": "the quantization field",
  "-q": "the quantization field",
  "--max-model-len": "the max model length field",
  "--tensor-parallel-size": "the tensor parallel size field",
  "-tp": "the tensor parallel size field",
  "--gpu-memory-utilization": "the GPU memory utilization field",
};

const VALUE_PATTERNS: Readonly<Record<Exclude<TValueKind, "none">, RegExp>> = {
  int: /^\d{1,9}$/,
  number: /^\d{1,6}(\.\d{1,4})?$/,
  word: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  path: /^[^\0\r\n]{1,1024}$/,
  "json-or-pairs": /^[^\0\r\n]{1,256}$/,
};

const VALUE_HINTS: Readonly<Record<Exclude<TValueKind, "none">, string>> = {
  int: "a whole number",
  number: "a number",
  word: "a word of letters, digits, . _ -",
  path: "a path or name on one line",
  "json-or-pairs": 'JSON such as {"image":2} or pairs such as image=2',
};

export type TExtraArgsResult = { ok: true; args: string[] } | { ok: false; message: string };

/**
 * Checks extra arguments, one token per element (`["--max-num-seqs", "64"]`) or `--flag=value`,
 * and returns them normalised to separate tokens. Values are data: a value that looks like a
 * new flag, or that holds a NUL byte or a line break, is refused.
 */
export function checkExtraArgs(tokens: readonly string[]): TExtraArgsResult {
  const bad = tokens.findIndex((t) => /[\0\r\n]/.test(t));
  if (bad >= 0)
    return { ok: false, message: `Extra argument ${bad + 1} contains a NUL byte or a line break` };
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? "";
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    const inlineValue = eq > 0 ? token.slice(eq + 1) : undefined;
    if (!flag.startsWith("-")) {
      return {
        ok: false,
        message: `Extra argument ${JSON.stringify(shorten(flag))} is not a flag: write flags as --name, each followed by its value`,
      };
    }
    const owner = OWNED_BY_FIELDS[flag];
    if (owner !== undefined)
      return { ok: false, message: `${flag} is set by ${owner}, not by extra arguments` };
    const kind = Object.hasOwn(EXTRA_ARG_FLAGS, flag) ? EXTRA_ARG_FLAGS[flag] : undefined;
    if (kind === undefined) {
      return {
        ok: false,
        message: `${shorten(flag)} is not an allowed vllm serve flag. Allowed: ${Object.keys(EXTRA_ARG_FLAGS).join(", ")}`,
      };
    }
    if (kind === "none") {
      if (inlineValue !== undefined) return { ok: false, message: `${flag} takes no value` };
      out.push(flag);
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      value = tokens[i + 1];
      i++;
    }
    if (value === undefined || value === "")
      return { ok: false, message: `${flag} needs a value (${VALUE_HINTS[kind]})` };
    if (value.startsWith("-")) {
      return {
        ok: false,
        message: `The value of ${flag} looks like another flag; give ${VALUE_HINTS[kind]}`,
      };
    }
    if (!VALUE_PATTERNS[kind].test(value))
      return { ok: false, message: `${flag} needs ${VALUE_HINTS[kind]}` };
    out.push(flag, value);
  }
  return { ok: true, args: out };
}

/** Flags, values excluded, present in a normalised list. */
export function flagsIn(args: readonly string[]): Set<string> {
  return new Set(args.filter((a) => a.startsWith("--") && Object.hasOwn(EXTRA_ARG_FLAGS, a)));
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
