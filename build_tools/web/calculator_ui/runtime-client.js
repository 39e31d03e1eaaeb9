// The page's side of the Python worker: one worker per tab, started on the first guideline page
// (not on the first click), kept across mkdocs-material's instant navigation, which swaps page
// content without reloading. Computing is postMessage only: no request.
//
// "gl-calculator-quiet" (on document): the calculator has nothing left to do for now: its
// runtime is ready (or failed) and every answer asked for has been handed over and shown (on a
// case link: its first result). offline.js waits for it before saving the site for offline use,
// so that saving never competes with the calculator's start for the network or the disk.

/**
 * @import {Answer, ChangesAnswer, ChangesRequest, FromWorker, InitMessage, FragmentRequest,
 *   RelevanceAnswer, RelevanceRequest, WorkerTimings} from "./types.js"
 */

// Siblings of this script, wherever the site is published (the build names the folder).
const WORKER_URL = new URL("worker.js", import.meta.url);
const MANIFEST_URL = new URL("calculator-manifest.json", import.meta.url);

/**
 * @typedef {object} Runtime
 * @property {Worker | null} worker
 * @property {"idle" | "loading" | "ready" | "failed"} state
 * @property {string} detail
 * @property {string} notice
 * @property {Map<number, (answer: Answer & RelevanceAnswer & ChangesAnswer) => void>} requests
 * @property {number} nextId
 * @property {{workerStarted: number | null, ready: number | null, firstResult: number | null,
 *   worker: WorkerTimings | null}} timings
 */

/** @type {Runtime} */
export const runtime = {
  worker: null,
  state: "idle",
  detail: "",
  notice: "",
  requests: new Map(),
  nextId: 1,
  timings: { workerStarted: null, ready: null, firstResult: null, worker: null },
};

/** Called on every change of the runtime's state. @type {Set<() => void>} */
export const runtimeListeners = new Set();

/** Start the worker once (later calls do nothing). */
export function startRuntime() {
  if (runtime.state !== "idle") return;
  const entry = window.__glCalculatorEntry;
  if (location.protocol === "file:") {
    // Where a browser loads module scripts from files at all: the worker cannot start there.
    return fail(entry ? entry.openedAsFile : "the page was opened as a file");
  }
  if (typeof Worker === "undefined") {
    return fail("this browser cannot run the calculator (no module workers)");
  }
  runtime.state = "loading";
  runtime.detail = "Starting the calculator…";
  const url = WORKER_URL;
  /** @param {Event | ErrorEvent} event */
  const onError = (event) => {
    event.preventDefault();
    // Only a worker that never started gets here (its own errors are caught and posted).
    const stopped = "the calculator's worker stopped with an error";
    (entry ? entry.diagnoseScript(url) : Promise.resolve(stopped)).then(fail);
  };
  // Started from <head> by boot.js: take it over, with what it said meanwhile.
  const boot = window.__glCalculatorBoot;
  delete window.__glCalculatorBoot;
  if (boot?.worker && boot.url.href === url.href) {
    runtime.worker = boot.worker;
    runtime.timings.workerStarted = boot.startedAt;
    runtime.worker.onmessage = onWorkerMessage;
    runtime.worker.onerror = onError;
    for (const event of boot.events) {
      if (event.type === "error") onError(event);
      else onWorkerMessage(/** @type {MessageEvent<FromWorker>} */ (event));
    }
    changed();
    return;
  }
  runtime.timings.workerStarted = performance.now();
  try {
    runtime.worker = new Worker(url, { type: "module" });
  } catch (error) {
    return fail(`the browser refused to start the calculator (${errorMessage(error)})`);
  }
  runtime.worker.onmessage = onWorkerMessage;
  runtime.worker.onerror = onError;
  /** @type {InitMessage} */
  const init = { type: "init", manifest: MANIFEST_URL.href };
  runtime.worker.postMessage(init);
  changed();
}

/** @param {MessageEvent<FromWorker>} event */
function onWorkerMessage(event) {
  const message = event.data || {};
  if ("id" in message && message.id !== undefined) {
    const request = runtime.requests.get(message.id);
    runtime.requests.delete(message.id);
    if (request) request("json" in message ? JSON.parse(message.json) : message);
    announceQuiet();
    return;
  }
  if (!("type" in message)) return;
  if (message.type === "progress") {
    runtime.detail = message.detail;
  } else if (message.type === "notice") {
    runtime.notice = message.message;
    console.warn(`Case calculator: ${message.message}`);
  } else if (message.type === "ready") {
    runtime.state = "ready";
    runtime.timings.ready = performance.now();
    runtime.timings.worker = message.timings;
  } else if (message.type === "failed") {
    if (message.log?.length) console.info(message.log.join("\n"));
    return fail(message.message);
  }
  changed();
}

/** @param {string} reason */
function fail(reason) {
  runtime.state = "failed";
  runtime.detail = reason;
  for (const answer of runtime.requests.values()) answer({ error: reason });
  runtime.requests.clear();
  changed();
}

/**
 * The worker's answer for a case given as fragment text (after the runtime has started).
 * @param {string} guideline
 * @param {string} fragment
 * @returns {Promise<Answer>}
 */
export function recommend(guideline, fragment) {
  return ask({ id: 0, type: "recommend", guideline, fragment });
}

/**
 * Which fields could change the result of a case given as fragment text: the worker's answer
 * (`relevance`: `{status, fields: [{field, needed, jointly, reason}]}`, no fields for an
 * invalid case; `questions`: the unstated findings to establish, most decisive first), or an
 * error.
 * @param {string} guideline
 * @param {string} fragment
 * @returns {Promise<RelevanceAnswer>}
 */
export function relevance(guideline, fragment) {
  return ask({ id: 0, type: "relevance", guideline, fragment });
}

/**
 * How the result of a case given as fragment text changed in the newest release that changed it:
 * the worker's answer (`changes`: `{from, to, changes, every_case, first_choice}`, or
 * null without a previous version), or an error.
 * @param {string} guideline
 * @param {string} fragment
 * @returns {Promise<ChangesAnswer>}
 */
export function changes(guideline, fragment) {
  return ask({ id: 0, type: "changes", guideline, fragment });
}

/**
 * Send a request under a new id; its answer resolves the promise (an error if the runtime
 * failed or has not started).
 * @param {FragmentRequest | RelevanceRequest | ChangesRequest} request
 * @returns {Promise<Answer & RelevanceAnswer & ChangesAnswer>}
 */
function ask(request) {
  return new Promise((resolve) => {
    if (runtime.state === "failed" || !runtime.worker) return resolve({ error: runtime.detail });
    request.id = runtime.nextId++;
    runtime.requests.set(request.id, resolve);
    runtime.worker.postMessage(request);
  });
}

function changed() {
  for (const listener of runtimeListeners) listener();
  announceQuiet();
}

/** Whether "gl-calculator-quiet" is due (a task has been queued to check). */
let quietCheck = false;

/**
 * "gl-calculator-quiet", if nothing is left to do once the answers just handed over have been
 * shown: the check runs in a task of its own, after the promise callbacks that render them.
 */
function announceQuiet() {
  if (quietCheck) return;
  quietCheck = true;
  setTimeout(() => {
    quietCheck = false;
    const settled = runtime.state === "ready" || runtime.state === "failed";
    if (settled && runtime.requests.size === 0) {
      document.dispatchEvent(new CustomEvent("gl-calculator-quiet"));
    }
  });
}

/** @param {unknown} error */
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
