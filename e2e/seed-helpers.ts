import { spawn } from "node:child_process";
import { expect, type APIRequestContext } from "@playwright/test";
import sharp from "sharp";

/**
 * Shared by the seed specs (e2e/seed-00*.spec.ts), which run the seed documents' examples as
 * written, plus a bearer token, against the shared server.
 */

/** A new API token of the signed-in admin (the `request` fixture carries the admin's session). */
export async function createApiToken(request: APIRequestContext, scope: "read" | "write" | "admin", name = `seed-${scope}`): Promise<string> {
  const response = await request.post("/api/tokens", { data: { name, scope } });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

/** A photo-like image (noise), big enough that a batch of them takes a moment to process. */
export function noisyImage(width: number, height: number, format: "png" | "jpeg" = "png", seed = 0): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: (seed * 37) % 255, g: 90, b: 140 }, noise: { type: "gaussian", mean: 120, sigma: 40 } } })
    .toFormat(format)
    .toBuffer();
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command (a seed's curl line, a Python snippet, an npm script) in its own process group,
 * so a timeout ends the whole tree (npm -> tsx -> node) rather than only its top process.
 */
export function runCommand(command: string, args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${command} ${args.join(" ")} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A bash line as a seed document writes it (curl, jq, $VARIABLES), with the token in $TOKEN. */
export const bash = (line: string, env: Record<string, string>) => runCommand("bash", ["-c", line], { env });

/** A Python snippet as a seed document writes it (requests), run by python3. */
export const python = (code: string, env: Record<string, string> = {}) => runCommand("python3", ["-c", code], { env });

/** The last line of a command's output parsed as JSON (the examples print results with print/echo). */
export function lastJson<T = Record<string, unknown>>(result: CommandResult): T {
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}
