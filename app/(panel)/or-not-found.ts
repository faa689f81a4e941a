import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** Awaits a page's data; a missing record renders the 404 page instead of an error. */
export async function orNotFound<T>(data: Promise<T>): Promise<T> {
  try {
    return await data;
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
}
