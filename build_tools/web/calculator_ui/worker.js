// Case-calculator worker: runs the compiled decision tables (the stdlib-only `calculators`
// package) in the site's own copy of Pyodide, off the main thread, with no other origin involved.
//
// Messages: as types.js types and describes them (ToWorker from the page, FromWorker back).
//
// It must be started as a module worker: this Pyodide refuses classic workers.
//
// Start-up, in numbered stages below: 0 manifest, 1 loader, 2 Python (2a resumed from a
// snapshot an earlier visit saved, else 2b from the files), 3 the decision tables, then
// 4 answers and, after a fresh start, 5 saving the snapshot for the next visit
// (worker-snapshots.js).

/** @import {FromWorker, Manifest, ToWorker, WorkerTimings} from "./types.js" */
import { diagnose, guardWasm, timeout } from "./worker-checks.js";
import { errorMessage, log, remember } from "./worker-log.js";
import { forgetSnapshot, readSnapshot, saveSnapshot } from "./worker-snapshots.js";

// Python starts in ~2-3 s on a 2-core machine (~1 s from a snapshot); far beyond that
// something hangs.
const START_TIMEOUT_MS = 120_000;
// Where calculators.zip is unpacked; its bytecode names this folder (precompile.py: BUNDLE_DIR).
const BUNDLE_DIR = "/lib/calculators-bundle";
// The module of the bundle the worker calls (calculators/runtime/browser_entry.py).
const ENTRY_MODULE = "calculators.runtime.browser_entry";
const SNAPSHOT_DELAY_MS = 500;

/**
 * The part of Pyodide's API the worker uses (its private snapshot options included).
 * @typedef {object} Pyodide
 * @property {(buffer: ArrayBuffer, format: string, options: {extractDir: string}) => void} unpackArchive
 * @property {(name: string) => any} pyimport a Python module (a proxy)
 * @property {() => Uint8Array} makeMemorySnapshot
 * @typedef {(options: object) => Promise<Pyodide>} LoadPyodide
 */

/**
 * The entry's functions: answers as JSON text, and the warm-up before a snapshot.
 * @typedef {object} PythonEntry
 * @property {(guideline: string, mode: "fragment" | "json", text: string) => string} recommend_json
 * @property {(guideline: string, mode: "fragment" | "json", text: string) => string} relevance_json
 * @property {(guideline: string, mode: "fragment" | "json", text: string) => string} changes_json
 * @property {() => void} warm_up
 * @property {() => void} freeze_imports
 */

/** Promise of the Python entry that answers requests. @type {Promise<PythonEntry> | null} */
let started = null;
/** The manifest's pyodide_files, once read: what diagnose() checks. @type {Manifest["pyodide_files"] | null} */
let published = null;
const wasmFailure = guardWasm(); // rejects when pyodide.asm.wasm cannot be compiled
wasmFailure.promise.catch(() => {}); // handled where it is raced (startPython)

/** @param {FromWorker} message */
function post(message) {
  self.postMessage(message);
}

/**
 * @param {string} stage
 * @param {string} detail
 */
function progress(stage, detail) {
  post({ type: "progress", stage, detail });
}

/** @param {MessageEvent<ToWorker>} event */
self.onmessage = (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    started ??= start(message.manifest);
  } else if (
    message.type === "recommend" ||
    message.type === "relevance" ||
    message.type === "changes"
  ) {
    answer(message);
  } else if (message.type === "ping") {
    post({ id: message.id, pong: true });
  }
};

/**
 * @param {string} manifestLocation the absolute URL of calculator-manifest.json
 * @returns {Promise<PythonEntry>}
 */
