import type { Metadata } from "next";
import { requirePageUser } from "@/features/auth/pages";
import { FailuresView } from "./failures-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Failures · Batchyard" };

export default async function FailuresPage() {
  await requirePageUser("/failures");
  return (
    <section aria-labelledby="failures-title" className="space-y-4">
      <div>
        <h1 id="failures-title" className="text-2xl font-semibold">Failures</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">Failed files across all batches, grouped by what went wrong.</p>
      </div>
      <FailuresView />
    </section>
  );
}
