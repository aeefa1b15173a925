/**
 * `q` as an FTS5 query. Each space-separated word becomes a phrase of its parts in order, the last
 * part matching as a prefix: `PL_DXB_2025-11-05_batch-1` finds that batch (and batch-1x), `dxb front`
 * finds batches with both words anywhere in the name, description or file names. Only letters and
 * digits reach FTS5, so user input can never be FTS syntax.
 */
export function ftsQuery(q: string): string | null {
  const phrases = q
    .split(/\s+/)
    .map((word) => word.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
    .filter((parts) => parts.length > 0)
    .slice(0, 12);
  if (phrases.length === 0) return null;
  return phrases.map((parts) => `"${parts.join(" ")}"*`).join(" ");
}
