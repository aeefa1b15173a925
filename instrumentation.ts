/** Runs once per server process: open the database, create default pipelines, start the queue. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerProcess } = await import("./features/server-start");
  await startServerProcess();
}
