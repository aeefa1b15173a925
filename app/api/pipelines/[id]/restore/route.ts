import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";
import { restorePipeline } from "@/features/pipelines/service";

export const dynamic = "force-dynamic";

/** 200 the pipeline, live again; 409 duplicate_name while a live pipeline has its name. */
export const POST = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(restorePipeline(getContext(), id));
}, { access: "admin" });
