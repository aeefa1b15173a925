import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { AppContext } from "@/features/shared/context";
import { selectLivePipelineSlugs } from "./queries";
import type { Seen } from "./settle";

/** Files and folders the watcher never takes: its own bookkeeping (`.processing`, `.done`, `.failed`) and hidden files. */
export const isHidden = (name: string) => name.startsWith(".");

/** `<WATCH_DIR>/watch.json`: subfolders mapped to pipelines by slug, number or id. */
const mappingSchema = z.object({ folders: z.record(z.string().min(1), z.array(z.union([z.string().min(1), z.number().int().positive()])).min(1)) }).strict();

export interface WatchedFolder {
  name: string;
  dir: string;
  /** Pipeline ids or numbers, as an upload names them. */
  pipelines: string[];
  pipelineNames: string[];
}

export interface FolderMap {
  folders: WatchedFolder[];
  /** Subfolders that name no live pipeline and are not in watch.json: their files wait. */
  unmapped: string[];
  problems: string[];
}

/**
 * The subfolders of WATCH_DIR the watcher takes files from: one named after a live pipeline's
 * slug runs that pipeline; watch.json may map any subfolder to one or more pipelines (by slug,
 * number or id) and wins over the slug rule.
 */
export function watchedFolders(ctx: AppContext, root: string): FolderMap {
  const problems: string[] = [];
  const live = selectLivePipelineSlugs(ctx.db);
  const bySlug = new Map(live.map((p) => [p.slug, p]));
  const mapping = readMapping(root, problems);
  const result: FolderMap = { folders: [], unmapped: [], problems };
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || isHidden(entry.name)) continue;
    const refs = mapping[entry.name]?.map(String) ?? (bySlug.has(entry.name) ? [entry.name] : undefined);
    if (!refs) {
      result.unmapped.push(entry.name);
      continue;
    }
    const resolved = refs.map((ref) => bySlug.get(ref) ?? live.find((p) => p.id === ref));
    const pipelines = refs.map((ref, i) => resolved[i]?.id ?? ref);
    const pipelineNames = refs.map((ref, i) => resolved[i]?.name ?? ref);
    result.folders.push({ name: entry.name, dir: path.join(root, entry.name), pipelines, pipelineNames });
  }
  return result;
}

function readMapping(root: string, problems: string[]): Record<string, (string | number)[]> {
  const file = path.join(root, "watch.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return {};
  }
  try {
    return mappingSchema.parse(JSON.parse(text)).folders;
  } catch (error) {
    problems.push(`watch.json is not {"folders": {"<subfolder>": ["<pipeline slug or number>", …]}}: ${(error as Error).message.slice(0, 200)}`);
    return {};
  }
}

const MAX_DEPTH = 12;
const MAX_FILES_PER_SCAN = 10_000;

/** Every file below a watched subfolder (not hidden, not in the watcher's own folders), with its size and time. */
export async function scanFolder(dir: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    const entries = await fs.promises.readdir(path.join(dir, relative), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (isHidden(entry.name) || seen.length >= MAX_FILES_PER_SCAN) continue;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory() && depth < MAX_DEPTH) await walk(rel, depth + 1);
      else if (entry.isFile()) {
        const stat = await fs.promises.stat(path.join(dir, rel)).catch(() => undefined);
        if (stat) seen.push({ path: rel, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk("", 0);
  return seen;
}
