import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_shared/auth-card";
import { currentPageUser, safeNext } from "@/features/auth/pages";
import { hasUsers } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in · Batchyard" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Where to land after signing in; never back on a signed-out page, which would send us round in a loop. */
function landing(next: string): string {
  return /^\/(login|setup)(?:[/?#]|$)/.test(next) ? "/" : next;
}

export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const next = landing(safeNext((await searchParams).next));
  if (!hasUsers(getContext())) redirect("/setup");
  if (await currentPageUser()) redirect(next);
  return (
    <AuthCard titleId="login-title" title="Sign in" intro="Use the account an admin of this Batchyard gave you.">
      <LoginForm next={next} />
    </AuthCard>
  );
}
