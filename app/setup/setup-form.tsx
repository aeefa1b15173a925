"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import useSWR from "swr";
import { ApiError, fetcher, networkError, send } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Field } from "@/app/_shared/field";
import { inputClass, primaryButton } from "@/app/_shared/styles";

interface SetupState {
  needed: boolean;
  local: boolean;
}

type Form = { email: string; password: string; confirm: string; code: string };
const EMPTY: Form = { email: "", password: "", confirm: "", code: "" };

/** Client-side checks the server cannot make (the repeated password) or should not need to. */
function check(form: Form, needsCode: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.email.trim()) errors.email = "Enter an email address.";
  if (form.password.length < 8) errors.password = "Use at least 8 characters.";
  if (form.confirm !== form.password) errors.confirm = "The two passwords differ.";
  if (needsCode && !form.code.trim()) errors.code = "Enter the setup code from the server's log.";
  return errors;
}

export function SetupForm() {
  const state = useSWR<SetupState>("/api/setup", fetcher);
  const [form, setForm] = useState<Form>(EMPTY);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState("");
  const [taken, setTaken] = useState(false);
  const [busy, setBusy] = useState(false);
  const [askedForCode, setAskedForCode] = useState(false);
  // The code field appears when the server says this browser is elsewhere, cannot say, or refused without it.
  const needsCode = askedForCode || state.error !== undefined || state.data?.local === false;

  const set = (key: keyof Form, value: string) => {
    setForm((f) => ({ ...f, [key]: value }));
    setFields(({ [key]: _gone, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = check(form, needsCode);
    setFields(errors);
    setError("");
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    try {
      await send("POST", "/api/setup", { email: form.email, password: form.password, ...(needsCode ? { code: form.code } : {}) });
      window.location.assign("/");
    } catch (e) {
      const failure = e instanceof ApiError ? e : networkError();
      setTaken(failure.status === 409);
      if (failure.fields.code) setAskedForCode(true);
      setFields(failure.fields);
      setError(failure.message);
      setBusy(false);
    }
  };

  if (taken || state.data?.needed === false) {
    return (
      <Banner tone="warning">
        Batchyard is already set up.{" "}
        <Link href="/login" className="font-medium underline">
          Sign in
        </Link>{" "}
        instead.
      </Banner>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {error && <Banner tone="error">{error}</Banner>}
      <Field id="setup-email" label="Email" error={fields.email}>
        {(a) => <input {...a} type="email" autoComplete="username" autoFocus value={form.email} onChange={(e) => set("email", e.target.value)} className={inputClass} />}
      </Field>
      <Field id="setup-password" label="Password" hint="At least 8 characters." error={fields.password}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={form.password} onChange={(e) => set("password", e.target.value)} className={inputClass} />}
      </Field>
      <Field id="setup-confirm" label="Confirm password" error={fields.confirm}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={form.confirm} onChange={(e) => set("confirm", e.target.value)} className={inputClass} />}
      </Field>
      {needsCode && (
        <Field
          id="setup-code"
          label="Setup code"
          hint="You are not on the server's own machine, so setup asks for the one-time code. The code is printed in the server's log at start."
          error={fields.code}
        >
          {(a) => (
            <input {...a} autoComplete="one-time-code" spellCheck={false} value={form.code} onChange={(e) => set("code", e.target.value)} className={`${inputClass} font-mono uppercase`} />
          )}
        </Field>
      )}
      <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
        {busy ? "Creating the admin…" : "Create admin account"}
      </button>
    </form>
  );
}
