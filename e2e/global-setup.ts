import fs from "node:fs";
import path from "node:path";
import { signIn, storageStatePath } from "./auth";

/** Signs the admin in once on the shared server and keeps the session for every browser context and `request`. */
export default async function globalSetup(): Promise<void> {
  const baseUrl = `http://127.0.0.1:${process.env.E2E_PORT}`;
  const cookie = await signIn(baseUrl);
  const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
  const state = {
    cookies: [{ name, value, domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }],
    origins: [],
  };
  fs.mkdirSync(path.dirname(storageStatePath()), { recursive: true });
  fs.writeFileSync(storageStatePath(), JSON.stringify(state));
}
