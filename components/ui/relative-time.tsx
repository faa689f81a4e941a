/** "3 min ago", with the exact UTC time on hover. Rendered on the server at request time. */
export function RelativeTime({ iso, never = "never" }: { iso: string | null; never?: string }) {
  if (!iso) return <span className="text-slate-400">{never}</span>;
  const at = new Date(iso);
  return (
    <time dateTime={iso} title={exactTime(at)} className="whitespace-nowrap">
      {relative(at, Date.now())}
    </time>
  );
}

export function exactTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function relative(at: Date, now: number): string {
  const seconds = Math.round((now - at.getTime()) / 1000);
  if (seconds < 0) return exactTime(at);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return at.toISOString().slice(0, 10);
}
