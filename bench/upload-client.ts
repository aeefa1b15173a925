/**
 * The uploading client of bench/pipeline.ts, in a process of its own as a user's browser or script
 * would be: POST /api/batches of the files named on the command line, then print one JSON line
 * with the status, the body and when the first and last bytes went out.
 *
 *   node --import tsx bench/upload-client.ts '<json {base, files, fields, headers, options?}>'
 */
import { postFiles, type PostOptions } from "./multipart";

const { base, files, fields, headers, options } = JSON.parse(process.argv[2] ?? "{}") as {
  base: string;
  files: string[];
  fields: Record<string, string>;
  headers: Record<string, string>;
  options?: PostOptions;
};

postFiles(base, files, fields, headers, options).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.log(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    process.exitCode = 1;
  },
);
