// Compile Python sources to bytecode with the Python the browser runs: Pyodide's own CPython,
// started in Node.js from the npm package. Called by precompile.py at build time:
//
//   node precompile.mjs <request.json>
//
// request.json: {"pyodide": "<folder of the npm package>",
//                "stdlib": "<python_stdlib.zip to start with>" (optional; a precompiled one
//                          starts faster),
//                "jobs": [{"source": "<folder of .py files>", "output": "<folder>",
//                          "prefix": "<folder the sources will be imported from>"}]}
// Each job writes <output>/<path>.pyc for every <source>/<path>.py (the "legacy" place, beside
// the source; the caller arranges them) and prints one JSON line on stdout:
//   {"version", "magic", "cache_tag", "jobs": [{"compiled", "failed": [[path, error]]}]}
//
// Why not the build machine's CPython: bytecode is only valid for the exact interpreter
// version (magic number), and this is the very build the browser loads.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Stage 1: the request.
/**
 * @typedef {{source: string, output: string, prefix: string}} Job
 * @typedef {{pyodide: string, stdlib?: string | null, jobs: Job[]}} Request
 */
/** @type {Request} */
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));

// Stage 2: start Pyodide from the npm package. Its output goes to stderr: stdout carries only
// the JSON answer.
const { loadPyodide } = await import(pathToFileURL(join(request.pyodide, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: request.pyodide.endsWith("/") ? request.pyodide : `${request.pyodide}/`,
  stdLibURL: request.stdlib || undefined,
  packages: [],
  stdout: (/** @type {string} */ line) => process.stderr.write(`${line}\n`),
  stderr: (/** @type {string} */ line) => process.stderr.write(`${line}\n`),
});

// Stage 3: the host folders inside Pyodide's file system (NODEFS reads and writes through).
const { FS } = pyodide;
const jobs = request.jobs.map((job, index) => {
  const source = `/precompile/${index}/source`;
  const output = `/precompile/${index}/output`;
  for (const [inside, outside] of [
    [source, job.source],
    [output, job.output],
  ]) {
    FS.mkdirTree(inside);
    FS.mount(FS.filesystems.NODEFS, { root: outside }, inside);
  }
  return { source, output, prefix: job.prefix };
});

// Stage 4: compile, with compile_in_pyodide.py beside this script (why hash-based, unchecked
// pycs and which dfile: see there). Only its function's JSON text comes back.
const compiler = readFileSync(
  fileURLToPath(new URL("compile_in_pyodide.py", import.meta.url)),
  "utf8",
);
pyodide.runPython(compiler, { filename: "compile_in_pyodide.py" });
/** @type {string} */
const answer = pyodide.globals.get("compile_jobs")(JSON.stringify(jobs));

// Stage 5: the answer, then leave (nothing else may keep Node running).
process.stdout.write(`${answer}\n`);
process.exit(0);
