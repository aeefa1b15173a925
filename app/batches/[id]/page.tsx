import { BatchDetailView } from "@/app/_dashboard/batch-detail-view";

export const dynamic = "force-dynamic";

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <BatchDetailView id={id} />;
}
