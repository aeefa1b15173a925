import { Base64Decoder } from "./base64";
import { streamedIndex, type StringSink } from "./json-stream";
import { StagedWriter } from "./staged-writer";
import type { UploadStaging } from "./staging";

/**
 * One file's base64 text as the JSON body streams it: checked and decoded as it comes, written to
 * a temp file when the file is one the batch can take, and counted against the file size cap. Past
 * the cap, or for files beyond the batch's file limit, it is still checked (so a bad body is refused
 * with the same error as before) but no longer written.
 */
export class StreamedFile implements StringSink {
  private readonly decoder = new Base64Decoder();
  private writer: StagedWriter | undefined;
  private finishing: Promise<{ size: number; sha256: string }> | undefined;
  private stopping: Promise<void> | undefined;
  size = 0;
  tooLarge = false;

  constructor(
    private readonly staging: UploadStaging,
    private readonly maxBytes: number,
    store: boolean,
  ) {
    if (store) this.writer = new StagedWriter(staging.newPath());
  }

  get valid(): boolean {
    return this.decoder.valid;
  }

  get tempPath(): string | undefined {
    return this.writer?.target;
  }

  write(text: string): void {
    this.take(this.decoder.push(text));
  }

  end(): void {
    this.take(this.decoder.end());
    if (this.writer) this.finishing = this.writer.finish();
    this.finishing?.catch(() => undefined); // awaited by written(); a failure is reported there
  }

  /** Waits until the file can take more (between body chunks). */
  drained(): Promise<void> {
    return this.finishing ? Promise.resolve() : (this.writer?.drained() ?? Promise.resolve());
  }

  /** The stored file's size and hash once it is on disk. */
  async written(): Promise<{ size: number; sha256: string } | undefined> {
    return this.finishing ? await this.finishing : undefined;
  }

  /** Stops writing (a refusal); resolves once the temp file is closed, so discard() can remove it. */
  async abort(): Promise<void> {
    await this.finishing?.catch(() => undefined);
    await this.writer?.abort();
    await this.stopping;
  }

  private take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.maxBytes && !this.tooLarge) {
      this.tooLarge = true;
      this.stopping = this.writer?.abort();
      this.writer = undefined;
    }
    if (!this.writer) return;
    this.staging.budget.count(bytes.length);
    this.writer.write(bytes);
  }
}

/**
 * Swaps the streamed tokens in `body.files[i].file_data` for what the schema should see: `""` for
 * data that decoded cleanly, `"!"` (not base64, so refused as before) for data that did not.
 * Returns the streamed file behind each entry of `files`, in order (undefined where the data was
 * sent some other way and is in the body itself).
 */
export function takeStreamedFiles(body: unknown, streamed: Map<number, StreamedFile>): (StreamedFile | undefined)[] {
  const files = (body as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return [];
  return files.map((file: unknown) => {
    const entry = file as { file_data?: unknown } | null;
    const index = streamedIndex(entry?.file_data);
    const source = index === undefined ? undefined : streamed.get(index);
    if (source) entry!.file_data = source.valid ? "" : "!";
    return source;
  });
}
