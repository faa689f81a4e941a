/**
 * Known causes of a failed remote command, read from its last lines of output: what an operator
 * should hear instead of "exited with 1" alone. Patterns are the messages of the C library and of the
 * tools (pip, apt, the shell) as they print them; the first that matches names the cause.
 */
const CAUSES: { pattern: RegExp; cause: (path: string) => string }[] = [
  {
    pattern: /No space left on device|\[Errno 28\]|ENOSPC/i,
    cause: (path) =>
      `the host's disk is full (No space left on device) where it writes, under ${path}; free space there or choose another deployment path`,
  },
  {
    pattern: /Disk quota exceeded|\[Errno 122\]|EDQUOT/i,
    cause: (path) => `the user's disk quota is used up (Disk quota exceeded) under ${path}`,
  },
  {
    pattern: /Read-only file system|\[Errno 30\]|EROFS/,
    cause: (path) => `the file system under ${path} is read-only`,
  },
  {
    pattern: /Cannot allocate memory|\[Errno 12\]|MemoryError/,
    cause: () => "the host ran out of memory",
  },
];

/** The cause named by the last lines of a failed command, or null when none is known. */
export function failureCause(lastLines: readonly string[], path: string): string | null {
  for (const { pattern, cause } of CAUSES) if (lastLines.some((l) => pattern.test(l))) return cause(path);
  return null;
}
