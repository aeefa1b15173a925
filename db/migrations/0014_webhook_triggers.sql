-- Webhook deliveries are queued by the database itself, in the same transaction as the change they
-- report, whichever process makes it (the server, a worker, an operator command): a batch reaching
-- completed / failed / cancelled, a job failing for good. Each enabled endpoint subscribed to the
-- event gets one pending row; features/webhooks/dispatcher.ts sends it. With no endpoints this is a
-- look at an empty table on those few transitions only.
CREATE TRIGGER `webhook_batch_finished` AFTER UPDATE OF status ON `batches`
WHEN new.status IN ('completed', 'failed', 'cancelled') AND old.status <> new.status
BEGIN
  INSERT INTO webhook_deliveries (webhook_id, event, batch_id, status, attempts, run_after, created_at, updated_at)
  SELECT w.id, 'batch.' || new.status, new.id, 'pending', 0, new.updated_at, new.updated_at, new.updated_at
    FROM webhooks w
   WHERE w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = 'batch.' || new.status);
END;
--> statement-breakpoint
CREATE TRIGGER `webhook_job_failed` AFTER UPDATE OF status ON `jobs`
WHEN new.status = 'failed' AND old.status <> 'failed'
BEGIN
  INSERT INTO webhook_deliveries (webhook_id, event, batch_id, job_id, status, attempts, run_after, created_at, updated_at)
  SELECT w.id, 'job.failed', new.batch_id, new.id, 'pending', 0, new.updated_at, new.updated_at, new.updated_at
    FROM webhooks w
   WHERE w.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = 'job.failed');
END;
