// Stage 5 of the worker and its helpers: the Python snapshot in IndexedDB. A snapshot is
// Pyodide's memory after start-up and the imports (Pyodide's private _makeSnapshot /
// _loadSnapshot options; it checks itself that the snapshot comes from the same
// pyodide.asm.wasm build). Stored as a Blob, not compressed: ~31 MB on disk, but resuming from
// it is ~0.25 s faster than from gzip. Every failure here only means a slower start next time,
// so errors are logged, not raised.
//
// Snapshots live in IndexedDB (Cache Storage needs a secure context, and intranet sites are
// often plain http). One slot per site (its manifest URL), overwritten when it changes.

/** @import {SnapshotMessage} from "./types.js" */
import { timeout } from "./worker-checks.js";
import { errorMessage, remember } from "./worker-log.js";

const SNAPSHOT_DB = "gl-calculator";
const SNAPSHOT_STORE = "python-snapshots";
// IndexedDB can stall (another tab upgrading it, a full disk): never wait long for it.
const SNAPSHOT_READ_TIMEOUT_MS = 3_000;

/**
 * A saved snapshot: `key` names what it was made from, `heap` its bytes of Python's memory.
 * @typedef {{key: string, data: Blob, heap?: number}} SnapshotRecord
 */

/** @returns {Promise<IDBDatabase>} */
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

/**
 * @template T
 * @param {IDBDatabase} db
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} operation
 * @returns {Promise<T>}
 */
function snapshotRequest(db, mode, operation) {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(SNAPSHOT_STORE, mode);
    const request = operation(transaction.objectStore(SNAPSHOT_STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("aborted"));
  });
}

/**
 * The saved record {key, data: Blob} of a site, or null (never throws). The Blob's bytes are
 * only read when it is used.
 * @param {string} slot
 * @returns {Promise<SnapshotRecord | null>}
 */
export async function readSnapshot(slot) {
  const deadline = timeout(
    SNAPSHOT_READ_TIMEOUT_MS,
    `IndexedDB did not answer within ${SNAPSHOT_READ_TIMEOUT_MS / 1000} s`,
  );
  try {
    return await Promise.race([
      (async () => {
        const db = await openSnapshots();
        try {
          const record = await snapshotRequest(db, "readonly", (store) => store.get(slot));
          const valid = record && typeof record.key === "string" && record.data instanceof Blob;
          return valid ? /** @type {SnapshotRecord} */ (record) : null;
        } finally {
          db.close();
        }
      })(),
      deadline.promise,
    ]);
  } catch (error) {
    remember(`no Python snapshot (${errorMessage(error)})`);
    return null;
  } finally {
    deadline.cancel();
  }
}

/** @param {string} slot */
export async function forgetSnapshot(slot) {
  try {
    const db = await openSnapshots();
    await snapshotRequest(db, "readwrite", (store) => store.delete(slot));
    db.close();
  } catch (error) {
    remember(`could not delete the Python snapshot (${errorMessage(error)})`);
  }
}

/**
 * A snapshot is a header (its second 32-bit word: the header's length) and then the heap.
 * @param {Uint8Array} memory
 */
function snapshotHeapBytes(memory) {
  const header = new Uint32Array(memory.buffer, memory.byteOffset, 4);
  return memory.byteLength - header[1];
}

/** @param {SnapshotMessage} message */
function report(message) {
  self.postMessage(message);
}

/**
 * Pyodide 314 restores a snapshot into a heap of its default size (30 MiB) and fails on a
 * larger one (pyodide/pyodide#6254; the manifest's python_snapshot_max_bytes): such a snapshot
 * is not saved ("skipped"), so every later visit starts normally instead of failing first.
 * @param {{warmUp: () => void, makeMemorySnapshot: () => Uint8Array}} python
 * @param {string} slot
 * @param {string} key
 * @param {number} t0 when the worker started
 * @param {number} maxBytes
 */
export async function saveSnapshot(python, slot, key, t0, maxBytes) {
  const started = performance.now();
  try {
    python.warmUp();
    const memory = python.makeMemorySnapshot();
    const heap = snapshotHeapBytes(memory);
    if (heap > maxBytes) {
      const detail = `the snapshot holds ${heap} bytes of heap, over the ${maxBytes} this Pyodide can restore`;
      remember(`no Python snapshot saved: ${detail}`);
      await forgetSnapshot(slot);
      report({ type: "snapshot", state: "skipped", detail, heap });
      return;
    }
    const data = new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (memory)]);
    const blocked = Math.round(performance.now() - started); // requests wait this long, once
    const db = await openSnapshots();
    await snapshotRequest(db, "readwrite", (store) => store.put({ key, data, heap }, slot));
    db.close();
    const now = performance.now();
    const ms = Math.round(now - started);
    const at = Math.round(now - t0);
    report({ type: "snapshot", state: "saved", ms, blocked, at, heap });
  } catch (error) {
    remember(`could not save a Python snapshot (${errorMessage(error)})`);
    report({ type: "snapshot", state: "failed", detail: errorMessage(error) });
  }
}
