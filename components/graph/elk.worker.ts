/// <reference lib="webworker" />
// ELK's own worker script: loaded inside a Worker it answers layout requests from elk-api on the
// page, so a thousand-node layout never blocks the main thread.
import 'elkjs/lib/elk-worker.min.js';
