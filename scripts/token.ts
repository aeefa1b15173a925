/**
 * `npm run token -- create --email E --name N --scope read|write|admin [--expires 2027-01-31]`:
 * prints the new API token once, alone on its line (scripts capture it with `| tail -1`).
 * `npm run token -- list --email E` and `npm run token -- revoke --id ID` manage them.
 */
import { TOKEN_SCOPES } from "@/db/schema";
import type { Scope } from "@/features/auth/scopes";
import { createToken, listTokens, revokeToken } from "@/features/auth/tokens";
import { findUserByEmail } from "@/features/auth/users";
import { AppError } from "@/features/shared/errors";
import { flags, operatorContext, run } from "./cli";

const USAGE = "usage: npm run token -- create --email E --name N --scope read|write|admin [--expires YYYY-MM-DD] | list --email E | revoke --id ID";

async function main(): Promise<void> {
  const { positionals, values } = flags(process.argv.slice(2), ["email", "name", "scope", "expires", "id"]);
  const ctx = operatorContext();
  const owner = () => {
    const user = values.email ? findUserByEmail(ctx, values.email) : undefined;
    if (!user) throw new AppError("not_found", values.email ? `No user with the email ${values.email}.` : `--email is required.\n${USAGE}`);
    if (user.disabled) throw new AppError("conflict", `${user.email} is disabled.`);
    return user;
  };
  switch (positionals[0]) {
    case "create": {
      const user = owner();
      const scope = values.scope as Scope;
      if (!TOKEN_SCOPES.includes(scope)) throw new AppError("validation_failed", `--scope is read, write or admin.\n${USAGE}`);
      if (!values.name?.trim()) throw new AppError("validation_failed", `--name is required.\n${USAGE}`);
      const expires = values.expires ? new Date(values.expires).toISOString() : null;
      const created = createToken(ctx, { userId: user.id, role: user.role }, { name: values.name.trim(), scope, expires_at: expires });
      console.log(created.token);
      return;
    }
    case "list":
      for (const token of listTokens(ctx, owner().id)) {
        console.log([token.prefix, token.name, token.scope, token.last_used_at ?? "never used", token.expires_at ?? "no expiry"].join("\t"));
      }
      return;
    case "revoke": {
      if (!values.id) throw new AppError("validation_failed", `--id is required.\n${USAGE}`);
      revokeToken(ctx, { userId: "", email: "", role: "admin", scope: "admin", via: "token" }, values.id.replace(/^byd_/, ""));
      console.log(`revoked ${values.id}`);
      return;
    }
    default:
      throw new AppError("bad_request", USAGE);
  }
}

run(main, USAGE);
