import { parseArgs } from "node:util";
import { getConfig } from "@/features/shared/config";
import { createContext, type AppContext } from "@/features/shared/context";
import { AppError } from "@/features/shared/errors";
import { createLogger } from "@/features/shared/logger";

/**
 * Shared by the operator commands (`npm run user|token|health|cleanup|recover -- …`): flags, a context
 * on DATA_DIR with quiet logs on stderr (the command prints its own result on stdout), and one
 * readable line on stderr plus exit code 1
 * for any refusal.
 */
export function operatorContext(): AppContext {
  const config = getConfig();
  return createContext(config, { log: createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : "warn", { stderr: true }) });
}

/** `command --name value …` -> {positionals, values}; unknown flags are refused. */
export function flags(args: string[], names: string[]): { positionals: string[]; values: Record<string, string | undefined> } {
  const options = Object.fromEntries(names.map((name) => [name, { type: "string" as const }]));
  const parsed = parseArgs({ args: args.filter((arg) => arg !== "--"), options, allowPositionals: true, strict: true });
  return { positionals: parsed.positionals, values: parsed.values as Record<string, string | undefined> };
}

/** Reads a whole piped stdin (a password, say); undefined when stdin is a terminal. */
export async function readStdin(): Promise<string | undefined> {
  if (process.stdin.isTTY) return undefined;
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, "");
}

export function run(main: () => Promise<void>, usage: string): void {
  main().catch((error: unknown) => {
    if (error instanceof AppError || (error instanceof Error && (error.name === "ConfigError" || "code" in error))) {
      console.error(error instanceof AppError ? error.message : `${error.message}\n${usage}`);
      process.exit(1);
    }
    throw error;
  });
}
