/**
 * Errors that reach an operator: what happened, and what to do next. Only the route layer turns
 * these into HTTP status codes.
 */
export type TAppErrorCode =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "unavailable";

export class AppError extends Error {
  constructor(
    readonly code: TAppErrorCode,
    message: string,
    /** Field-level messages for forms, keyed by field name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** A validation failure as an AppError: the first message per field, keyed by the dotted path. */
export function validationError(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  summary = "Some fields need attention",
): AppError {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path.map(String).join(".") || "form"] ??= issue.message;
  const first = Object.entries(fields)[0];
  return new AppError("validation", first ? `${summary}: ${first[0]}: ${first[1]}` : summary, fields);
}
