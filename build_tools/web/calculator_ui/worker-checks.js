// What the worker checks when the runtime's files do not arrive as they should: a .wasm with a
// wrong type, a time-out, and after a failure the file the server gets wrong, in plain words.

/** @import {Manifest} from "./types.js" */
import { errorMessage } from "./worker-log.js";

/**
 * @typedef {object} Deadline
 * @property {Promise<never>} promise rejects when the time is up
 * @property {() => void} cancel
 */

/**
 * Pyodide compiles pyodide.asm.wasm with WebAssembly.instantiateStreaming, which rejects a
 * response whose Content-Type is not application/wasm; Pyodide only logs that and never
 * settles. This wrapper sees Pyodide's own response (no second download): with the right type
 * it streams as before; with a wrong one it compiles from an ArrayBuffer and says what to fix;
 * any other failure is reported at once instead of hanging.
 * @returns {{promise: Promise<never>}} rejects when pyodide.asm.wasm cannot be compiled
 */
export function guardWasm() {
  /** @type {(reason: unknown) => void} */
  let reject = () => {};
  /** @type {Promise<never>} */
  const promise = new Promise((_, fail) => {
    reject = fail;
  });
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

/**
 * A promise that rejects with ``reason`` after ``ms`` milliseconds, unless cancelled.
 * @param {number} ms
 * @param {string} reason what went wrong, said in full
 * @returns {Deadline}
 */
export function timeout(ms, reason) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<never>} */
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(reason)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * After a failure only: find the runtime file the server gets wrong, in plain words.
 * @param {string} indexURL
 * @param {Manifest["pyodide_files"] | null} files the manifest's pyodide_files (the published names)
 * @returns {Promise<string | null>}
 */
export async function diagnose(indexURL, files) {
  if (!files) return null;
  /** @type {[string, RegExp, string][]} */
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
      return `the server could not be reached for ${name} (${errorMessage(error)})`;
    }
  }
  return null;
}
