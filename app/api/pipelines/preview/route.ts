import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";
import { previewPipeline } from "@/features/pipelines/preview";

export const dynamic = "force-dynamic";

/** JSON `{spec, sample}` or multipart `spec` + `sample`|`file`; answers the processed image bytes. */
export const POST = route(async (request, { auth }) => {
  const result = await previewPipeline(getContext(), request, auth);
  return new Response(new Uint8Array(result.bytes), { status: 200, headers: result.headers });
});
