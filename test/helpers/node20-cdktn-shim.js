// cdktn-cli 0.24.0 declares Node >= 22.19; on Node 20 the only thing it misses is
// worker_threads.markAsUncloneable (Node >= 22.10), which its bundled undici calls on construction to
// mark objects it never sends to a worker. A no-op stands in for it, for the e2e tests only.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = require("node:worker_threads");
if (typeof workerThreads.markAsUncloneable !== "function") workerThreads.markAsUncloneable = () => {};
