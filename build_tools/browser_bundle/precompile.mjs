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
import { pathToFileURL } from "node:url";

// Stage 1: the request.
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));

// Stage 2: start Pyodide from the npm package. Its output goes to stderr: stdout carries only
// the JSON answer.
const { loadPyodide } = await import(pathToFileURL(join(request.pyodide, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: request.pyodide.endsWith("/") ? request.pyodide : request.pyodide + "/",
  stdLibURL: request.stdlib || undefined,
  packages: [],
  stdout: (line) => process.stderr.write(line + "\n"),
  stderr: (line) => process.stderr.write(line + "\n"),
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

// Stage 4: compile. Hash-based, unchecked pycs: the header holds the source's hash instead of
// a time stamp, so the bytes do not depend on when or where the files were unpacked, and the
// importer never reads the source to validate them. dfile is the path the module will have in
// the browser, so tracebacks name the real file. optimize=-1: the level the runtime runs at (0),
// so asserts and docstrings stay as in the sources.
pyodide.globals.set("jobs_json", JSON.stringify(jobs));
const answer = pyodide.runPython(`
import importlib.util, json, os, py_compile, sys

def compile_tree(source, output, prefix):
    compiled, failed = 0, []
    for folder, folders, names in os.walk(source):
        folders.sort()
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, source)
            try:
                py_compile.compile(
                    path,
                    cfile=os.path.join(output, relative + "c"),
                    dfile=prefix.rstrip("/") + "/" + relative,
                    doraise=True,
                    optimize=-1,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                compiled += 1
            except py_compile.PyCompileError as error:
                failed.append([relative, str(error.exc_value)])
    return {"compiled": compiled, "failed": failed}

json.dumps({
    "version": sys.version.split()[0],
    "magic": importlib.util.MAGIC_NUMBER.hex(),
    "cache_tag": sys.implementation.cache_tag,
    "jobs": [compile_tree(**job) for job in json.loads(jobs_json)],
})
`);

// Stage 5: the answer, then leave (nothing else may keep Node running).
process.stdout.write(answer + "\n");
process.exit(0);
