/** Sends the upload with XMLHttpRequest, the one browser API that reports upload progress. */

export interface UploadProgress {
  loaded: number;
  total: number;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
}

export interface UploadFailure {
  status: number;
  code: string;
  message: string;
  file?: string;
  retryAfter?: number;
}

export interface UploadHandle {
  done: Promise<{ id: string; base_directory_name: string }>;
  abort(): void;
}

export function sendUpload(form: FormData, idempotencyKey: string, onProgress: (p: UploadProgress) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const samples: { at: number; loaded: number }[] = [];
  const done = new Promise<{ id: string; base_directory_name: string }>((resolve, reject) => {
    xhr.open("POST", "/api/batches");
    xhr.setRequestHeader("Idempotency-Key", idempotencyKey);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      const at = performance.now();
      samples.push({ at, loaded: event.loaded });
      while (samples.length > 2 && at - samples[0]!.at > 3000) samples.shift();
      const first = samples[0]!;
      const seconds = (at - first.at) / 1000;
      onProgress({ loaded: event.loaded, total: event.total, bytesPerSecond: seconds > 0 ? (event.loaded - first.loaded) / seconds : 0 });
    };
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 201) return resolve(xhr.response);
      const error = (xhr.response as { error?: { code?: string; message?: string; details?: { file?: string } } } | null)?.error;
      const retryAfter = Number(xhr.getResponseHeader("Retry-After")) || undefined;
      reject({
        status: xhr.status,
        code: error?.code ?? "http_error",
        message: error?.message ?? `The server answered ${xhr.status}.`,
        file: error?.details?.file,
        retryAfter,
      } satisfies UploadFailure);
    };
    xhr.onerror = () => reject({ status: 0, code: "network", message: "The connection to the server failed; nothing was stored. Try again." } satisfies UploadFailure);
    xhr.onabort = () => reject({ status: 0, code: "aborted", message: "Upload cancelled; nothing was stored." } satisfies UploadFailure);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
