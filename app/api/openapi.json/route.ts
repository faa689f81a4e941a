import { openApiDocument } from "@/lib/api/openapi";
import { respondPublic } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/openapi.json - the REST API's OpenAPI 3.1 description (public: it holds no data)
export async function GET(request: Request): Promise<Response> {
  return respondPublic(request, async () => Response.json(openApiDocument()));
}
