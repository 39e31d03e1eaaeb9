// Small DOM helpers of the calculator page. Every text goes through textContent: data is
// rendered with textContent and createElement only, never as HTML.

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {unknown} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** The reader chose the patient wording (guideline.js keeps this attribute). */
export function patient() {
  return document.documentElement.getAttribute("data-gl-audience") === "patient";
}

/**
 * The wording for the reader: [clinician, patient].
 * @param {readonly [string, string] | readonly string[]} pair
 * @returns {string}
 */
export function words(pair) {
  return patient() ? pair[1] : pair[0];
}

/**
 * Make `nodes` the children of `parent`, touching only what differs (a node already in
 * place is neither removed nor re-inserted, so the browser does not restyle it).
 * @param {Node} parent
 * @param {Node[]} nodes
 */
export function place(parent, nodes) {
  const wanted = new Set(nodes);
  for (const child of Array.from(parent.childNodes)) {
    if (!wanted.has(child)) parent.removeChild(child);
  }
  nodes.forEach((node, index) => {
    const current = parent.childNodes[index];
    if (current !== node) parent.insertBefore(node, current || null);
  });
}

/**
 * Set or remove a data attribute only when it changes (each change restyles the section).
 * @param {HTMLElement} node
 * @param {string} key
 * @param {string | null | undefined} value
 */
export function setData(node, key, value) {
  if (value === null || value === undefined) {
    if (key in node.dataset) delete node.dataset[key];
  } else if (node.dataset[key] !== value) {
    node.dataset[key] = value;
  }
}

/**
 * "Visceral crisis" -> "visceral crisis" inside a sentence; "HER2 status" stays.
 * @param {string} text
 */
export function lowerFirst(text) {
  return text.length > 1 && text[1] === text[1].toUpperCase() && text[1] !== text[1].toLowerCase()
    ? text
    : text.charAt(0).toLowerCase() + text.slice(1);
}

/** @param {unknown} value */
export function humanize(value) {
  return String(value).replace(/_/g, " ");
}
