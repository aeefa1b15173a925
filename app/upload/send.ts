/**
 * Sends the upload with XMLHttpRequest, the one browser API that reports upload progress; its
 * refusals are read with the same apiErrorFrom as every fetch.
 */

import { ApiError, apiErrorFrom } from "@/app/_shared/api";

export interface UploadProgress {
  loaded: number;
  total: number;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
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
      reject(apiErrorFrom(xhr.status, xhr.response));
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "The connection to the server failed; nothing was stored. Try again."));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "Upload cancelled; nothing was stored."));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
