"use client";

import { useState, type FormEvent } from "react";
import { mutate } from "swr";
import { ApiError, networkError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Field } from "@/app/_shared/field";
import { cardClass, inputClass, primaryButton } from "@/app/_shared/styles";
import { api, SESSIONS_URL } from "./api";

type Form = { current: string; next: string; confirm: string };
const EMPTY: Form = { current: "", next: "", confirm: "" };
/** The server names fields by its own keys; the form's keys are shorter. */
const FROM_SERVER: Record<string, keyof Form> = { current_password: "current", new_password: "next" };

function check(form: Form): Partial<Record<keyof Form, string>> {
  const errors: Partial<Record<keyof Form, string>> = {};
  if (!form.current) errors.current = "Enter your current password.";
  if (form.next.length < 8) errors.next = "Use at least 8 characters.";
  if (form.confirm !== form.next) errors.confirm = "The two new passwords differ.";
  return errors;
}

/** Change one's own password; the server signs out every other session, so the list is reloaded. */
export function PasswordForm() {
  const [form, setForm] = useState<Form>(EMPTY);
  const [fields, setFields] = useState<Partial<Record<keyof Form, string>>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (key: keyof Form, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setFields(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = check(form);
    setFields(errors);
    setOutcome(null);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      await api.changePassword(form.current, form.next);
      setForm(EMPTY);
      setOutcome({ ok: true, text: "Password changed. Your other sessions were signed out." });
      await mutate(SESSIONS_URL);
    } catch (e) {
      const failure = e instanceof ApiError ? e : networkError();
      setFields(Object.fromEntries(Object.entries(failure.fields).map(([k, v]) => [FROM_SERVER[k] ?? k, v])));
      setOutcome({ ok: false, text: failure.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title" className={`${cardClass} space-y-4`}>
      <h2 id="password-title" className="text-lg font-semibold">Change password</h2>
      {outcome && <Banner tone={outcome.ok ? "success" : "error"}>{outcome.text}</Banner>}
      <Field id="password-current" label="Current password" error={fields.current}>
        {(a) => <input {...a} type="password" autoComplete="current-password" value={form.current} onChange={(e) => set("current", e.target.value)} className={inputClass} />}
      </Field>
      <Field id="password-new" label="New password" hint="At least 8 characters." error={fields.next}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={form.next} onChange={(e) => set("next", e.target.value)} className={inputClass} />}
      </Field>
      <Field id="password-confirm" label="Confirm new password" error={fields.confirm}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={form.confirm} onChange={(e) => set("confirm", e.target.value)} className={inputClass} />}
      </Field>
      <button type="submit" disabled={busy} className={primaryButton}>
        {busy ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
