/**
 * `npm run user -- <command>`: accounts from the shell, for headless installs and lock-outs.
 *   add --email E [--role admin|member]   password from stdin, or generated and printed once
 *   passwd --email E                      new password from stdin, or generated and printed once
 *   disable --email E | enable --email E  a disabled user's sessions and tokens stop at once
 *   list                                  one line per user: email, role, status, allowance
 */
import { generatePassword } from "@/features/auth/passwords";
import { password as passwordSchema } from "@/features/auth/schemas";
import { createUser, findUserByEmail, listUsers, updateUser } from "@/features/auth/users";
import { AppError } from "@/features/shared/errors";
import { flags, operatorContext, readStdin, run } from "./cli";

const USAGE = "usage: npm run user -- add --email E [--role admin|member] | passwd --email E | disable --email E | enable --email E | list";

async function choosePassword(): Promise<{ password: string; generated: boolean }> {
  const piped = await readStdin();
  if (piped === undefined || piped === "") return { password: generatePassword(), generated: true };
  const checked = passwordSchema.safeParse(piped);
  if (!checked.success) throw new AppError("validation_failed", `The password ${checked.error.issues[0]?.message ?? "is not valid"}.`);
  return { password: piped, generated: false };
}

async function main(): Promise<void> {
  const { positionals, values } = flags(process.argv.slice(2), ["email", "role"]);
  const command = positionals[0];
  const ctx = operatorContext();
  const email = values.email?.trim().toLowerCase();
  const existing = () => {
    const user = email ? findUserByEmail(ctx, email) : undefined;
    if (!user) throw new AppError("not_found", email ? `No user with the email ${email}.` : `--email is required.\n${USAGE}`);
    return user;
  };
  switch (command) {
    case "add": {
      if (!email) throw new AppError("validation_failed", `--email is required.\n${USAGE}`);
      const role = values.role ?? "member";
      if (role !== "admin" && role !== "member") throw new AppError("validation_failed", `--role is admin or member.\n${USAGE}`);
      const { password, generated } = await choosePassword();
      const user = await createUser(ctx, { email, role, password });
      console.log(`added ${user.email} (${user.role})`);
      if (generated) console.log(`password: ${password}`);
      return;
    }
    case "passwd": {
      const user = existing();
      const { password, generated } = await choosePassword();
      await updateUser(ctx, user.id, { password });
      console.log(`password changed for ${user.email}; their sessions were signed out`);
      if (generated) console.log(`password: ${password}`);
      return;
    }
    case "disable":
    case "enable": {
      const user = existing();
      await updateUser(ctx, user.id, { disabled: command === "disable" });
      console.log(`${command}d ${user.email}`);
      return;
    }
    case "list":
      for (const user of listUsers(ctx)) {
        console.log([user.email, user.role, user.disabled ? "disabled" : "active", user.upload_allowance ?? "default"].join("\t"));
      }
      return;
    default:
      throw new AppError("bad_request", USAGE);
  }
}

run(main, USAGE);
