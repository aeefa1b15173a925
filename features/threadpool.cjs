/* global module */
// Sizes libuv's thread pool before anything has used it (`node -r ./features/threadpool.cjs ...`;
// from JS any later, even the first line of the entry, is too late: the module loader already
// started the pool). sharp holds one pool thread for the whole of each image operation, and tmp/
// writes, output reads and fsyncs wait for threads of the same pool: with libuv's default of 4,
// three jobs and two previews leave none for file I/O and a small upload waits seconds
// (docs/benchmarks.md, "Image work and file I/O"). So: a thread for every image operation that can
// run at once (jobs, 2 previews, 2 thumbnails), plus libuv's 4 for the files, and at least 16 so a
// queue concurrency raised at run time still finds threads. An explicit UV_THREADPOOL_SIZE wins.

const IMAGE_SLOTS_BESIDES_JOBS = 2 + 2; // PREVIEW_SLOTS (pipelines/preview.ts) + THUMBNAIL_SLOTS (pipelines/thumbnails.ts)
const FILE_IO_THREADS = 4;
const MIN_POOL = 16;

function poolSizeFor(env) {
  const jobs = Number.parseInt(env.QUEUE_CONCURRENCY ?? "", 10) || 3;
  return Math.min(1024, Math.max(MIN_POOL, jobs + IMAGE_SLOTS_BESIDES_JOBS + FILE_IO_THREADS));
}

if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = String(poolSizeFor(process.env));

module.exports = { poolSizeFor, IMAGE_SLOTS_BESIDES_JOBS, FILE_IO_THREADS, MIN_POOL };
