"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS: { href: string; label: string; wide?: boolean }[] = [
  { href: "/", label: "Dashboard" },
  { href: "/upload", label: "Upload" },
  { href: "/pipelines", label: "Pipelines" },
  // Wider screens only: six links do not fit a phone's row; /system links there instead.
  { href: "/failures", label: "Failures", wide: true },
  { href: "/system", label: "System" },
];
const ADMIN_LINKS: typeof LINKS = [{ href: "/users", label: "Users" }];

/** The main navigation; admins also get the pages only they can use. */
export function NavLinks({ admin = false }: { admin?: boolean }) {
  const pathname = usePathname();
  return (
    // One line on a phone: a full-width row of tighter links (scrolling only if a font is very wide).
    <nav aria-label="Main" className="flex w-full justify-between overflow-x-auto whitespace-nowrap text-[13px] sm:w-auto sm:justify-start sm:gap-1 sm:text-sm">
      {(admin ? [...LINKS, ...ADMIN_LINKS] : LINKS).map(({ href, label, wide }) => {
        const active = href === "/" ? pathname === "/" || pathname.startsWith("/batches") : pathname.startsWith(href);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`${wide ? "hidden sm:block" : ""} shrink-0 rounded-md px-1.5 py-1.5 font-medium transition-colors sm:px-3 ${
              active
                ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
                : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
            }`}
          >
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
