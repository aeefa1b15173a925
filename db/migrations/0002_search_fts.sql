-- Full-text search for GET /api/batches?q=: batch names, descriptions and file names.
-- External-content FTS5 tables (no second copy of the text) kept in step by triggers, so every
-- writer (uploads, PATCH, delete cascades, the seed) stays searchable without knowing about it.
-- unicode61 splits on "_", "-" and ".", so "PL_DXB_front.jpg" is found by "dxb" or "front".
CREATE VIRTUAL TABLE `batches_fts` USING fts5(base_directory_name, description, content='batches', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `batches_fts_insert` AFTER INSERT ON `batches` BEGIN
  INSERT INTO batches_fts(rowid, base_directory_name, description) VALUES (new.rowid, new.base_directory_name, new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `batches_fts_delete` AFTER DELETE ON `batches` BEGIN
  INSERT INTO batches_fts(batches_fts, rowid, base_directory_name, description) VALUES ('delete', old.rowid, old.base_directory_name, old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `batches_fts_update` AFTER UPDATE OF base_directory_name, description ON `batches` BEGIN
  INSERT INTO batches_fts(batches_fts, rowid, base_directory_name, description) VALUES ('delete', old.rowid, old.base_directory_name, old.description);
  INSERT INTO batches_fts(rowid, base_directory_name, description) VALUES (new.rowid, new.base_directory_name, new.description);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `files_fts` USING fts5(original_name, content='files', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `files_fts_insert` AFTER INSERT ON `files` BEGIN
  INSERT INTO files_fts(rowid, original_name) VALUES (new.rowid, new.original_name);
END;
--> statement-breakpoint
CREATE TRIGGER `files_fts_delete` AFTER DELETE ON `files` BEGIN
  INSERT INTO files_fts(files_fts, rowid, original_name) VALUES ('delete', old.rowid, old.original_name);
END;
--> statement-breakpoint
CREATE TRIGGER `files_fts_update` AFTER UPDATE OF original_name ON `files` BEGIN
  INSERT INTO files_fts(files_fts, rowid, original_name) VALUES ('delete', old.rowid, old.original_name);
  INSERT INTO files_fts(rowid, original_name) VALUES (new.rowid, new.original_name);
END;
--> statement-breakpoint
-- Index whatever existed before this migration.
INSERT INTO batches_fts(batches_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO files_fts(files_fts) VALUES ('rebuild');
