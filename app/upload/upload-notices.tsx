"use client";

import Link from "next/link";
import type { Ref } from "react";
import type { ApiError } from "@/app/_shared/api";
import { Banner } from "@/app/_shared/banner";

/** A name that may wrap anywhere (names have no spaces) without breaking the words around it. */
const Name = ({ children }: { children: string }) => <span className="font-mono [overflow-wrap:anywhere]">{children}</span>;

interface FailureProps {
  failure: ApiError;
  /** Chosen files with the name the refusal gives. */
  refused: number;
  /** Files that would still be sent without them. */
  rest: number;
  onSendRest(): void;
  ref?: Ref<HTMLDivElement>;
}

/**
 * Why the upload did not happen. The server keeps all-or-nothing (one bad file refuses the batch);
 * when it names the file, one click takes it out and sends the rest.
 */
export function FailureNotice({ failure, refused, rest, onSendRest, ref }: FailureProps) {
  return (
    <Banner tone="error" id="upload-error" ref={ref}>
      <p className="font-medium">{failure.status ? "The upload was refused; nothing was stored." : "The upload did not finish."}</p>
      <p>{failure.message}</p>
      {failure.file && (
        <p className="mt-1">
          File: <Name>{failure.file}</Name>
        </p>
      )}
      {refused > 0 && rest > 0 && (
        <button type="button" onClick={onSendRest} className="mt-2 rounded-md bg-rose-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-800 dark:bg-rose-300 dark:text-rose-950 dark:hover:bg-rose-200">
          Remove the {refused} refused file{refused === 1 ? "" : "s"} and send the other {rest}
        </button>
      )}
    </Banner>
  );
}

interface CreatedProps {
  batch: { id: string; base_directory_name: string };
  /** Files kept for a second batch (over the count limit); none = the page moves on to the batch. */
  leftover: number;
  ref?: Ref<HTMLDivElement>;
}

export function CreatedNotice({ batch, leftover, ref }: CreatedProps) {
  return (
    <Banner tone="success" ref={ref}>
      <p className="font-medium">
        Batch <Name>{batch.base_directory_name}</Name> created.
      </p>
      <Link href={`/batches/${batch.id}`} className="font-medium underline underline-offset-2">
        Open it on the dashboard
      </Link>
      {leftover > 0 ? (
        <p className="mt-1">
          {leftover} file{leftover === 1 ? " was" : "s were"} over the limit and {leftover === 1 ? "is" : "are"} still selected: upload {leftover === 1 ? "it" : "them"} now as a second batch.
        </p>
      ) : (
        <span> (opening…)</span>
      )}
    </Banner>
  );
}
