/**
 * Masks secrets in a log line before it is stored or sent anywhere: the values WebOps knows to be
 * secret for this operation (a token, an API key, a password), and the shapes secrets take in
 * command output even when WebOps did not put them there.
 */
export const MASK = "********";

/**
 * The shapes, each with a cheap test that any match needs (a text without it is not scanned: most
 * output holds none of them, and a flood of lines is masked several times faster).
 */
const PATTERNS: readonly { needs: (text: string) => boolean; pattern: RegExp }[] = [
  // Hugging Face tokens.
  { needs: (t) => t.includes("hf_"), pattern: /\bhf_[A-Za-z0-9]{20,}\b/g },
  // HTTP authorization headers, as curl -v or a proxy log prints them.
  {
    needs: (t) => /authorization/i.test(t),
    pattern: /(\bAuthorization:\s*(?:Bearer|Basic|token)\s+)[^\s"']+/gi,
  },
  // Command-line flags and environment assignments that carry a secret.
  { needs: (t) => t.includes("--"), pattern: /(--(?:api-key|hf-token|token|password)(?:=|\s+))[^\s"']+/gi },
  {
    needs: (t) => t.includes("="),
    pattern:
      /(\b(?:HF_TOKEN|HUGGING_FACE_HUB_TOKEN|VLLM_API_KEY|[A-Z_]*PASSWORD|[A-Z_]*SECRET[A-Z_]*)=)[^\s"']+/g,
  },
  // Credentials inside URLs: scheme://user:password@host
  {
    needs: (t) => t.includes("://") && t.includes("@"),
    pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(@)/gi,
  },
];

export function maskSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...known].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
  }
  for (const { needs, pattern } of PATTERNS) {
    if (!needs(out)) continue;
    out = out.replace(pattern, (_match, ...groups: unknown[]) => {
      const captures = groups.slice(0, -2).filter((g): g is string => typeof g === "string");
      if (captures.length === 0) return MASK;
      if (captures.length === 2) return `${captures[0]}${MASK}${captures[1]}`;
      return `${captures[0]}${MASK}`;
    });
  }
  return out;
}
