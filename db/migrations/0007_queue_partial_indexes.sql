DROP INDEX `attempts_finished_at_outcome_idx`;--> statement-breakpoint
DROP INDEX `attempts_outcome_finished_at_duration_ms_idx`;--> statement-breakpoint
CREATE INDEX `attempts_finished_at_outcome_idx` ON `attempts` (`finished_at`,`outcome`) WHERE "attempts"."finished_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `attempts_outcome_finished_at_duration_ms_idx` ON `attempts` (`outcome`,`finished_at`,`duration_ms`) WHERE "attempts"."finished_at" IS NOT NULL;--> statement-breakpoint
DROP INDEX `jobs_lease_owner_idx`;--> statement-breakpoint
CREATE INDEX `jobs_lease_owner_idx` ON `jobs` (`lease_owner`) WHERE "jobs"."lease_owner" IS NOT NULL;