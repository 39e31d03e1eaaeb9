// Case-calculator worker: runs the compiled decision tables (the stdlib-only `calculators`
// package) in the site's own copy of Pyodide, off the main thread, with no other origin involved.
//
// Messages (postMessage only; once "ready", computing makes no request at all):
//   page -> worker  {type: "init", siteRoot: "<absolute URL of the site root>",
//                    manifest: "<path of calculator-manifest.json relative to the site root>"}
//                   {id, type: "recommend", guideline, fragment: "a=b&c=d"}   (URL-fragment case)
//                   {id, type: "recommend", guideline, case: {...}}          (JSON case)
//   worker -> page  {type: "progress", stage, detail}  {type: "notice", message}
//                   {type: "ready", timings}  or  {type: "failed", message, log}
//                   {id, result, case}  or  {id, error}
//
// It must be started as a module worker: this Pyodide refuses classic workers.

// Python start-up takes ~4-5 s on a 2-core machine; far beyond that something hangs.
const START_TIMEOUT_MS = 120_000;
const BUNDLE_DIR = "/lib/calculators-bundle";
const LOG_LINES = 40;

const log = []; // Python's stdout/stderr, last lines: attached to a failure report
let started = null; // Promise of the Python function that answers requests

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
    const response = await fetch(manifestURL, { cache: "no-cache" });
    if (!response.ok) {
      throw new Error(`the server answers ${response.status} for ${manifestURL.pathname}`);
    }
    const manifest = await response.json();
    const indexURL = new URL(manifest.pyodide_dir, siteRoot).href;
    lap("manifest");

    // Stage 1: the self-hosted loader (never a CDN). A dynamic import, so a failure can be
    // reported instead of killing the worker.
    progress("loader", "Loading the Python runtime's loader");
    let loadPyodide;
    try {
      ({ loadPyodide } = await import(indexURL + "pyodide.mjs"));
    } catch (error) {
      throw new Error((await diagnose(indexURL)) || `cannot load pyodide.mjs: ${error.message}`);
    }
    lap("loader");

    // Stage 2: start Python. indexURL points at our folder, no packages, and the lock file's
    // info inline (loadPyodide insists on one; the full package index is useless here).
    // A wrong .wasm content type makes loadPyodide hang silently, so the wasm response is
    // checked as it arrives (see guardWasm); a time-out remains as the last resort.
    progress("python", "Downloading and starting Python (once; later visits use the cache)");
    const failure = guardWasm();
    const deadline = timeout(START_TIMEOUT_MS);
    const pyodide = await Promise.race([
      loadPyodide({
        indexURL,
        packages: [],
        lockFileContents: manifest.pyodide_lock,
        stdout: remember,
        stderr: remember,
      }),
      failure.promise,
      deadline.promise,
    ])
      .catch(async (error) => {
        throw new Error((await diagnose(indexURL)) || error.message);
      })
      .finally(deadline.cancel);
    lap("python");

    // Stage 3: the decision module: unpack calculators.zip into Pyodide's file system, import it
    // and keep one Python function that answers with JSON text (no proxies to leak).
    progress("calculators", "Loading the decision tables");
    const bundleURL = new URL(manifest.calculators_zip, siteRoot);
    const bundle = await fetch(bundleURL);
    if (!bundle.ok)
      throw new Error(`the server answers ${bundle.status} for ${bundleURL.pathname}`);
    pyodide.unpackArchive(await bundle.arrayBuffer(), "zip", { extractDir: BUNDLE_DIR });
    const recommend = pyodide.runPython(`
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

_gl_recommend
`);
    lap("calculators");
    self.postMessage({ type: "ready", timings, guidelines: manifest.guidelines });
    return recommend;
  } catch (error) {
    self.postMessage({ type: "failed", message: error.message || String(error), log });
    throw error;
  }
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
    const { case: caseValues, result } = JSON.parse(recommend(String(guideline), mode, text));
    self.postMessage({ id, result, case: caseValues });
  } catch (error) {
    // A Python exception (e.g. an unknown guideline): its last line is the useful part.
    const lines = String(error.message || error)
      .trim()
      .split("\n");
    self.postMessage({ id, error: lines[lines.length - 1] });
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

function timeout(ms) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const reason =
        `Python did not start within ${ms / 1000} s (a very slow network, or a server that ` +
        "sends pyodide.asm.wasm with another type than application/wasm)";
      reject(new Error(reason));
    }, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

// After a failure only: find the runtime file the server gets wrong, in plain words.
async function diagnose(indexURL) {
  const expected = {
    "pyodide.mjs": /javascript/,
    "pyodide.asm.mjs": /javascript/,
    "pyodide.asm.wasm": /^application\/wasm$/,
    "python_stdlib.zip": /./,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    const url = indexURL + name;
    try {
      const response = await fetch(url, { method: "HEAD", cache: "no-store" });
      const path = new URL(url).pathname;
      if (!response.ok) return `the server answers ${response.status} for ${path}`;
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (!pattern.test(type)) {
        const want = name.endsWith(".mjs") ? "text/javascript" : "application/wasm";
        return `the server sends ${path} as "${type || "no type"}"; configure ${want}`;
      }
    } catch (error) {
      return `the server could not be reached for ${name} (${error.message})`;
    }
  }
  return null;
}
