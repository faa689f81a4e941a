import { type ConnectOptions, SshConnection, type SshTarget } from "./connection";

interface Entry {
  /** Changes when the host's settings change (address, credentials, pinned key): a new connection. */
  version: string;
  connection: Promise<SshConnection>;
  users: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * One SSH connection per host, shared by the steps of a job and by concurrent jobs on that host,
 * closed after it has been idle a while. A connection that drops is forgotten at once, so the next
 * step connects afresh while the step that was running fails with a clear error.
 */
export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly opts: ConnectOptions & { idleMs: number }) {}

  async use<T>(
    hostId: string,
    version: string,
    target: () => Promise<SshTarget>,
    work: (connection: SshConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new Error("The SSH pool is closed");
    const entry = this.entryFor(hostId, version, target);
    entry.users += 1;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    try {
      const connection = await entry.connection;
      if (!connection.isOpen) {
        // Closed between uses (the host went away): forget it and connect afresh.
        if (this.entries.get(hostId) === entry) this.entries.delete(hostId);
        return await this.use(hostId, version, target, work);
      }
      return await work(connection);
    } finally {
      entry.users -= 1;
      if (entry.users === 0 && this.entries.get(hostId) === entry) {
        entry.idleTimer = setTimeout(() => this.drop(hostId, entry), this.opts.idleMs);
        entry.idleTimer.unref();
      } else if (entry.users === 0) {
        void entry.connection.then(
          (c) => c.close(),
          () => undefined,
        );
      }
    }
  }

  /** How many hosts have a connection open or opening (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private entryFor(hostId: string, version: string, target: () => Promise<SshTarget>): Entry {
    const current = this.entries.get(hostId);
    if (current && current.version === version) return current;
    if (current) {
      // Settings changed: new work gets a new connection; the old one closes when its users finish.
      this.entries.delete(hostId);
      clearTimeout(current.idleTimer);
      if (current.users === 0)
        void current.connection.then(
          (c) => c.close(),
          () => undefined,
        );
    }
    const entry: Entry = {
      version,
      users: 0,
      idleTimer: undefined,
      connection: Promise.resolve(undefined as never),
    };
    entry.connection = target()
      .then((t) => SshConnection.open(t, this.opts))
      .then(
        (connection) => {
          connection.onClose(() => {
            if (this.entries.get(hostId) === entry) this.entries.delete(hostId);
          });
          return connection;
        },
        (err: unknown) => {
          if (this.entries.get(hostId) === entry) this.entries.delete(hostId);
          throw err;
        },
      );
    this.entries.set(hostId, entry);
    return entry;
  }

  private drop(hostId: string, entry: Entry): void {
    if (this.entries.get(hostId) !== entry || entry.users > 0) return;
    this.entries.delete(hostId);
    void entry.connection.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) clearTimeout(entry.idleTimer);
    await Promise.all(
      all.map((e) =>
        e.connection.then(
          (c) => c.close(),
          () => undefined,
        ),
      ),
    );
  }
}
