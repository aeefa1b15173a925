import { Suspense } from "react";
import { requirePageUser } from "@/features/auth/pages";
import { Dashboard } from "./_dashboard/dashboard";

export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  await requirePageUser("/");
  return (
    <section aria-labelledby="dashboard-title">
      <Suspense fallback={<h1 id="dashboard-title" className="text-2xl font-semibold">Batches</h1>}>
        <Dashboard />
      </Suspense>
    </section>
  );
}
