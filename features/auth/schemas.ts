import { z } from "zod";
import { ROLES, TOKEN_SCOPES } from "@/db/schema";

/** Request bodies of the account endpoints; types come from here only. */

const email = z.string().trim().toLowerCase().max(254).email("must be an email address");
export const password = z.string().min(8, "must be at least 8 characters").max(256, "must be at most 256 characters");

/** `3/hour`-style allowance, or `off` for unlimited; null falls back to the role's default. */
export const allowanceSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(off|\d{1,6}\/(second|minute|hour|day))$/, "expected N/second|minute|hour|day or off");

export const loginSchema = z.strictObject({ email: z.string().trim().toLowerCase().max(254), password: z.string().max(256) });

export const setupSchema = z.strictObject({ email, password, code: z.string().trim().max(64).optional() });

export const createUserSchema = z.strictObject({
  email,
  role: z.enum(ROLES).default("member"),
  password: password.optional(),
  upload_allowance: allowanceSchema.nullable().optional(),
});

export const updateUserSchema = z
  .strictObject({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    upload_allowance: allowanceSchema.nullable().optional(),
    password: password.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "nothing to change");

export const changePasswordSchema = z.strictObject({ current_password: z.string().max(256), new_password: password });

export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1, "a name tells tokens apart").max(100),
  scope: z.enum(TOKEN_SCOPES),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

export const idParamSchema = z.object({ id: z.string().min(1).max(100) });

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
