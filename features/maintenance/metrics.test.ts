import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addPipeline, createTestContext, seedBatch, type TestContext } from "@/test/fixtures";
import { appEvents } from "@/features/shared/events";
import { renderMetrics } from "./metrics";

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\\\.|[^"\\\\])*",?)*\\}`;
// Prometheus parses values with Go's strconv.ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
const VALUE = "(?:[-+]?(?:\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|\\.\\d+)|[Nn]a[Nn]|[+-]Inf)";
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? ${VALUE}(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/** Parses the exposition by the text format's rules: every line must be HELP, TYPE or a sample of a declared family. */
function parseExposition(text: string): Map<string, number> {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = TYPE.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (HELP.test(line)) continue;
    const sample = SAMPLE.exec(line);
    expect(sample, `not a Prometheus sample line: ${line}`).not.toBeNull();
    const family = sample![1]!.replace(/_(bucket|sum|count|created)$/, "");
    expect(types.has(sample![1]!) || types.has(family), `sample without # TYPE: ${line}`).toBe(true);
    samples.set(line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return samples;
}

async function scrape() {
  const { body, contentType } = await renderMetrics(ctx);
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(body);
}

describe("GET /api/metrics", () => {
  it("is valid Prometheus text with jobs, durations, queue, uploads, batches and HTTP requests", async () => {
    const before = await scrape();
    const p = addPipeline(ctx, "Web PNG");
    seedBatch(ctx, { jobs: [{ file: "a.png", pipelineId: p }, { file: "b.png", pipelineId: p, status: "processing" }, { file: "c.png", pipelineId: p, output: Buffer.from("c") }] });
    const events = appEvents();
    events.emit("job:finished", { jobId: "j1", batchId: "b1", outcome: "completed", durationMs: 1200, attempt: 1 });
    events.emit("job:finished", { jobId: "j2", batchId: "b1", outcome: "failed", durationMs: 80, attempt: 3 });
    events.emit("upload:accepted", { batchId: "b1", files: 3, bytes: 4096 });
    events.emit("http:request", { method: "GET", route: "/api/batches/:id", status: 200, durationMs: 12 });

    const after = await scrape();
    const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(delta('batchyard_jobs_finished_total{outcome="completed"}')).toBe(1);
    expect(delta('batchyard_jobs_finished_total{outcome="failed"}')).toBe(1);
    expect(delta('batchyard_job_duration_seconds_bucket{le="2.5",outcome="completed"}')).toBe(1);
    expect(delta('batchyard_job_duration_seconds_bucket{le="1",outcome="completed"}')).toBe(0);
    expect(delta("batchyard_upload_bytes_total")).toBe(4096);
    expect(delta("batchyard_upload_files_total")).toBe(3);
    expect(delta('batchyard_http_request_duration_seconds_count{method="GET",route="/api/batches/:id",status="200"}')).toBe(1);
    expect(after.get("batchyard_queue_depth")).toBe(1);
    expect(after.get("batchyard_jobs_running")).toBe(1);
    expect(after.get('batchyard_batches{status="processing"}')).toBe(1);
    expect(after.get('batchyard_batches{status="completed"}')).toBe(0);
    expect(after.get("batchyard_disk_free_bytes")).toBeGreaterThan(0);
    expect(after.has("process_resident_memory_bytes")).toBe(true);
    expect(after.has("nodejs_eventloop_lag_seconds")).toBe(true);
  });
});
