import { send } from "@/app/_shared/api";
import type { FailureActionReport } from "@/features/failures/actions";
import type { FailureGroup, FailuresPage } from "@/features/failures/service";

export type { FailureActionReport, FailureGroup, FailuresPage };

export interface GroupFilter {
  from?: string;
  pipeline_id?: string;
}

export const failures = {
  act: (action: "retry" | "dismiss", group: FailureGroup, filter: GroupFilter) =>
    send<FailureActionReport>("POST", `/api/failures/${action}`, { error_code: group.error_code, error_message: group.error_message, ...filter }),
};

/** The time ranges offered, in hours (null = all time). */
export const RANGES: [label: string, hours: number | null][] = [
  ["Last 24 hours", 24],
  ["Last 7 days", 24 * 7],
  ["Last 30 days", 24 * 30],
  ["All time", null],
];
