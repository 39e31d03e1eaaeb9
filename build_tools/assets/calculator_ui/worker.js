// Case-calculator worker: runs the compiled decision tables (the stdlib-only `calculators`
// package) in the site's own copy of Pyodide, off the main thread, with no other origin involved.
//
// Messages (postMessage only; once "ready", computing makes no request at all):
//   page -> worker  {type: "init", siteRoot: "<absolute URL of the site root>",
//                    manifest: "<path of calculator-manifest.json relative to the site root>"}
//                   {id, type: "recommend", guideline, fragment: "a=b&c=d"}   (URL-fragment case)
//                   {id, type: "recommend", guideline, case: {...}}          (JSON case)
//                   {id, type: "ping"}   (answered at once with {id, pong: true}, Python or
//                    not: the cost of a round trip alone, which benchmarks compare with)
//   worker -> page  {type: "progress", stage, detail}  {type: "notice", message}
//                   {type: "ready", timings}  or  {type: "failed", message, log}
//                   {id, json: '{"case": {...}, "result": {...}}'}  or  {id, error}
//                    (the answer stays the JSON text Python wrote: a string crosses threads in
//                    one copy, where a ~20 KB object graph costs milliseconds to clone on each
//                    side, on every keystroke)
//                   {type: "snapshot", state: "saved" | "skipped" | "failed", ms, blocked, at,
//                    heap (bytes of Python's memory in it), detail}
//                    (after "ready", first visits only: the page may ignore it; benchmarks
//                    and tests wait for it)
//
// It must be started as a module worker: this Pyodide refuses classic workers.
//
// Start-up, in numbered stages below: 0 manifest, 1 loader, 2 Python (2a resumed from a
// snapshot an earlier visit saved, else 2b from the files), 3 the decision tables, then
// 4 answers and, after a fresh start, 5 saving the snapshot for the next visit.

// Python starts in ~2-3 s on a 2-core machine (~1 s from a snapshot); far beyond that
// something hangs.
const START_TIMEOUT_MS = 120_000;
// Where calculators.zip is unpacked; its bytecode names this folder (precompile.py: BUNDLE_DIR).
const BUNDLE_DIR = "/lib/calculators-bundle";
const LOG_LINES = 40;
// Python snapshots live in IndexedDB (Cache Storage needs a secure context, and intranet sites
// are often plain http). One slot per site (its manifest URL), overwritten when it changes.
const SNAPSHOT_DB = "gl-calculator";
const SNAPSHOT_STORE = "python-snapshots";
const SNAPSHOT_DELAY_MS = 500;
// IndexedDB can stall (another tab upgrading it, a full disk): never wait long for it.
const SNAPSHOT_READ_TIMEOUT_MS = 3_000;

const log = []; // Python's stdout/stderr, last lines: attached to a failure report
let started = null; // Promise of the Python function that answers requests
let PUBLISHED = null; // the manifest's pyodide_files, once read: what diagnose() checks
const wasmFailure = guardWasm(); // rejects when pyodide.asm.wasm cannot be compiled
wasmFailure.promise.catch(() => {}); // handled where it is raced (startPython)

function remember(line) {
  log.push(line);
  if (log.length > LOG_LINES) log.shift();
}

function progress(stage, detail) {
  self.postMessage({ type: "progress", stage, detail });
}

self.onmessage = (event) => {
  const message = event.data || {};
  if (message.type === "init") {
    started ??= start(message);
  } else if (message.type === "recommend") {
    answer(message);
  } else if (message.type === "ping") {
    self.postMessage({ id: message.id, pong: true });
  }
};

