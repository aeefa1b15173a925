import { listAssets, createAsset } from "@/features/assets/service";
import { listAssetsQuerySchema } from "@/features/assets/schemas";
import { getContext } from "@/features/shared/context";
import { json, parseQuery, route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

/** Live watermark assets, newest first; `?include_archived=true` lists archived ones too. */
export const GET = route(async (request) => {
  const query = parseQuery(request, listAssetsQuerySchema);
  return json({ data: listAssets(getContext(), { includeArchived: query.include_archived === "true" }) });
});

/** multipart `file` (PNG or WebP with alpha, ≤ 10 MB): 201 with the new asset, 200 when the same bytes are already one. */
export const POST = route(async (request, { auth }) => {
  const { asset, created } = await createAsset(getContext(), request, auth);
  return json(asset, { status: created ? 201 : 200 });
}, { access: "admin" });
