import type { ReactNode } from "react";
import { cardClass } from "./styles";

/** The narrow centred card of the signed-out pages (sign in, first-run setup). */
export function AuthCard({ titleId, title, intro, children }: { titleId: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={titleId} className="mx-auto mt-2 w-full max-w-md sm:mt-10">
      <div className={`${cardClass} space-y-5 p-5 sm:p-6`}>
        <div>
          <h1 id={titleId} className="text-2xl font-semibold">{title}</h1>
          {intro && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{intro}</p>}
        </div>
        {children}
      </div>
    </section>
  );
}
