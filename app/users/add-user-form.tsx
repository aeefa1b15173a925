"use client";

import { useState, type FormEvent } from "react";
import { ApiError, networkError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Field } from "@/app/_shared/field";
import { SecretField } from "@/app/_shared/secret-field";
import { cardClass, inputClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import { api, type CreatedUser, type Role } from "./api";

type Form = { email: string; role: Role; password: string };
const EMPTY: Form = { email: "", role: "member", password: "" };

function check(form: Form): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.email.trim()) errors.email = "Enter their email address.";
  if (form.password && form.password.length < 8) errors.password = "Use at least 8 characters, or leave it empty.";
  return errors;
}

/** Adds a user; without a password the server makes one up, and this is the only time it is shown. */
export function AddUserForm({ onAdded }: { onAdded(user: CreatedUser): Promise<void> }) {
  const [form, setForm] = useState<Form>(EMPTY);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [added, setAdded] = useState<CreatedUser | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setFields(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = check(form);
    setFields(errors);
    setError("");
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      const user = await api.create({ email: form.email, role: form.role, ...(form.password ? { password: form.password } : {}) });
      setForm(EMPTY);
      setAdded(user);
      await onAdded(user);
    } catch (e) {
      const failure = e instanceof ApiError ? e : networkError();
      // A taken address is the email field's problem; say so beside it.
      setFields(failure.status === 409 ? { email: failure.message } : failure.fields);
      if (failure.status !== 409) setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="add-user-title" className={`${cardClass} space-y-4`}>
      <h2 id="add-user-title" className="text-lg font-semibold">Add a user</h2>
      {added && (
        <div data-testid="user-added" className="space-y-3">
          {added.password ? (
            <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950/40">
              <SecretField
                id="generated-password"
                label={`Password for ${added.email}`}
                value={added.password}
                note="Copy it now and pass it on: it will not be shown again. They can change it on their Account page."
              />
              <button type="button" onClick={() => setAdded(null)} className={secondaryButton}>
                Done, I have copied it
              </button>
            </div>
          ) : (
            <Banner tone="success">Added {added.email} as {added.role}.</Banner>
          )}
        </div>
      )}
      <form onSubmit={submit} noValidate className="space-y-4">
        {error && <Banner tone="error">{error}</Banner>}
        <div className="grid gap-4 md:grid-cols-3">
          <Field id="new-user-email" label="Email" error={fields.email}>
            {(a) => <input {...a} type="email" autoComplete="off" value={form.email} onChange={(e) => set("email", e.target.value)} className={inputClass} />}
          </Field>
          <Field id="new-user-role" label="Role" error={fields.role}>
            {(a) => (
              <select {...a} value={form.role} onChange={(e) => set("role", e.target.value as Role)} className={inputClass}>
                <option value="member">member</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
          <Field id="new-user-password" label="Password (optional)" hint="Empty: one is generated and shown once." error={fields.password}>
            {(a) => <input {...a} type="password" autoComplete="new-password" value={form.password} onChange={(e) => set("password", e.target.value)} className={inputClass} />}
          </Field>
        </div>
        <button type="submit" disabled={busy} className={primaryButton}>
          {busy ? "Adding…" : "Add user"}
        </button>
      </form>
    </section>
  );
}
