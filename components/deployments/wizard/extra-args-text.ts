/**
 * The extra-arguments textarea: one flag per line, its value after the first space or after `=`.
 * `--max-num-seqs 64`, `--max-num-seqs=64` and `--limit-mm-per-prompt {"image": 2}` each give one
 * flag and one value; the value keeps its inner spaces, so JSON needs no quoting. A line that does
 * not start with `-` is taken whole, as a value on its own line. Empty lines are skipped.
 */
export function parseExtraArgsText(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    const split = /^(-[^\s=]*)\s+(\S.*)$/.exec(line);
    if (split?.[1] !== undefined && split[2] !== undefined) tokens.push(split[1], split[2]);
    else tokens.push(line);
  }
  return tokens;
}

/** Arguments as the textarea writes them: a flag and its value on one line. */
export function formatExtraArgs(args: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i] ?? "";
    const next = args[i + 1];
    if (token.startsWith("-") && next !== undefined && !next.startsWith("-")) {
      lines.push(`${token} ${next}`);
      i++;
    } else lines.push(token);
  }
  return lines.join("\n");
}
