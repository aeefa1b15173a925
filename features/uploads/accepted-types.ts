/**
 * The raster types an upload accepts, in one place for the server (which decides the type from the
 * bytes) and the browser (which checks names and MIME types before sending, to spare a doomed
 * upload). No node imports: the upload and pipelines pages import this module.
 */

export const ACCEPTED_MIME_TYPES = ["image/jpeg", "image/png", "image/webp", "image/avif", "image/tiff", "image/gif"] as const;
export const ACCEPTED_MIME: ReadonlySet<string> = new Set(ACCEPTED_MIME_TYPES);

/** File name extensions the browser takes as one of the accepted types. */
export const ACCEPTED_EXTENSIONS = [".jpg", ".jpeg", ".png", ".webp", ".avif", ".tif", ".tiff", ".gif"] as const;

/** The accepted types in words, as messages and hints name them. */
export const ACCEPTED_TYPES_TEXT = "JPEG, PNG, WebP, AVIF, TIFF or GIF";
