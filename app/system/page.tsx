import type { Metadata } from "next";
import { requirePageUser } from "@/features/auth/pages";
import { isAdmin } from "@/features/auth/scopes";
import { SystemView } from "./system-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "System · Batchyard" };

export default async function SystemPage() {
  const user = await requirePageUser("/system");
  return (
    <section aria-labelledby="system-title" className="space-y-4">
      <h1 id="system-title" className="text-2xl font-semibold">System</h1>
      <SystemView isAdmin={isAdmin(user)} />
    </section>
  );
}