async function start(manifestLocation) {
  /** @type {WorkerTimings} */
  const timings = {};
  const t0 = performance.now();
  /** @param {string} name */
  const lap = (name) => {
    timings[name] = Math.round(performance.now() - t0);
  };
  try {
    // Stage 0: the manifest says which Pyodide and which bundle this build publishes. It is
    // revalidated every time (no-cache) so a redeployed site is picked up; the big files it
    // names carry their version in their URL and stay cached.
    progress("manifest", "Reading the calculator's manifest");
    const manifestURL = new URL(manifestLocation);
    // The snapshot's slot is the manifest's URL: look it up while the manifest downloads.
    const snapshotSlot = manifestURL.href;
    const storedSnapshot = readSnapshot(snapshotSlot);
    const response = await fetch(manifestURL, { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`the server answers ${response.status} for ${manifestURL.pathname}`);
    }
    /** @type {Manifest} */
    const manifest = await response.json();
    // The manifest's paths are relative to the site root, which it names relative to itself.
    const siteRoot = new URL(manifest.site_root, manifestURL);
    const indexURL = new URL(manifest.pyodide_dir, siteRoot).href;
    published = manifest.pyodide_files;
    // A snapshot is only valid for this runtime, this standard library, this bundle (which
    // holds the entry's Python code, run before the snapshot) and the way the worker loads it.
    const snapshotKey = JSON.stringify([
      manifest.pyodide_version,
      manifest.stdlib_zip ?? "",
      manifest.calculators_sha256,
      BUNDLE_DIR,
      ENTRY_MODULE,
    ]);
    const snapshots = manifest.python_snapshot !== false; // the build can turn them off
    // Download the bundle while the loader downloads and Python starts.
    const bundleURL = new URL(manifest.calculators_zip, siteRoot);
    const bundle = fetch(bundleURL).then(async (response) => {
      if (!response.ok) {
        throw new Error(`the server answers ${response.status} for ${bundleURL.pathname}`);
      }
      return await response.arrayBuffer();
    });
    bundle.catch(() => {}); // reported when awaited (stage 3)
    lap("manifest");

    // Stage 1: the self-hosted loader (never a CDN), under the names the build published
    // (scripts end in .js, which every stock server sends as JavaScript). Dynamic imports, so
    // a failure can be reported instead of killing the worker. The Emscripten module script
    // is imported here, beside the loader, and handed to loadPyodide (createPyodideModule):
    // Pyodide would otherwise import it by its npm name, pyodide.asm.mjs.
    progress("loader", "Loading the Python runtime's loader");
    const files = manifest.pyodide_files;
    const moduleScript = import(indexURL + files.module);
    moduleScript.catch(() => {}); // reported just below
    /** @type {LoadPyodide} */
    let loadPyodide;
    /** @type {unknown} */
    let createPyodideModule;
    try {
      ({ loadPyodide } = await import(indexURL + files.loader));
      ({ default: createPyodideModule } = await moduleScript);
    } catch (error) {
      const reason = (await diagnose(indexURL, files)) || errorMessage(error);
      throw new Error(`cannot load the Python runtime: ${reason}`);
    }
    lap("loader");

    // Stage 2: start Python. indexURL points at our folder, no packages, and the lock file's
    // info inline (loadPyodide insists on one; the full package index is useless here).
    // The standard library is the build's precompiled one (bytecode made by this very Python,
    // so start-up need not compile it): same file name, with its hash as query string.
    // A wrong .wasm content type makes loadPyodide hang silently, so the wasm response is
    // checked as it arrives (see guardWasm); a time-out remains as the last resort.
    progress("python", "Downloading and starting Python (once; later visits use the cache)");
    const options = {
      indexURL,
      stdLibURL: manifest.stdlib_zip ? new URL(manifest.stdlib_zip, siteRoot).href : undefined,
      packages: [],
      lockFileContents: manifest.pyodide_lock,
      createPyodideModule,
      stdout: remember,
      stderr: remember,
    };
    // Stage 2a: a repeat visit resumes the Python of an earlier visit (its memory, saved after
    // the decision tables were imported): no interpreter start-up, no imports. Any failure,
    // e.g. a snapshot from another browser build, forgets it and starts from scratch.
    // The snapshot's ~30 MB are read while Pyodide fetches and compiles its files (loadPyodide
    // awaits _loadSnapshot only when it creates the module).
    /** @type {Pyodide | null} */
    let pyodide = null;
    const record = snapshots ? await storedSnapshot : null;
    let snapshot = record && record.key === snapshotKey ? record.data : null;
    const maxBytes = manifest.python_snapshot_max_bytes ?? Infinity;
    if (snapshot && record && (record.heap ?? 0) > maxBytes) {
      // Too large for this Pyodide to restore (see saveSnapshot): never even try.
      remember(`the saved Python snapshot holds ${record.heap} bytes of heap, over ${maxBytes}`);
      forgetSnapshot(snapshotSlot);
      snapshot = null;
    }
    timings.snapshot = snapshot ? "restored" : snapshots ? "none" : "off";
    if (snapshot) {
      try {
        const bytes = snapshot.arrayBuffer().then((buffer) => new Uint8Array(buffer));
        bytes.catch(() => {}); // an unreadable Blob fails loadPyodide, handled just below
        const resume = { ...options, _loadSnapshot: bytes };
        pyodide = await startPython(loadPyodide, indexURL, resume);
      } catch (error) {
        remember(
          `the saved Python snapshot did not load (${errorMessage(error)}); starting afresh`,
        );
        timings.snapshot = "failed";
        forgetSnapshot(snapshotSlot);
      }
    }
    // Stage 2b: a first visit starts Python from the files, able to save a snapshot (stage 5).
    const fresh = !pyodide;
    if (!pyodide) {
      const fromFiles = { ...options, _makeSnapshot: snapshots };
      pyodide = await startPython(loadPyodide, indexURL, fromFiles);
    }
    lap("python");

    // Stage 3: the decision module: unpack calculators.zip into Pyodide's file system (always:
    // even a resumed Python imports lazily from there) and keep the entry module, whose
    // functions answer with JSON text (no proxies to leak). The zip holds bytecode compiled by
    // this Python beside each source, so importing compiles nothing.
    progress("calculators", "Loading the decision tables");
    pyodide.unpackArchive(await bundle, "zip", { extractDir: BUNDLE_DIR });
    const entry = (fresh ? null : importedEntry(pyodide)) ?? importEntry(pyodide);
    lap("calculators");
    post({ type: "ready", timings, guidelines: manifest.guidelines });

    // Stage 5: after a fresh start, save a snapshot for the next visit once the first
    // requests are answered (it copies ~30 MB: it must not delay the first result).
    if (fresh && snapshots) {
      const python = {
        warmUp: () => entry.warm_up(),
        makeMemorySnapshot: () => /** @type {Pyodide} */ (pyodide).makeMemorySnapshot(),
      };
      const save = () => saveSnapshot(python, snapshotSlot, snapshotKey, t0, maxBytes);
      setTimeout(save, SNAPSHOT_DELAY_MS);
    }
    return entry;
  } catch (error) {
    post({ type: "failed", message: errorMessage(error), log });
    throw error;
  }
}

