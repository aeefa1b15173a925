import { expect, test } from "@playwright/test";
import { createApiToken, lastJson, noisyImage, python } from "./seed-helpers";

/**
 * Seed 003 (photo batch control): its Python examples run as written with python3 + requests (the
 * base URL pointed at this server and a bearer token added to each call), its JavaScript example as
 * fetch. Photo ids are the ids of files Batchyard already stores, so each test first uploads them.
 */
test.describe.configure({ mode: "serial" });

const BASE = `http://127.0.0.1:${process.env.E2E_PORT}`;
let WRITE = "";
let ADMIN = "";

/** The preamble every snippet shares: the document's imports and BASE_URL, plus our token header. */
const preamble = (token: string) => `
import requests, json, time
BASE_URL = ${JSON.stringify(BASE)}
H = {"Authorization": "Bearer ${token}"}
`;

/** Uploads `count` photos (big enough to take a moment each) and returns their file ids. */
async function storedPhotos(count: number, size: [number, number] = [2400, 1600]): Promise<string[]> {
  const form = new FormData();
  for (let i = 0; i < count; i++) form.append("files", new Blob([new Uint8Array(await noisyImage(size[0], size[1], "jpeg", i))]), `SES_photo_${i + 1}.jpg`);
  const response = await fetch(`${BASE}/api/batches`, { method: "POST", headers: { Authorization: `Bearer ${WRITE}` }, body: form });
  expect(response.status).toBe(201);
  const batch = (await response.json()) as { id: string; jobs: { file_id: string }[] };
  await expect.poll(async () => (await (await fetch(`${BASE}/api/batches/${batch.id}`, { headers: { Authorization: `Bearer ${WRITE}` } })).json()).status, { timeout: 60_000 }).toBe("completed");
  return [...new Set(batch.jobs.map((j) => j.file_id))];
}

test.beforeAll(async ({ request }) => {
  WRITE = await createApiToken(request, "write", "seed-003");
  ADMIN = await createApiToken(request, "admin", "seed-003-admin");
});

test("quick start 1-5: start, monitor, pause, resume and cancel a batch, checking every documented field", async () => {
  const photoIds = await storedPhotos(10);
  const result = await python(
    `${preamble(WRITE)}
photo_ids = ${JSON.stringify(photoIds)}
out = {}

# 1. Starting a Batch
response = requests.post(f"{BASE_URL}/batch/start", headers=H, json={
    "photo_ids": photo_ids,
    "session_id": 123,  # Optional
    "config": {         # Optional processing config
        "preset": "WhiteLayer_v4",
        "blend": 60
    }
})
out["start"] = response.json()
batch_id = response.json()["batch_id"]
print(f"Batch started: {batch_id}")

# 2. Monitoring Progress
status = requests.get(f"{BASE_URL}/batch/{batch_id}/status", headers=H).json()
print(f"Status: {status['status']}")
print(f"Progress: {status['progress_percent']}%")
print(f"Processed: {status['processed_count']}/{status['total_photos']}")
print(f"Failed: {status['failed_count']}")
out["status"] = status

# 3. Pausing a Batch
response = requests.post(f"{BASE_URL}/batch/{batch_id}/pause", headers=H)
if response.status_code == 200:
    print("Batch paused successfully")
out["pause"] = [response.status_code, response.json()]
out["paused_status"] = requests.get(f"{BASE_URL}/batch/{batch_id}/status", headers=H).json()
out["list"] = requests.get(f"{BASE_URL}/batch/list", headers=H).json()

# 4. Resuming a Batch
response = requests.post(f"{BASE_URL}/batch/{batch_id}/resume", headers=H)
if response.status_code == 200:
    print("Batch resumed successfully")
out["resume"] = [response.status_code, response.json()]

# 5. Cancelling a Batch
response = requests.post(f"{BASE_URL}/batch/{batch_id}/cancel", headers=H)
if response.status_code == 200:
    print("Batch cancelled successfully")
out["cancel"] = [response.status_code, response.json()]
out["final"] = requests.get(f"{BASE_URL}/batch/{batch_id}/status", headers=H).json()
print(json.dumps(out))
`,
  );
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain("Batch paused successfully\n");
  expect(result.stdout).toContain("Batch resumed successfully\n");
  expect(result.stdout).toContain("Batch cancelled successfully\n");
  const out = lastJson<Record<string, unknown>>(result);
  const id = (out.start as { batch_id: string }).batch_id;
  expect(out.start).toEqual({ message: "Batch processing started", batch_id: id, photo_count: 10 });
  const { started_at: startedAt, ...status } = out.status as Record<string, unknown>;
  expect(startedAt === null || typeof startedAt === "string").toBe(true);
  expect(status).toEqual({
    batch_id: id,
    session_id: 123,
    status: expect.stringMatching(/^(pending|running)$/),
    total_photos: 10,
    processed_count: expect.any(Number),
    failed_count: 0,
    progress_percent: expect.any(Number),
    created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    paused_at: null,
    completed_at: null,
  });
  expect(out.pause).toEqual([200, { message: "Batch paused successfully", batch_id: id }]);
  expect(out.paused_status).toMatchObject({ status: "paused", paused_at: expect.any(String) });
  const listed = (out.list as { batches: Record<string, unknown>[]; count: number });
  expect(listed.count).toBe(listed.batches.length);
  expect(listed.batches).toContainEqual(
    expect.objectContaining({ batch_id: id, status: "paused", total_photos: 10, processed_count: expect.any(Number), progress_percent: expect.any(Number) }),
  );
  expect(out.resume).toEqual([200, { message: "Batch resumed successfully", batch_id: id }]);
  expect(out.cancel).toEqual([200, { message: "Batch cancelled successfully", batch_id: id }]);
  expect(out.final).toMatchObject({ batch_id: id, status: "cancelled" });
});

