/**
 * Downloads in flight in this process, for /api/metrics and for tests that check a disconnected
 * client leaves no work behind. Kept on globalThis: Next.js may load route modules more than once.
 */
export interface DownloadActivity {
  active: number;
  started: number;
  completed: number;
  cancelled: number;
  failed: number;
  bytesSent: number;
}

const holder = globalThis as unknown as { __batchyardDownloads?: DownloadActivity };

export function downloadActivity(): DownloadActivity {
  holder.__batchyardDownloads ??= { active: 0, started: 0, completed: 0, cancelled: 0, failed: 0, bytesSent: 0 };
  return holder.__batchyardDownloads;
}
