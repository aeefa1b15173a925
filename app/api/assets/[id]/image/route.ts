import { assetImage } from "@/features/assets/service";
import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_request, { params }) => {
  const { id } = await params;
  const image = await assetImage(getContext(), id);
  return new Response(new Uint8Array(image.bytes), { status: 200, headers: image.headers });
});
