CREATE TABLE `attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`worker_id` text NOT NULL,
	`attempt_number` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text,
	`error` text,
	`duration_ms` integer,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `attempts_job_id_idx` ON `attempts` (`job_id`);--> statement-breakpoint
CREATE INDEX `attempts_finished_at_outcome_idx` ON `attempts` (`finished_at`,`outcome`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_prefix` text NOT NULL,
	`batch_date` text NOT NULL,
	`batch_counter` integer NOT NULL,
	`base_directory_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`priority` text DEFAULT 'normal' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`total_files` integer DEFAULT 0 NOT NULL,
	`total_jobs` integer DEFAULT 0 NOT NULL,
	`completed_jobs` integer DEFAULT 0 NOT NULL,
	`failed_jobs` integer DEFAULT 0 NOT NULL,
	`cancelled_jobs` integer DEFAULT 0 NOT NULL,
	`running_jobs` integer DEFAULT 0 NOT NULL,
	`total_size` integer DEFAULT 0 NOT NULL,
	`output_size` integer DEFAULT 0 NOT NULL,
	`owner` text,
	`idempotency_key` text,
	`pinned` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`paused_at` integer,
	`completed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_base_directory_name_idx` ON `batches` (`base_directory_name`);--> statement-breakpoint
CREATE UNIQUE INDEX `batches_customer_prefix_batch_date_batch_counter_idx` ON `batches` (`customer_prefix`,`batch_date`,`batch_counter`);--> statement-breakpoint
CREATE UNIQUE INDEX `batches_idempotency_key_idx` ON `batches` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `batches_created_at_idx` ON `batches` (`created_at`);--> statement-breakpoint
CREATE INDEX `batches_status_created_at_idx` ON `batches` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_priority_created_at_idx` ON `batches` (`priority`,`created_at`);--> statement-breakpoint
CREATE INDEX `batches_batch_date_idx` ON `batches` (`batch_date`);--> statement-breakpoint
CREATE INDEX `batches_completed_at_idx` ON `batches` (`completed_at`);--> statement-breakpoint
CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`original_name` text NOT NULL,
	`safe_name` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`storage_key` text NOT NULL,
	`width` integer,
	`height` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `files_batch_id_idx` ON `files` (`batch_id`);--> statement-breakpoint
CREATE INDEX `files_sha256_idx` ON `files` (`sha256`);--> statement-breakpoint
CREATE UNIQUE INDEX `files_batch_id_safe_name_idx` ON `files` (`batch_id`,`safe_name`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`file_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`priority_rank` integer DEFAULT 1 NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`crash_count` integer DEFAULT 0 NOT NULL,
	`run_after` integer NOT NULL,
	`lease_owner` text,
	`lease_token` text,
	`lease_expires_at` integer,
	`heartbeat_at` integer,
	`error_code` text,
	`error_message` text,
	`output_key` text,
	`output_name` text,
	`output_size` integer,
	`output_width` integer,
	`output_height` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`completed_at` integer,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`file_id`) REFERENCES `files`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `jobs_status_priority_rank_run_after_created_at_idx` ON `jobs` (`status`,`priority_rank`,`run_after`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_batch_id_status_idx` ON `jobs` (`batch_id`,`status`);--> statement-breakpoint
CREATE INDEX `jobs_file_id_idx` ON `jobs` (`file_id`);--> statement-breakpoint
CREATE INDEX `jobs_pipeline_id_idx` ON `jobs` (`pipeline_id`);--> statement-breakpoint
CREATE INDEX `jobs_lease_owner_idx` ON `jobs` (`lease_owner`);--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`spec` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_slug_idx` ON `pipelines` (`slug`);--> statement-breakpoint
CREATE INDEX `pipelines_archived_at_idx` ON `pipelines` (`archived_at`);--> statement-breakpoint
CREATE TABLE `rate_limit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limit_events_key_created_at_idx` ON `rate_limit_events` (`key`,`created_at`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`boot_id` text NOT NULL,
	`pid` integer NOT NULL,
	`hostname` text NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`stopped_at` integer
);
--> statement-breakpoint
CREATE INDEX `workers_heartbeat_at_idx` ON `workers` (`heartbeat_at`);