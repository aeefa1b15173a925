import type { Metadata } from "next";
import { SystemView } from "./system-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "System · Batchyard" };

export default function SystemPage() {
  return (
    <section aria-labelledby="system-title" className="space-y-4">
      <h1 id="system-title" className="text-2xl font-semibold">System</h1>
      <SystemView />
    </section>
  );
}
