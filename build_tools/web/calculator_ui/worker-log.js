// Python's stdout/stderr and the worker's own remarks, last lines only: attached to a failure
// report (the page logs them to the console).

const LOG_LINES = 40;

/** @type {string[]} */
export const log = [];

/** @param {string} line */
export function remember(line) {
  log.push(line);
  if (log.length > LOG_LINES) log.shift();
}

/** @param {unknown} error */
export function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
