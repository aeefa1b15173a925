import type { Metadata } from "next";
import { requirePageUser } from "@/features/auth/pages";
import { isAdmin } from "@/features/auth/scopes";
import { PipelinesManager } from "./pipelines-manager";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Pipelines · Batchyard" };

export default async function PipelinesPage() {
  const user = await requirePageUser("/pipelines");
  return (
    <section aria-labelledby="pipelines-title" className="space-y-6">
      <div>
        <h1 id="pipelines-title" className="text-2xl font-semibold">Pipelines</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Each pipeline turns every uploaded file into one output: format, size, quality, transparency and metadata.
        </p>
      </div>
      <PipelinesManager isAdmin={isAdmin(user)} />
    </section>
  );
}
