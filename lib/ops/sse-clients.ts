/** Event-stream clients connected to this web app process right now. */
const globalForClients = globalThis as unknown as { webopsSseClients?: number };

export function sseClientOpened(): void {
  globalForClients.webopsSseClients = (globalForClients.webopsSseClients ?? 0) + 1;
}

export function sseClientClosed(): void {
  globalForClients.webopsSseClients = Math.max(0, (globalForClients.webopsSseClients ?? 0) - 1);
}

export function sseClients(): number {
  return globalForClients.webopsSseClients ?? 0;
}
