"use client";

import { useState } from "react";
import useSWR from "swr";
import { ApiError } from "@/app/_shared/api";
import { ErrorBanner } from "@/app/_shared/banner";
import { ConfirmDialog } from "@/app/_shared/dialog";
import { cardClass } from "@/app/_shared/styles";
import { AddUserForm } from "./add-user-form";
import { api, USERS_URL, type User } from "./api";
import { EditUserDialog } from "./edit-user-dialog";
import { UsersTable } from "./users-table";

const failed = (e: unknown, what: string) => (e instanceof ApiError ? `${what}: ${e.message}` : `${what}.`);

/** The admin's users page: add someone, change a role or allowance, disable or enable an account. */
export function UsersManager({ currentUserId, memberDefault }: { currentUserId: string; memberDefault: string | null }) {
  const { data, error, mutate } = useSWR(USERS_URL, api.list);
  const [editing, setEditing] = useState<User | null>(null);
  // The target outlives the dialog's closing, so its email stays put while the dialog goes.
  const [toggling, setToggling] = useState<User | null>(null);
  const [asking, setAsking] = useState(false);
  const [notice, setNotice] = useState("");
  const [actionError, setActionError] = useState("");

  const toggle = async () => {
    if (!toggling) return;
    const disabled = !toggling.disabled;
    setActionError("");
    setNotice("");
    try {
      await api.update(toggling.id, { disabled });
      setNotice(`${toggling.email} is ${disabled ? "disabled: their sessions and tokens no longer work" : "enabled again"}.`);
    } catch (e) {
      setActionError(failed(e, `Could not ${disabled ? "disable" : "enable"} ${toggling.email}`));
    }
    await mutate();
  };

  const disabling = toggling ? !toggling.disabled : true;
  return (
    <div className="space-y-6">
      <AddUserForm onAdded={async () => void (await mutate())} />
      <section aria-labelledby="all-users-title" className={`${cardClass} space-y-3`}>
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
          <h2 id="all-users-title" className="text-lg font-semibold">All users</h2>
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">{notice}</p>
        </div>
        {actionError && <ErrorBanner message={actionError} onDismiss={() => setActionError("")} />}
        {error ? (
          <ErrorBanner message={failed(error, "Could not load the users")} onRetry={() => mutate()} />
        ) : !data ? (
          <p className="text-sm text-slate-500">Loading users…</p>
        ) : (
          <UsersTable
            users={data.data}
            currentUserId={currentUserId}
            memberDefault={memberDefault}
            onEdit={setEditing}
            onToggle={(user) => {
              setToggling(user);
              setAsking(true);
            }}
          />
        )}
      </section>
      {editing && (
        <EditUserDialog
          user={editing}
          memberDefault={memberDefault}
          onClose={() => setEditing(null)}
          onSaved={async (saved) => {
            setNotice(`Saved ${saved.email}.`);
            await mutate();
          }}
        />
      )}
      <ConfirmDialog
        open={asking}
        title={`${disabling ? "Disable" : "Enable"} ${toggling?.email ?? ""}?`}
        body={
          disabling
            ? "They are signed out at once and their API tokens stop working. Their batches stay."
            : "They can sign in again, and their API tokens work again."
        }
        confirmLabel={disabling ? "Disable user" : "Enable user"}
        onConfirm={toggle}
        onClose={() => setAsking(false)}
      />
    </div>
  );
}
