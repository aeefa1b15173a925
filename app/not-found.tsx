import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found · Batchyard" };

/** Any URL no page answers: said plainly, with the ways back into the app. */
export default function NotFound() {
  return (
    <section aria-labelledby="not-found-title" className="mx-auto max-w-lg py-16 text-center">
      <p className="font-mono text-sm font-semibold text-sky-700 dark:text-sky-400">404</p>
      <h1 id="not-found-title" className="mt-2 text-2xl font-semibold">This page does not exist</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        The address may be mistyped, or it pointed at something that has since been deleted or cleaned up.
      </p>
      <div className="mt-6 flex flex-wrap justify-center gap-3">
        <Link href="/" className="rounded-md bg-sky-600 px-3 py-2 text-sm font-medium text-white hover:bg-sky-700 dark:bg-sky-500 dark:text-slate-950 dark:hover:bg-sky-400">
          Back to the dashboard
        </Link>
        <Link href="/upload" className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Upload a batch
        </Link>
      </div>
    </section>
  );
}
