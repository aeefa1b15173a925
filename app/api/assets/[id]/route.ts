import { deleteAsset, requireAsset, toAsset } from "@/features/assets/service";
import { getContext } from "@/features/shared/context";
import { json, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(toAsset(requireAsset(getContext(), id)));
});

/** 200 `{outcome:"deleted",id}`, or `{outcome:"archived",asset}` while a pipeline uses it. */
export const DELETE = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  return json(deleteAsset(getContext(), id));
}, { access: "admin" });