async function start({ siteRoot, manifest: manifestPath }) {
  const timings = {};
  const t0 = performance.now();
  const lap = (name) => (timings[name] = Math.round(performance.now() - t0));
  try {
    // Stage 0: the manifest says which Pyodide and which bundle this build publishes. It is
    // revalidated every time (no-cache) so a redeployed site is picked up; the big files it
    // names carry their version in their URL and stay cached.
    progress("manifest", "Reading the calculator's manifest");
    const manifestURL = new URL(manifestPath, siteRoot);
    // The snapshot's slot is the manifest's URL: look it up while the manifest downloads.
    const snapshotSlot = manifestURL.href;
    const storedSnapshot = readSnapshot(snapshotSlot);
    const response = await fetch(manifestURL, { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`the server answers ${response.status} for ${manifestURL.pathname}`);
    }
    const manifest = await response.json();
    const indexURL = new URL(manifest.pyodide_dir, siteRoot).href;
    PUBLISHED = manifest.pyodide_files;
    // A snapshot is only valid for this runtime, this standard library, this bundle and this
    // worker's own Python code (SETUP, which a snapshot carries already run).
    const snapshotKey = JSON.stringify([
      manifest.pyodide_version,
      manifest.stdlib_zip ?? "",
      manifest.calculators_sha256,
      SETUP,
    ]);
    const snapshots = manifest.python_snapshot !== false; // the build can turn them off
    // Download the bundle while the loader downloads and Python starts.
    const bundleURL = new URL(manifest.calculators_zip, siteRoot);
    const bundle = fetch(bundleURL).then(async (response) => {
      if (!response.ok)
        throw new Error(`the server answers ${response.status} for ${bundleURL.pathname}`);
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
    let loadPyodide, createPyodideModule;
    try {
      ({ loadPyodide } = await import(indexURL + files.loader));
      ({ default: createPyodideModule } = await moduleScript);
    } catch (error) {
      const reason = (await diagnose(indexURL, files)) || error.message;
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
    let pyodide = null;
    const record = snapshots ? await storedSnapshot : null;
    let snapshot = record && record.key === snapshotKey ? record.data : null;
    const maxBytes = manifest.python_snapshot_max_bytes ?? Infinity;
    if (snapshot && record.heap > maxBytes) {
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
        remember(`the saved Python snapshot did not load (${error.message}); starting afresh`);
        timings.snapshot = "failed";
        forgetSnapshot(snapshotSlot);
      }
    }
    // Stage 2b: a first visit starts Python from the files, able to save a snapshot (stage 5).
    const fresh = !pyodide;
    if (fresh) {
      const fromFiles = { ...options, _makeSnapshot: snapshots };
      pyodide = await startPython(loadPyodide, indexURL, fromFiles);
    }
    lap("python");

    // Stage 3: the decision module: unpack calculators.zip into Pyodide's file system (always:
    // even a resumed Python imports lazily from there) and keep one Python function that
    // answers with JSON text (no proxies to leak). The zip holds bytecode compiled by this
    // Python beside each source, so importing compiles nothing.
    progress("calculators", "Loading the decision tables");
    pyodide.unpackArchive(await bundle, "zip", { extractDir: BUNDLE_DIR });
    let recommend = fresh ? null : pyodide.globals.get("_gl_recommend");
    if (typeof recommend !== "function") recommend = pyodide.runPython(SETUP);
    lap("calculators");
    self.postMessage({ type: "ready", timings, guidelines: manifest.guidelines });

    // Stage 5: after a fresh start, save a snapshot for the next visit once the first
    // requests are answered (it copies ~30 MB: it must not delay the first result).
    if (fresh && snapshots) {
      const save = () => saveSnapshot(pyodide, snapshotSlot, snapshotKey, t0, maxBytes);
      setTimeout(save, SNAPSHOT_DELAY_MS);
    }
    return recommend;
  } catch (error) {
    self.postMessage({ type: "failed", message: error.message || String(error), log });
    throw error;
  }
}

// Python side of stage 3: import the bundle, define the one entry point.
const SETUP = `
import json, sys
sys.path.insert(0, ${JSON.stringify(BUNDLE_DIR)})
import calculators

def _gl_recommend(guideline, mode, text):
    if mode == "fragment":
        case = calculators.case_from_fragment(guideline, text)
    else:
        case = json.loads(text)
    result = calculators.recommend(guideline, case)
    return json.dumps({"case": case, "result": result}, ensure_ascii=False)

def _gl_warm_up():
    """Run each guideline once, so that whatever it imports lazily is in the snapshot."""
    for guideline in calculators.available_guidelines():
        try:
            _gl_recommend(guideline, "fragment", "")
        except Exception:
            pass

# Everything imported so far lives as long as the worker: out of the collector's sight, a full
# collection (which a keystroke's allocations can trigger) walks only the objects of requests.
import gc
gc.collect()
gc.freeze()

_gl_recommend
`;

// loadPyodide, raced against a wasm served with a wrong type and a time-out.
async function startPython(loadPyodide, indexURL, options) {
  const deadline = timeout(START_TIMEOUT_MS);
  return await Promise.race([loadPyodide(options), wasmFailure.promise, deadline.promise])
    .catch(async (error) => {
      throw new Error((await diagnose(indexURL, PUBLISHED)) || error.message);
    })
    .finally(deadline.cancel);
}

// Stage 4: answer requests, in order, once Python is up (requests sent earlier wait here).
async function answer({ id, guideline, fragment, case: json }) {
  let recommend;
  try {
    recommend = await started;
  } catch (error) {
    self.postMessage({ id, error: "the calculator could not start" });
    return;
  }
  if (!recommend) {
    self.postMessage({ id, error: "the calculator was not started (no init message)" });
    return;
  }
  try {
    const mode = fragment !== undefined ? "fragment" : "json";
    const text = mode === "fragment" ? String(fragment) : JSON.stringify(json ?? {});
    self.postMessage({ id, json: recommend(String(guideline), mode, text) });
  } catch (error) {
    // A Python exception (e.g. an unknown guideline): its last line is the useful part.
    const lines = String(error.message || error)
      .trim()
      .split("\n");
    self.postMessage({ id, error: lines[lines.length - 1] });
  }
}

// Stage 5 and its helpers: the Python snapshot in IndexedDB. A snapshot is Pyodide's memory
// after start-up and the imports (Pyodide's private _makeSnapshot/_loadSnapshot options; it
// checks itself that the snapshot comes from the same pyodide.asm.wasm build). Stored as a
// Blob, not compressed: ~31 MB on disk, but resuming from it is ~0.25 s faster than from gzip.
// Every failure here only means a slower start next time, so errors are logged, not raised.

function openSnapshots() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === "undefined") return reject(new Error("no IndexedDB"));
    const request = indexedDB.open(SNAPSHOT_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(SNAPSHOT_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
  });
}

