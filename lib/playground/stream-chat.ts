import { streamChatCompletion } from "./model-client";
import { runningModel } from "./model-endpoint";
import type { TChatEvent, TChatRequest } from "./schema";
import { webSshPool } from "./web-ssh";

const encoder = new TextEncoder();
const sse = (event: TChatEvent): Uint8Array => encoder.encode(`data: ${JSON.stringify(event)}\n\n`);

/**
 * One playground turn: the deployment must be running (404/409 are thrown before anything streams),
 * then the answer is relayed as Server-Sent Events (`delta`, then `done` or `error`) as vLLM
 * produces it. The request goes to vLLM through the host's SSH connection; the browser never sees
 * the API key. Closing the browser's request stops the model request.
 */
export async function streamChat(
  deploymentId: string,
  request: TChatRequest,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const model = await runningModel(deploymentId);
  const info = model.connection;
  const secrets = [model.endpoint.apiKey].filter((s): s is string => Boolean(s));
  const scrub = (text: string): string => secrets.reduce((t, s) => t.replaceAll(s, "********"), text);
  return new ReadableStream<Uint8Array>({
    start: async (controller) => {
      const send = (event: TChatEvent): void => {
        try {
          controller.enqueue(sse(event));
        } catch {
          // the browser went away
        }
      };
      try {
        const result = await webSshPool().use(info.host.id, info.version, info.target, (connection) =>
          streamChatCompletion(
            connection,
            model.endpoint,
            {
              model: model.servedModelName,
              messages: request.messages,
              max_tokens: request.max_tokens,
              temperature: request.temperature,
            },
            { signal, onText: (text) => send({ type: "delta", text }) },
          ),
        );
        send({
          type: "done",
          finishReason: result.finishReason,
          promptTokens: result.promptTokens,
          completionTokens: result.completionTokens,
          ttftMs: result.ttftMs,
          latencyMs: result.latencyMs,
        });
      } catch (err) {
        send({ type: "error", message: scrub(err instanceof Error ? err.message : String(err)) });
      } finally {
        try {
          controller.close();
        } catch {
          // already closed by a cancelled reader
        }
      }
    },
  });
}
