// The "changed in" note of a result: when a release changed the case's own result (the newest
// that did: the worker's "changes" answer, asked once the edits pause), one line after the
// summary and before the recommendations says so (and whether the first choice changed); its
// details say what the first choice was and is, list each change in the reader's wording and
// link to the Versions page. No note when the result did not change: what every result shares
// (the notices) is for the Versions page.

/**
 * @import {CaseChanges, FirstChoiceItem, ResultChange} from "./types.js"
 * @import {ResultsView} from "./results-view.js"
 */
import { el, patient, words } from "./page-dom.js";

/** @param {ResultChange | FirstChoiceItem} item */
function text(item) {
  return patient() ? item.patient_text : item.text;
}

/**
 * "First choice in 1.0.0: X; now: Y" (or "now: none ranked first"), when the recommendations
 * ranked first differ between the versions; null when they are the same.
 * @param {CaseChanges} changes
 * @returns {string | null}
 */
export function firstChoiceSentence(changes) {
  const first = changes.first_choice;
  if (!first) return null;
  const ids = (/** @type {FirstChoiceItem[]} */ items) =>
    items
      .map((item) => item.id)
      .sort()
      .join(" ");
  if (ids(first.before) === ids(first.after)) return null;
  const list = (/** @type {FirstChoiceItem[]} */ items) =>
    items.length
      ? items.map((item) => text(item).replace(/\.$/, "")).join("; ")
      : words(["none ranked first", "nothing ranked first"]);
  return (
    words([`First choice in ${changes.from}: `, `First choice in version ${changes.from}: `]) +
    list(first.before) +
    words(["; now: ", "; now: "]) +
    list(first.after) +
    "."
  );
}

/**
 * The note for the case shown, or null (no changes, or changes of another case). One line, at
 * the size a bedside reader needs: "Changed in 1.2.0 (since 1.1.1): the first choice changed.
 * Details"; the details (the first choice then and now, each change, the Versions page) one
 * click away. In the patient wording the line is a quiet "What changed in this version" link
 * that shows nothing until it is opened.
 * @param {ResultsView} view
 * @param {string | undefined} fragment the case shown
 * @returns {HTMLElement | null}
 */
export function changedNoteBlock(view, fragment) {
  const shown = view.changes;
  if (!shown || shown.fragment !== fragment || !shown.changes) return null;
  const changes = shown.changes;
  if (!changes.changes.length) return null;
  const sentence = firstChoiceSentence(changes);
  const data = [changes.from, changes.to, sentence, changes.changes.map(text)];
  return view.keyed("changed-note", data, () => {
    const id = `${view.section.id || "gl-calc"}-changed-${changes.to.replace(/\W/g, "-")}`;
    const note = el("aside", `gl-changed-note${patient() ? " gl-changed-note--quiet" : ""}`);
    note.setAttribute("aria-labelledby", id);
    const details = note.appendChild(el("details", "gl-changed-note-details"));
    const summary = details.appendChild(el("summary", "gl-changed-note-line"));
    const heading = summary.appendChild(
      el("h3", "gl-changed-note-title", `Changed in ${changes.to} (since ${changes.from})`),
    );
    heading.id = id;
    summary.appendChild(
      el(
        "span",
        "gl-changed-note-what",
        sentence
          ? words([": the first choice changed.", ": the first choice changed."])
          : words([": this case's result changed.", ": your result changed."]),
      ),
    );
    summary.appendChild(el("span", "gl-changed-note-open", words(["Details", "Details"])));
    if (sentence) details.appendChild(el("p", "gl-changed-note-first", sentence));
    const list = details.appendChild(el("ul", "gl-changed-note-list"));
    for (const change of changes.changes) list.appendChild(el("li", "", text(change)));
    if (view.data.versions_url) {
      const more = details.appendChild(el("p", "gl-changed-note-more"));
      const link = el(
        "a",
        "",
        words(["Versions and changes", "What changed between versions of this guide"]),
      );
      link.href = view.root + view.data.versions_url;
      more.appendChild(link);
    }
    return note;
  });
}