function snapshotRequest(db, mode, operation) {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(SNAPSHOT_STORE, mode);
    const request = operation(transaction.objectStore(SNAPSHOT_STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("aborted"));
  });
}

// The saved record {key, data: Blob} of a site, or null (never throws). The Blob's bytes are
// only read when it is used.
async function readSnapshot(slot) {
  const deadline = timeout(SNAPSHOT_READ_TIMEOUT_MS, "IndexedDB did not answer");
  try {
    return await Promise.race([
      (async () => {
        const db = await openSnapshots();
        try {
          const record = await snapshotRequest(db, "readonly", (store) => store.get(slot));
          const valid = record && typeof record.key === "string" && record.data instanceof Blob;
          return valid ? record : null;
        } finally {
          db.close();
        }
      })(),
      deadline.promise,
    ]);
  } catch (error) {
    remember(`no Python snapshot (${error.message})`);
    return null;
  } finally {
    deadline.cancel();
  }
}

async function forgetSnapshot(slot) {
  try {
    const db = await openSnapshots();
    await snapshotRequest(db, "readwrite", (store) => store.delete(slot));
    db.close();
  } catch (error) {
    remember(`could not delete the Python snapshot (${error.message})`);
  }
}

// A snapshot is a header (its second 32-bit word: the header's length) and then the heap.
function snapshotHeapBytes(memory) {
  const header = new Uint32Array(memory.buffer, memory.byteOffset, 4);
  return memory.byteLength - header[1];
}

