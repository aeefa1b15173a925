import { getBatchDetail } from "@/features/batches/detail";
import { jsonWithEtag } from "@/features/batches/etag";
import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (request, { params }) => {
  const { id } = await params;
  return jsonWithEtag(request, getBatchDetail(getContext(), id));
});
