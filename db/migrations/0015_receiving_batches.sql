ALTER TABLE `batches` ADD `receiving` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `batches` ADD `expected_files` integer;--> statement-breakpoint
CREATE INDEX `batches_receiving_idx` ON `batches` (`receiving`) WHERE "batches"."receiving" = 1;