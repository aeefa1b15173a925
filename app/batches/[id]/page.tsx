import { requirePageUser } from "@/features/auth/pages";
import { BatchDetailView } from "@/app/_dashboard/batch-detail-view";

export const dynamic = "force-dynamic";

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser(`/batches/${encodeURIComponent(id)}`);
  return <BatchDetailView id={id} />;
}
