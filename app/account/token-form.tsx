"use client";

import { useState, type FormEvent } from "react";
import { ApiError, networkError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Field } from "@/app/_shared/field";
import { inputClass, primaryButton } from "@/app/_shared/styles";
import type { Role } from "@/features/auth/scopes";
import { api, type NewToken, type Scope } from "./api";

const SCOPES: { scope: Scope; says: string; adminOnly?: boolean }[] = [
  { scope: "read", says: "read: look at and download batches" },
  { scope: "write", says: "write: also upload and control your batches" },
  { scope: "admin", says: "admin: everything your account can do", adminOnly: true },
];

/** Today as YYYY-MM-DD in the browser's time zone (what a date input holds). */
function today(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

type Form = { name: string; scope: Scope; expires: string };

function check(form: Form): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = "Give the token a name, such as the script or machine that uses it.";
  if (form.expires && form.expires < today()) errors.expires_at = "Pick today or a later day.";
  return errors;
}

/** Creates a token; the caller shows the secret, which the server returns this once only. */
export function TokenForm({ role, onCreated }: { role: Role; onCreated(token: NewToken): Promise<void> }) {
  const [form, setForm] = useState<Form>({ name: "", scope: "read", expires: "" });
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const scopes = SCOPES.filter((s) => role === "admin" || !s.adminOnly);

  const set = <K extends keyof Form>(key: K, value: Form[K], field: string = key) => {
    setForm((f) => ({ ...f, [key]: value }));
    setFields(({ [field]: _gone, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = check(form);
    setFields(errors);
    setError("");
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      // A date means "through that day": the token works until the end of it, in the browser's time zone.
      const expires_at = form.expires ? new Date(`${form.expires}T23:59:59`).toISOString() : undefined;
      const created = await api.createToken({ name: form.name.trim(), scope: form.scope, ...(expires_at ? { expires_at } : {}) });
      setForm({ name: "", scope: "read", expires: "" });
      await onCreated(created);
    } catch (e) {
      const failure = e instanceof ApiError ? e : networkError();
      setFields(failure.fields);
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-token-title" className="space-y-4">
      <h3 id="new-token-title" className="font-semibold">New token</h3>
      {error && <Banner tone="error">{error}</Banner>}
      <div className="grid gap-4 md:grid-cols-3">
        <Field id="token-name" label="Name" error={fields.name}>
          {(a) => <input {...a} autoComplete="off" maxLength={100} value={form.name} onChange={(e) => set("name", e.target.value)} className={inputClass} />}
        </Field>
        <Field id="token-scope" label="Scope" hint={scopes.map((s) => s.says).join(" · ")} error={fields.scope}>
          {(a) => (
            <select {...a} value={form.scope} onChange={(e) => set("scope", e.target.value as Scope)} className={inputClass}>
              {scopes.map((s) => (
                <option key={s.scope} value={s.scope}>
                  {s.scope}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="token-expires" label="Expires (optional)" hint="Empty: it works until you revoke it." error={fields.expires_at}>
          {(a) => <input {...a} type="date" min={today()} value={form.expires} onChange={(e) => set("expires", e.target.value, "expires_at")} className={inputClass} />}
        </Field>
      </div>
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? "Creating…" : "Create token"}
      </button>
    </form>
  );
}
