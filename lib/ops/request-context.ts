import { AsyncLocalStorage } from "node:async_hooks";

/** The request a piece of work runs for: its id follows the work into the jobs it queues and their logs. */
export interface TRequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<TRequestContext>();

export function runWithRequest<T>(context: TRequestContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
