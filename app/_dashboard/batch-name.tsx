/**
 * A batch name that may be cut on a narrow screen, always keeping its end: batches of one day and
 * customer differ only in their counter (`…_batch-1`, `…_batch-2`), so the middle is what goes.
 */
export function BatchName({ name, className = "" }: { name: string; className?: string }) {
  const cut = name.lastIndexOf("_");
  const head = cut > 0 ? name.slice(0, cut) : name;
  const tail = cut > 0 ? name.slice(cut) : "";
  return (
    <span className={`flex min-w-0 font-mono ${className}`} title={name}>
      <span className="truncate">{head}</span>
      {tail && <span className="shrink-0">{tail}</span>}
    </span>
  );
}
