import { randomFillSync } from "node:crypto";

/**
 * Job ids are UUIDv7 (RFC 9562): 48 bits of milliseconds, then 74 random bits. Still unguessable,
 * but ordered by creation, so the ids the queue writes in one commit (attempts_job_id_idx, the
 * jobs primary key) land on the same index page instead of one random page each.
 */
export function jobId(now: number): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(Math.max(0, Math.floor(now)) % 2 ** 48, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8]! & 0x3f); // variant 10
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
