/**
 * Errors that reach an operator: what happened, and what to do next. Only the route layer turns
 * these into HTTP status codes.
 */
export type TAppErrorCode = "validation" | "not_found" | "conflict" | "unavailable";

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
