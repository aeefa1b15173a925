DROP INDEX `files_batch_id_safe_name_idx`;--> statement-breakpoint
ALTER TABLE `files` ADD `relative_path` text;--> statement-breakpoint
CREATE UNIQUE INDEX `files_batch_id_path_idx` ON `files` (`batch_id`,(CASE WHEN "relative_path" IS NULL THEN "safe_name" ELSE "relative_path" END));