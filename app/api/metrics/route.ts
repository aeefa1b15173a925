import { getContext } from "@/features/shared/context";
import { route } from "@/features/shared/http";
import { renderMetrics } from "@/features/maintenance/metrics";

export const dynamic = "force-dynamic";

/** Prometheus text exposition (prom-client). */
export const GET = route(async () => {
  const metrics = await renderMetrics(getContext());
  return new Response(metrics.body, { status: 200, headers: { "Content-Type": metrics.contentType, "Cache-Control": "no-store" } });
}, { access: "metrics" });