test("use cases 2 and 4, troubleshooting: recover on startup, resume paused batches, clean up, refuse impossible moves", async () => {
  const photoIds = await storedPhotos(6); // big enough that the pause below lands while it runs
  const result = await python(
    `${preamble(ADMIN)}
out = {}
start = requests.post(f"{BASE_URL}/batch/start", headers=H, json={"photo_ids": ${JSON.stringify(photoIds)}, "session_id": 456}).json()
out["first_pause"] = requests.post(f"{BASE_URL}/batch/{start['batch_id']}/pause", headers=H).status_code

# On application startup, recover interrupted batches
response = requests.post(f"{BASE_URL}/batch/recover", headers=H)
result = response.json()
print(f"Recovered {result['recovered_count']} interrupted batches")
out["recover"] = result

# List all batches
batches = requests.get(f"{BASE_URL}/batch/list", headers=H).json()['batches']

# Resume paused batches
resumed = []
for batch in batches:
    if batch['status'] == 'paused':
        print(f"Resuming batch {batch['batch_id']}")
        requests.post(f"{BASE_URL}/batch/{batch['batch_id']}/resume", headers=H)
        resumed.append(batch['batch_id'])
out["resumed"] = resumed

# Poll status every 5-10 seconds (here: 0.2 s) until it ends
while True:
    status = requests.get(f"{BASE_URL}/batch/{start['batch_id']}/status", headers=H).json()
    if status['status'] in ['completed', 'failed', 'cancelled']:
        break
    time.sleep(0.2)
out["done"] = status

# Batch Won't Pause: it is not running any more
response = requests.post(f"{BASE_URL}/batch/{start['batch_id']}/pause", headers=H)
out["late_pause"] = [response.status_code, response.json()]

# Clean up old completed batches (older than 7 days)
response = requests.post(f"{BASE_URL}/batch/cleanup", headers=H, json={
    "days_old": 7
})
result = response.json()
print(f"Cleaned up {result['cleaned_count']} old batches")
out["cleanup"] = result
print(json.dumps(out))
`,
  );
  expect(result.code, result.stderr).toBe(0);
  const out = lastJson<Record<string, unknown>>(result);
  expect(out.recover).toEqual({
    message: "Batch recovery completed",
    recovered_count: expect.any(Number),
    failed_count: expect.any(Number),
    paused_count: expect.any(Number),
    timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  });
  expect(result.stdout).toMatch(/Recovered \d+ interrupted batches/);
  expect(out.first_pause).toBe(200);
  expect(out.resumed).toContain((out.done as { batch_id: string }).batch_id);
  expect(out.done).toMatchObject({ session_id: 456, status: "completed", total_photos: 6, processed_count: 6, failed_count: 0, progress_percent: 100, completed_at: expect.any(String) });
  expect(out.late_pause).toEqual([409, { error: expect.objectContaining({ code: "invalid_transition" }) }]);
  expect(out.cleanup).toEqual({ message: "Batch cleanup completed", cleaned_count: expect.any(Number), days_old: 7 });
  expect(result.stdout).toMatch(/Cleaned up \d+ old batches/);
});

test("recover and cleanup are for admins; a write token is refused", async () => {
  const result = await python(`${preamble(WRITE)}
print(json.dumps([requests.post(f"{BASE_URL}/batch/recover", headers=H).status_code, requests.post(f"{BASE_URL}/batch/cleanup", headers=H, json={"days_old": 7}).status_code]))
`);
  expect(lastJson(result)).toEqual([403, 403]);
});

test("the JavaScript example: startBatch, monitorBatch until completed (fetch, plus the token)", async () => {
  const photoIds = await storedPhotos(3, [64, 48]);
  const headers = { "Content-Type": "application/json", Authorization: `Bearer ${WRITE}` };
  const BASE_URL = BASE;
  async function startBatch(ids: string[], sessionId: number | null = null) {
    const response = await fetch(`${BASE_URL}/batch/start`, { method: "POST", headers, body: JSON.stringify({ photo_ids: ids, session_id: sessionId }) });
    const data = await response.json();
    return data.batch_id as string;
  }
  async function monitorBatch(batchId: string) {
    const response = await fetch(`${BASE_URL}/batch/${batchId}/status`, { headers });
    return response.json();
  }
  const batchId = await startBatch(photoIds);
  expect(batchId).toEqual(expect.any(String));
  let status: { status: string; progress_percent: number; session_id: unknown } | undefined;
  await expect
    .poll(async () => {
      status = await monitorBatch(batchId);
      return status!.status;
    }, { timeout: 30_000 })
    .toBe("completed");
  expect(status).toMatchObject({ progress_percent: 100, session_id: null });
});
