"use client";

import { useRef, useState, type FormEvent } from "react";
import { ApiError, send } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { Field } from "@/app/_shared/field";
import { inputClass, primaryButton } from "@/app/_shared/styles";

const ERROR_ID = "login-error";

/** The refusal in plain words: a wrong pair, or how long the throttle asks us to wait. */
function describe(error: unknown): string {
  if (!(error instanceof ApiError)) return "Could not sign in. Try again.";
  if (error.status === 429) {
    const seconds = Number(error.details.retry_after_seconds);
    if (Number.isFinite(seconds) && seconds > 0) {
      const wait = seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
      return `Too many failed attempts. Wait ${wait}, then try again.`;
    }
  }
  return error.message;
}

/** Email and password; on success a full navigation, so the header and every page see the new session. */
export function LoginForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    setError("");
    try {
      await send("POST", "/api/auth/login", { email, password });
      window.location.assign(next);
    } catch (e) {
      setError(describe(e));
      setPassword("");
      setBusy(false);
      passwordInput.current?.focus();
    }
  };

  const invalid = error ? { "aria-invalid": true as const, "aria-describedby": ERROR_ID } : {};
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {error && (
        <Banner tone="error" id={ERROR_ID} testId="login-error">
          {error}
        </Banner>
      )}
      <Field id="login-email" label="Email">
        {(a) => (
          <input
            {...a}
            {...invalid}
            type="email"
            autoComplete="username"
            autoFocus
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <Field id="login-password" label="Password">
        {(a) => (
          <input
            {...a}
            {...invalid}
            ref={passwordInput}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={inputClass}
          />
        )}
      </Field>
      <button type="submit" disabled={busy} className={`${primaryButton} w-full`}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
