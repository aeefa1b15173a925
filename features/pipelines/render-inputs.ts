import type sharp from "sharp";
import { copyrightOf } from "./exif";
import { metadataPolicy } from "./metadata";
import type { OutputFormat, PipelineSpec } from "./schemas";
import type { RenderInputs } from "./transform";

/**
 * Everything applySpec needs that has to be read first, gathered from the input's header (which the
 * processor and the preview read anyway for the output-size check), so applySpec stays one
 * synchronous chain of sharp operations.
 */
export function prepareRender(spec: PipelineSpec, meta: sharp.Metadata, format: OutputFormat): RenderInputs {
  return {
    format,
    copyright: metadataPolicy(spec) === "copyright_only" ? copyrightOf(meta) : undefined,
  };
}
