import type { Metadata } from "next";
import { requirePageUser } from "@/features/auth/pages";
import { isAdmin } from "@/features/auth/scopes";
import { getConfig } from "@/features/shared/config";
import { UsersManager } from "./users-manager";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Users · Batchyard" };

const UNITS: Record<number, string> = { 1_000: "second", 60_000: "minute", 3_600_000: "hour", 86_400_000: "day" };

/** UPLOAD_RATE_LIMIT as it was written ("3/hour"), or null when it is off. */
function memberDefault(): string | null {
  const limit = getConfig().UPLOAD_RATE_LIMIT;
  return limit ? `${limit.max}/${UNITS[limit.windowMs] ?? `${limit.windowMs / 1000}s`}` : null;
}

export default async function UsersPage() {
  const user = await requirePageUser("/users");
  return (
    <section aria-labelledby="users-title" className="space-y-6">
      <div>
        <h1 id="users-title" className="text-2xl font-semibold">Users</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Admins manage users, pipelines and maintenance; members upload and control their own batches.
        </p>
      </div>
      {isAdmin(user) ? (
        <UsersManager currentUserId={user.userId} memberDefault={memberDefault()} />
      ) : (
        <p role="status" className="rounded-md border border-slate-300 bg-white p-4 text-sm dark:border-slate-700 dark:bg-slate-900">
          Only admins can manage users.
        </p>
      )}
    </section>
  );
}
