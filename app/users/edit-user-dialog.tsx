"use client";

import { useState, type FormEvent } from "react";
import { ApiError, networkError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";
import { DialogActions, Modal } from "@/app/_shared/dialog";
import { Field } from "@/app/_shared/field";
import { inputClass, primaryButton, secondaryButton } from "@/app/_shared/styles";
import { AllowanceField } from "./allowance-field";
import { allowanceForm, allowanceValue, api, type Role, type User } from "./api";

interface Props {
  user: User;
  memberDefault: string | null;
  onClose(): void;
  onSaved(user: User): Promise<void>;
}

/** Role and upload allowance of one user. Mounted per user, so it opens with that user's values. */
export function EditUserDialog({ user, memberDefault, onClose, onSaved }: Props) {
  const [role, setRole] = useState<Role>(user.role);
  const [allowance, setAllowance] = useState(allowanceForm(user.upload_allowance));
  const [allowanceError, setAllowanceError] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = allowanceValue(allowance);
    if ("error" in parsed) return setAllowanceError(parsed.error);
    const body = {
      ...(role !== user.role ? { role } : {}),
      ...(parsed.value !== user.upload_allowance ? { upload_allowance: parsed.value } : {}),
    };
    if (Object.keys(body).length === 0) return onClose();
    setBusy(true);
    setError("");
    try {
      await onSaved(await api.update(user.id, body));
      onClose();
    } catch (e) {
      const failure = e instanceof ApiError ? e : networkError();
      if (failure.fields.upload_allowance) setAllowanceError(failure.fields.upload_allowance);
      setError(failure.message);
      setBusy(false);
    }
  };

  return (
    <Modal open title={`Edit ${user.email}`} onClose={onClose}>
      <form onSubmit={submit} noValidate className="mt-4 space-y-4">
        {error && <Banner tone="error">{error}</Banner>}
        <Field id="edit-role" label="Role" hint="Admins can do everything; members upload and control their own batches.">
          {(a) => (
            <select {...a} value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>
              <option value="member">member</option>
              <option value="admin">admin</option>
            </select>
          )}
        </Field>
        <AllowanceField
          value={allowance}
          defaultText={role === "admin" ? "unlimited" : (memberDefault ?? "unlimited")}
          error={allowanceError}
          onChange={(value) => {
            setAllowance(value);
            setAllowanceError("");
          }}
        />
        <DialogActions>
          <button type="button" onClick={onClose} className={secondaryButton}>
            Cancel
          </button>
          <button type="submit" disabled={busy} className={primaryButton}>
            {busy ? "Saving…" : "Save"}
          </button>
        </DialogActions>
      </form>
    </Modal>
  );
}
