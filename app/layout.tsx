import type { Metadata } from "next";
import { BatchNotifier } from "@/app/_shared/batch-notifier";
import { UserMenu } from "@/app/_shared/user-menu";
import { currentPageUser } from "@/features/auth/pages";
import { isAdmin } from "@/features/auth/scopes";
import { NavLinks } from "./nav-links";
import "./globals.css";

export const metadata: Metadata = {
  title: "Batchyard",
  description: "Self-hosted batch image processing",
};

/** Every page's frame. Signed out (sign-in and setup pages) the header carries only the name. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await currentPageUser();
  return (
    <html lang="en">
      <body className="min-h-screen antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900 focus:shadow-lg focus:ring-2 focus:ring-sky-500"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <a href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight">
              <span aria-hidden className="inline-block h-6 w-6 rounded bg-gradient-to-br from-sky-500 to-indigo-600" />
              Batchyard
            </a>
            {user && (
              <>
                <NavLinks admin={isAdmin(user)} />
                <UserMenu email={user.email} role={user.role} />
                <BatchNotifier userId={user.userId} />
              </>
            )}
          </div>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
