DROP INDEX `batches_batch_date_idx`;--> statement-breakpoint
CREATE INDEX `batches_batch_date_created_at_idx` ON `batches` (`batch_date`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_customer_prefix_created_at_idx` ON `batches` (`customer_prefix`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_total_files_created_at_idx` ON `batches` (`total_files`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_total_size_created_at_idx` ON `batches` (`total_size`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_priority_value_created_at_idx` ON `batches` ((CASE "priority" WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END),`created_at`);--> statement-breakpoint
CREATE INDEX `batches_progress_created_at_idx` ON `batches` ((CASE WHEN "total_jobs" = 0 THEN 0 ELSE ("completed_jobs" + "failed_jobs" + "cancelled_jobs") * 1000 / "total_jobs" END),`created_at`);