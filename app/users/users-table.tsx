"use client";

import type { ReactNode } from "react";
import { formatDateTime } from "@/app/_shared/format";
import { RoleBadge } from "@/app/_shared/role-badge";
import { secondaryButton } from "@/app/_shared/styles";
import { describeAllowance, type User } from "./api";

// Below the sm breakpoint each row becomes a small card and each cell shows its column's name.
const CELL =
  "px-3 py-2 align-middle max-sm:flex max-sm:items-center max-sm:justify-between max-sm:gap-3 max-sm:px-0 max-sm:py-1 max-sm:before:text-xs max-sm:before:font-medium max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)] dark:max-sm:before:text-slate-400";
const HEAD = "px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400";

const Cell = ({ label, children }: { label: string; children: ReactNode }) => (
  <td data-label={label} className={CELL}>
    {children}
  </td>
);

function Status({ disabled }: { disabled: boolean }) {
  const tone = disabled
    ? "bg-rose-100 text-rose-800 dark:bg-rose-900/60 dark:text-rose-200"
    : "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200";
  return <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${tone}`}>{disabled ? "Disabled" : "Active"}</span>;
}

interface Props {
  users: User[];
  currentUserId: string;
  memberDefault: string | null;
  onEdit(user: User): void;
  onToggle(user: User): void;
}

export function UsersTable({ users, currentUserId, memberDefault, onEdit, onToggle }: Props) {
  return (
    <table className="w-full text-left text-sm max-sm:block">
      <thead className="border-b border-slate-200 max-sm:sr-only dark:border-slate-800">
        <tr>
          {["Email", "Role", "Status", "Upload allowance", "Created"].map((h) => (
            <th key={h} scope="col" className={HEAD}>{h}</th>
          ))}
          <th scope="col" className={HEAD}><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200 max-sm:block dark:divide-slate-800">
        {users.map((u) => (
          <tr key={u.id} data-testid="user-row" className={`max-sm:block max-sm:py-3 ${u.disabled ? "text-slate-500 dark:text-slate-400" : ""}`}>
            <Cell label="Email">
              <span className="font-medium break-all">
                {u.email}
                {u.id === currentUserId && <span className="ml-1 font-normal text-slate-500 dark:text-slate-400">(you)</span>}
              </span>
            </Cell>
            <Cell label="Role"><RoleBadge role={u.role} /></Cell>
            <Cell label="Status"><Status disabled={u.disabled} /></Cell>
            <Cell label="Upload allowance">{describeAllowance(u.upload_allowance, u.role, memberDefault)}</Cell>
            <Cell label="Created">{formatDateTime(u.created_at)}</Cell>
            <td className="px-3 py-2 max-sm:px-0 max-sm:pt-2">
              <div className="flex flex-wrap justify-end gap-2 max-sm:justify-start">
                <button type="button" onClick={() => onEdit(u)} className={secondaryButton} aria-label={`Edit ${u.email}`}>
                  Edit
                </button>
                <button type="button" onClick={() => onToggle(u)} className={secondaryButton} aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}>
                  {u.disabled ? "Enable" : "Disable"}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
