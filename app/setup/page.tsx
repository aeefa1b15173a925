import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_shared/auth-card";
import { hasUsers } from "@/features/auth/users";
import { getContext } from "@/features/shared/context";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up · Batchyard" };

/** First run only: once anyone has an account, this page is the sign-in page's business. */
export default async function SetupPage() {
  if (hasUsers(getContext())) redirect("/login");
  return (
    <AuthCard
      titleId="setup-title"
      title="Set up Batchyard"
      intro="Create the first admin account. You can add the rest of the team afterwards on the Users page."
    >
      <SetupForm />
    </AuthCard>
  );
}
