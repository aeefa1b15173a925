import "yazl";

// yazl 3 added addReadStreamLazy (opens each input only when its turn comes) and passes the total
// size to end()'s callback; @types/yazl 2.4 lacks both.
declare module "yazl" {
  interface ZipFile {
    addReadStreamLazy(
      metadataPath: string,
      options: Partial<ReadStreamOptions>,
      getReadStream: (callback: (error: Error | null, stream: NodeJS.ReadableStream) => void) => void,
    ): void;
    /** yazl passes the final archive size, or -1 when compression makes it unknowable. */
    end(options: Partial<EndOptions>, calculatedTotalSizeCallback: (totalSize: number) => void): void;
  }
}