/**
 * A fresh Python: the bundle's folder first on sys.path, the entry imported, then everything
 * imported so far frozen out of the collector's sight (before any snapshot is taken).
 * @param {Pyodide} pyodide
 * @returns {PythonEntry}
 */
function importEntry(pyodide) {
  withProxy(pyodide.pyimport("sys"), (sys) => sys.path.insert(0, BUNDLE_DIR));
  const entry = entryFunctions(pyodide.pyimport(ENTRY_MODULE));
  entry.freeze_imports();
  return entry;
}

/**
 * A resumed Python already has the entry imported (the snapshot was taken after importEntry),
 * or null.
 * @param {Pyodide} pyodide
 * @returns {PythonEntry | null}
 */
function importedEntry(pyodide) {
  return withProxy(pyodide.pyimport("sys"), (sys) =>
    sys.modules.has(ENTRY_MODULE) ? entryFunctions(sys.modules.get(ENTRY_MODULE).copy()) : null,
  );
}

/**
 * The entry's functions, each proxy taken once and kept for the life of the worker (every
 * attribute read of a proxy makes a new one, borrowed from the module's: hence the copies).
 * @param {any} module a proxy of the entry module, destroyed here
 * @returns {PythonEntry}
 */
function entryFunctions(module) {
  return withProxy(module, (entry) => ({
    recommend_json: entry.recommend_json.copy(),
    relevance_json: entry.relevance_json.copy(),
    changes_json: entry.changes_json.copy(),
    warm_up: entry.warm_up.copy(),
    freeze_imports: entry.freeze_imports.copy(),
  }));
}

/**
 * `use(proxy)`, then the proxy destroyed (with the proxies borrowed from it: attributes).
 * @template T
 * @param {any} proxy
 * @param {(proxy: any) => T} use
 * @returns {T}
 */
function withProxy(proxy, use) {
  try {
    return use(proxy);
  } finally {
    proxy.destroy();
  }
}

/**
 * loadPyodide, raced against a wasm served with a wrong type and a time-out.
 * @param {LoadPyodide} loadPyodide
 * @param {string} indexURL
 * @param {object} options
 * @returns {Promise<Pyodide>}
 */
async function startPython(loadPyodide, indexURL, options) {
  const deadline = timeout(
    START_TIMEOUT_MS,
    `Python did not start within ${START_TIMEOUT_MS / 1000} s (a very slow network, or a ` +
      "server that sends pyodide.asm.wasm with another type than application/wasm)",
  );
  return await Promise.race([loadPyodide(options), wasmFailure.promise, deadline.promise])
    .catch(async (error) => {
      throw new Error((await diagnose(indexURL, published)) || errorMessage(error));
    })
    .finally(deadline.cancel);
}

/**
 * Stage 4: answer requests, in order, once Python is up (requests sent earlier wait here):
 * a result ("recommend"), the relevance of the case's fields ("relevance") or how the case's
 * result changed since the previous release ("changes").
 * @param {import("./types.js").FragmentRequest | import("./types.js").CaseRequest
 *   | import("./types.js").RelevanceRequest | import("./types.js").ChangesRequest} request
 */
async function answer(request) {
  const { id, guideline } = request;
  /** @type {PythonEntry | null} */
  let entry;
  try {
    entry = await started;
  } catch (_error) {
    post({ id, error: "the calculator could not start" });
    return;
  }
  if (!entry) {
    post({ id, error: "the calculator was not started (no init message)" });
    return;
  }
  try {
    const fragment = "fragment" in request ? request.fragment : undefined;
    const mode = fragment !== undefined ? "fragment" : "json";
    const text =
      mode === "fragment"
        ? String(fragment)
        : JSON.stringify(("case" in request ? request.case : undefined) ?? {});
    const compute =
      request.type === "relevance"
        ? entry.relevance_json
        : request.type === "changes"
          ? entry.changes_json
          : entry.recommend_json;
    post({ id, json: compute(String(guideline), mode, text) });
  } catch (error) {
    // A Python exception (e.g. an unknown guideline): its last line is the useful part.
    const lines = String(error instanceof Error ? error.message : error)
      .trim()
      .split("\n");
    post({ id, error: lines[lines.length - 1] });
  }
}
