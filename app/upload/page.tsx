import type { Metadata } from "next";
import { requirePageUser } from "@/features/auth/pages";
import { getConfig } from "@/features/shared/config";
import { UploadForm } from "./upload-form";

export const metadata: Metadata = { title: "Upload · Batchyard" };
export const dynamic = "force-dynamic";

export default async function UploadPage() {
  await requirePageUser("/upload");
  const config = getConfig();
  return (
    <section aria-labelledby="upload-title" className="space-y-6">
      <div>
        <h1 id="upload-title" className="text-2xl font-semibold">Upload a batch</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Up to {config.MAX_FILES_PER_BATCH} images of at most {config.MAX_FILE_SIZE_MB} MB each become one named batch.
        </p>
      </div>
      <UploadForm limits={{ maxFiles: config.MAX_FILES_PER_BATCH, maxFileBytes: Math.floor(config.MAX_FILE_SIZE_MB * 1024 * 1024) }} />
    </section>
  );
}
