CREATE TABLE `daily_history` (
	`day` text PRIMARY KEY NOT NULL,
	`runs` integer NOT NULL,
	`completed` integer NOT NULL,
	`failed` integer NOT NULL,
	`retried` integer NOT NULL,
	`crashed` integer NOT NULL,
	`timed_out` integer NOT NULL,
	`interrupted` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`avg_ms` integer,
	`p95_ms` integer,
	`max_ms` integer,
	`files_processed` integer NOT NULL,
	`bytes_processed` integer NOT NULL,
	`bytes_written` integer NOT NULL,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `batches` ADD `external_ref` text;--> statement-breakpoint
CREATE INDEX `batches_external_ref_created_at_idx` ON `batches` (`external_ref`,`created_at`);--> statement-breakpoint
ALTER TABLE `pipelines` ADD `number` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `pipelines` SET `number` = (
	SELECT count(*) FROM `pipelines` AS `earlier`
	WHERE `earlier`.`created_at` < `pipelines`.`created_at`
		OR (`earlier`.`created_at` = `pipelines`.`created_at` AND `earlier`.`rowid` <= `pipelines`.`rowid`)
);--> statement-breakpoint
INSERT INTO `sequences` (`name`, `value`) SELECT 'pipeline_number', count(*) FROM `pipelines`;--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_number_idx` ON `pipelines` (`number`);