// Pyodide 314 restores a snapshot into a heap of its default size (30 MiB) and fails on a
// larger one (pyodide/pyodide#6254; the manifest's python_snapshot_max_bytes): such a snapshot
// is not saved ("skipped"), so every later visit starts normally instead of failing first.
async function saveSnapshot(pyodide, slot, key, t0, maxBytes) {
  const started = performance.now();
  try {
    pyodide.runPython("_gl_warm_up()");
    const memory = pyodide.makeMemorySnapshot();
    const heap = snapshotHeapBytes(memory);
    if (heap > maxBytes) {
      const detail = `the snapshot holds ${heap} bytes of heap, over the ${maxBytes} this ` +
        "Pyodide can restore";
      remember(`no Python snapshot saved: ${detail}`);
      await forgetSnapshot(slot);
      self.postMessage({ type: "snapshot", state: "skipped", detail, heap });
      return;
    }
    const data = new Blob([memory]);
    const blocked = Math.round(performance.now() - started); // requests wait this long, once
    const db = await openSnapshots();
    await snapshotRequest(db, "readwrite", (store) => store.put({ key, data, heap }, slot));
    db.close();
    const now = performance.now();
    const ms = Math.round(now - started);
    const at = Math.round(now - t0);
    self.postMessage({ type: "snapshot", state: "saved", ms, blocked, at, heap });
  } catch (error) {
    remember(`could not save a Python snapshot (${error.message})`);
    const detail = String(error.message || error);
    self.postMessage({ type: "snapshot", state: "failed", detail });
  }
}

// Pyodide compiles pyodide.asm.wasm with WebAssembly.instantiateStreaming, which rejects a
// response whose Content-Type is not application/wasm; Pyodide only logs that and never
// settles. This wrapper sees Pyodide's own response (no second download): with the right type
// it streams as before; with a wrong one it compiles from an ArrayBuffer and says what to fix;
// any other failure is reported at once instead of hanging.
function guardWasm() {
  let reject;
  const promise = new Promise((_, fail) => (reject = fail));
  const streaming = WebAssembly.instantiateStreaming;
  if (typeof streaming !== "function") return { promise };
  WebAssembly.instantiateStreaming = async (source, imports) => {
    try {
      const response = await source;
      const file = new URL(response.url).pathname;
      if (!response.ok) throw new Error(`the server answers ${response.status} for ${file}`);
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (type === "application/wasm") return await streaming.call(WebAssembly, response, imports);
      self.postMessage({
        type: "notice",
        message:
          `the server sends ${file} as "${type || "no type"}"; configure application/wasm ` +
          "for .wasm files (the calculator works, but starts more slowly)",
      });
      return await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    } catch (error) {
      reject(error);
      throw error;
    }
  };
  return { promise };
}

function timeout(ms, what = "Python did not start") {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const reason =
        what === "Python did not start"
          ? `Python did not start within ${ms / 1000} s (a very slow network, or a server ` +
            "that sends pyodide.asm.wasm with another type than application/wasm)"
          : `${what} within ${ms / 1000} s`;
      reject(new Error(reason));
    }, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

// After a failure only: find the runtime file the server gets wrong, in plain words.
// `files`: the manifest's pyodide_files (the published names).
async function diagnose(indexURL, files) {
  if (!files) return null;
  const expected = [
    [files.loader, /javascript/, "text/javascript"],
    [files.module, /javascript/, "text/javascript"],
    [files.wasm, /^application\/wasm$/, "application/wasm"],
  ];
  for (const [name, pattern, want] of expected) {
    const url = indexURL + name;
    try {
      const response = await fetch(url, { method: "HEAD", cache: "no-store" });
      const path = new URL(url).pathname;
      if (!response.ok) return `the server answers ${response.status} for ${path}`;
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (!pattern.test(type)) {
        return `the server sends ${path} as "${type || "no type"}"; configure ${want}`;
      }
    } catch (error) {
      return `the server could not be reached for ${name} (${error.message})`;
    }
  }
  return null;
}
