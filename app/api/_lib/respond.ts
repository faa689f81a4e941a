import { AppError } from "@/lib/errors";

const STATUS: Record<AppError["code"], number> = {
  validation: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/** The one place that turns domain errors into HTTP responses; unknown errors are not leaked. */
export async function respond(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) {
      return Response.json({ error: err.message, fields: err.fields }, { status: STATUS[err.code] });
    }
    console.error(JSON.stringify({ level: "error", msg: "request failed", error: (err as Error).message }));
    return Response.json({ error: "Internal error; see the web app's log" }, { status: 500 });
  }
}

export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new AppError("validation", "The request body must be JSON");
  }
}
