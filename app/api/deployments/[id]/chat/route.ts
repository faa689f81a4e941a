import { validationError } from "@/lib/errors";
import { ZChatRequestSchema } from "@/lib/playground/schema";
import { streamChat } from "@/lib/playground/stream-chat";
import { jsonBody, respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/chat - one chat turn with a running deployment, streamed as Server-Sent Events
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.chat", target: `deployment:${id}` },
    async () => {
      const parsed = ZChatRequestSchema.safeParse(await jsonBody(request));
      if (!parsed.success) throw validationError(parsed.error.issues, "The chat request is not valid");
      const stream = await streamChat(id, parsed.data, request.signal);
      return new Response(stream, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache, no-transform",
          "x-accel-buffering": "no",
        },
      });
    },
  );
}
