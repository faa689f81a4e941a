import type { TChatRequest } from "./schema";

/** A value as one POSIX shell word: single quotes, with each ' written as '\''. */
function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The playground's request as a curl command to run on the deployment's host (vLLM is often bound
 * to its loopback). The API key is never in it: it reads $VLLM_API_KEY, which the operator sets.
 */
export function chatCurl(input: {
  address: string;
  port: number;
  model: string;
  hasApiKey: boolean;
  request: TChatRequest;
}): string {
  const host = input.address.includes(":") ? `[${input.address}]` : input.address;
  const body = JSON.stringify(
    {
      model: input.model,
      messages: input.request.messages,
      max_tokens: input.request.max_tokens,
      temperature: input.request.temperature,
      stream: true,
    },
    null,
    2,
  );
  return [
    `curl -N http://${host}:${input.port}/v1/chat/completions \\`,
    `  -H 'Content-Type: application/json' \\`,
    ...(input.hasApiKey ? [`  -H "Authorization: Bearer $VLLM_API_KEY" \\`] : []),
    `  -d ${shellWord(body)}`,
  ].join("\n");
}
