import type { Metadata } from "next";
import { RoleBadge } from "@/app/_shared/role-badge";
import { cardClass } from "@/app/_shared/styles";
import { requirePageUser } from "@/features/auth/pages";
import { PasswordForm } from "./password-form";
import { SessionsPanel } from "./sessions-panel";
import { TokensPanel } from "./tokens-panel";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Account · Batchyard" };

const ROLE_TEXT = {
  admin: "You can do everything: manage users, pipelines, settings and maintenance, and every batch.",
  member: "You can upload batches and control your own; you see everyone's batches and the pipelines.",
};

export default async function AccountPage() {
  const user = await requirePageUser("/account");
  return (
    <section aria-labelledby="account-title" className="space-y-6">
      <h1 id="account-title" className="text-2xl font-semibold">Account</h1>
      <div className={cardClass}>
        <h2 className="sr-only">Who you are</h2>
        <p className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-600 dark:text-slate-400">Signed in as</span>
          <strong className="break-all font-semibold" data-testid="account-email">{user.email}</strong>
          <RoleBadge role={user.role} />
        </p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{ROLE_TEXT[user.role]}</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <PasswordForm />
        <SessionsPanel />
      </div>
      <TokensPanel role={user.role} />
    </section>
  );
}
