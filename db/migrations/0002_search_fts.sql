-- Full-text search for GET /api/batches?q=: one document per batch holding its name, description
-- and every file name, keyed by the batch's rowid. One document per batch (rather than one per file)
-- lets a broad word ("terrace") map straight to batch rowids without joining a million files.
-- Triggers keep it in step with every writer (uploads, PATCH, deletes, the seed).
-- unicode61 splits on "_", "-" and ".", so "PL_DXB_front.jpg" is found by "dxb" or "front".
-- Batch rowids can change on VACUUM: call rebuildSearchIndex (features/batches/search.ts) after one.
CREATE VIRTUAL TABLE `batch_search` USING fts5(name, description, file_names, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `batch_search_insert` AFTER INSERT ON `batches` BEGIN
  INSERT INTO batch_search(rowid, name, description, file_names) VALUES (new.rowid, new.base_directory_name, new.description, '');
END;
--> statement-breakpoint
CREATE TRIGGER `batch_search_update` AFTER UPDATE OF base_directory_name, description ON `batches` BEGIN
  UPDATE batch_search SET name = new.base_directory_name, description = new.description WHERE rowid = new.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `batch_search_delete` AFTER DELETE ON `batches` BEGIN
  DELETE FROM batch_search WHERE rowid = old.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `batch_search_file_insert` AFTER INSERT ON `files` BEGIN
  UPDATE batch_search SET file_names = file_names || ' ' || new.original_name
  WHERE rowid = (SELECT rowid FROM batches WHERE id = new.batch_id);
END;
--> statement-breakpoint
-- Index whatever existed before this migration.
INSERT INTO batch_search(rowid, name, description, file_names)
  SELECT b.rowid, b.base_directory_name, b.description,
         coalesce((SELECT group_concat(f.original_name, ' ') FROM files f WHERE f.batch_id = b.id), '')
  FROM batches b;
