import type { AppContext } from "@/features/shared/context";
import { selectFailureGroups, selectGroupBatches, selectGroupSamples } from "./queries";
import { toFilter, type FailuresQuery } from "./schemas";

/**
 * The Failures view (GET /api/failures): open failures (failed jobs nobody dismissed) across all
 * batches, grouped by error code and message, largest group first, each with the batches it touches
 * and a few of its files for thumbnails. Members see every batch, as on the dashboard.
 */

const BATCHES_PER_GROUP = 10;
const SAMPLES_PER_GROUP = 6;

const iso = (ms: number) => new Date(ms).toISOString();

export function listFailures(ctx: AppContext, query: FailuresQuery) {
  const sqlite = ctx.db.$client;
  const filter = toFilter(query);
  const { groups, total } = selectFailureGroups(sqlite, filter, query.limit);
  return {
    from: query.from === undefined ? null : iso(query.from),
    to: query.to === undefined ? null : iso(query.to),
    pipeline_id: filter.pipelineId,
    total_failures: total,
    groups: groups.map((group) => {
      const key = { code: group.error_code, message: group.error_message };
      return {
        error_code: group.error_code,
        error_message: group.error_message,
        files: group.files,
        batch_count: group.batches,
        first_at: iso(group.first_at),
        last_at: iso(group.last_at),
        batches: selectGroupBatches(sqlite, filter, key, BATCHES_PER_GROUP),
        samples: selectGroupSamples(sqlite, filter, key, SAMPLES_PER_GROUP).map((s) => ({ ...s, thumbnail_url: `/api/files/${s.file_id}/thumbnail` })),
      };
    }),
  };
}

export type FailuresPage = ReturnType<typeof listFailures>;
export type FailureGroup = FailuresPage["groups"][number];
