// The calculator's form: the case as URLSearchParams of the declared field names, read from and
// written to the controls, and the runtime's errors beside their fields.
//
// Absent means the declared default, so the form writes only the fields that differ from it, and
// links stay short; "null" is a nullable field left unknown, unlike its default.

/** @import {CaseInput, FieldError, FieldRelevance} from "./types.js" */
import { el, words } from "./page-dom.js";
import { NOT_NEEDED, WAITING } from "./wording.js";

/**
 * @typedef {HTMLInputElement | HTMLSelectElement} Control
 */

export class CaseForm {
  /**
   * @param {HTMLFormElement} form
   * @param {CaseInput[]} inputs in the order of the form
   */
  constructor(form, inputs) {
    this.form = form;
    this.inputs = inputs;
    /** The fields the result shown is waiting for. @type {string[]} */
    this.waiting = [];
    /** Fields that cannot change the result of the case shown, with why. @type {FieldRelevance[]} */
    this.relevance = [];
  }

  /**
   * Bring a field into view and focus it.
   * @param {string} name
   */
  focusField(name) {
    const control = this.control(name);
    if (!control) return;
    control.scrollIntoView({ block: "center" });
    control.focus({ preventScroll: true });
  }

  /**
   * Mark the fields the result is waiting for (the findings it asks for).
   * @param {string[]} names
   */
  showWaiting(names) {
    this.waiting = names;
    this.showNotes();
  }

  /**
   * Mark the fields that cannot change the result of the case entered, with the reason; null:
   * not known (a new case is being computed, or the case is invalid).
   * @param {FieldRelevance[] | null} fields
   */
  showRelevance(fields) {
    this.relevance = fields || [];
    this.showNotes();
  }

  // Each field's note and state: "waiting" (highlighted), "together" (not decisive while
  // another field has its value: "Not decisive while PR is positive...") or "not needed: <why>"
  // (muted, never hidden or disabled: the clinician may still state it).
  showNotes() {
    const waiting = new Set(this.waiting);
    /** @type {Map<string, FieldRelevance>} */
    const unneeded = new Map();
    for (const field of this.relevance) if (!field.needed) unneeded.set(field.field, field);
    for (const field of this.form.querySelectorAll(".gl-field")) {
      if (!(field instanceof HTMLElement)) continue;
      const name = field.dataset.field || "";
      const note = field.querySelector(".gl-field-note");
      const reason = unneeded.get(name)?.reason;
      let state = "";
      let text = "";
      if (waiting.has(name)) {
        state = "waiting";
        text = words(WAITING);
      } else if (unneeded.has(name)) {
        // A field that decides something with another one (ER and PR) is never "not needed":
        // its note says under which answer to the other it would matter.
        state = unneeded.get(name)?.jointly?.length ? "together" : "not-needed";
        const why = reason ? words([reason.text, reason.patient_text]) : "";
        text = why || words(NOT_NEEDED);
      }
      if (field.dataset.state !== state) {
        if (state) field.dataset.state = state;
        else delete field.dataset.state;
      }
      if (note && note.textContent !== text) note.textContent = text;
    }
  }

  /** An empty case: every field back to its default, nothing marked. */
  reset() {
    this.show(new URLSearchParams());
    this.waiting = [];
    this.relevance = [];
    this.showNotes();
    this.showFieldErrors([]);
  }

  /**
   * The control of a field, if the form has one.
   * @param {string} name
   * @returns {Control | null}
   */
  control(name) {
    const control = this.form.elements.namedItem(name);
    return control instanceof HTMLInputElement || control instanceof HTMLSelectElement
      ? control
      : null;
  }

  /**
   * The case the form shows, as fragment text.
   * @returns {string}
   */
  fragment() {
    const params = new URLSearchParams();
    for (const input of this.inputs) {
      const control = this.control(input.name);
      if (!control) continue;
      if (control instanceof HTMLSelectElement) dropInvalidOptions(control);
      // Absent means the declared default, so only the rest goes into the link.
      const value = controlText(control);
      if (value === defaultText(input)) continue;
      if (value !== "") params.set(input.name, value);
      else if (input.nullable) params.set(input.name, "null"); // unknown, unlike the default
    }
    return params.toString();
  }

  /**
   * Show the case of `params` (absent fields: their defaults).
   * @param {URLSearchParams} params
   */
  show(params) {
    for (const input of this.inputs) {
      const value = params.get(input.name) ?? defaultText(input);
      this.setControl(input, value === "null" ? "" : value);
    }
  }

  /**
   * @param {CaseInput} input
   * @param {string} text
   */
  setControl(input, text) {
    const control = this.control(input.name);
    if (!control) return;
    if (control instanceof HTMLInputElement && control.type === "checkbox") {
      control.checked = text === "true";
    } else if (control instanceof HTMLSelectElement) {
      dropInvalidOptions(control);
      const known = Array.from(control.options).some((option) => option.value === text);
      if (!known) {
        // Keep what the link says visible; the runtime's error explains it beside the field.
        const option = el("option", "", `${text} (not allowed)`);
        option.value = text;
        option.dataset.invalid = "true";
        control.appendChild(option);
      }
      control.value = text;
    } else {
      control.value = /^-?\d+(\.\d+)?$/.test(text) ? text : "";
    }
  }

  /**
   * Errors beside their fields (the others: see errorSlot).
   * @param {FieldError[] | undefined} errors
   */
  showFieldErrors(errors) {
    /** @type {Map<Element, string>} */
    const messages = new Map();
    for (const error of errors || []) {
      const slot = this.errorSlot(error.field);
      if (slot)
        messages.set(slot, (messages.has(slot) ? `${messages.get(slot)} ` : "") + error.message);
    }
    for (const slot of this.form.querySelectorAll(".gl-field-error")) {
      const text = messages.get(slot) || "";
      if (slot.textContent !== text) slot.textContent = text;
      const field = /** @type {HTMLElement | null} */ (slot.closest(".gl-field"));
      const control = field?.dataset.field ? this.control(field.dataset.field) : null;
      if (!control) continue;
      if (text) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  }

  /**
   * Where the error of a field goes: null for an error without a field, or for a field not on
   * the form (those are listed with the results).
   * @param {string | null | undefined} name
   * @returns {Element | null}
   */
  errorSlot(name) {
    const control = name ? this.control(name) : null;
    const field = control ? control.closest(".gl-field") : null;
    return field ? field.querySelector(".gl-field-error") : null;
  }
}

/** @param {CaseInput} input */
function defaultText(input) {
  if (input.default === null || input.default === undefined) return "";
  return String(input.default);
}

/** @param {Control} control */
function controlText(control) {
  if (control instanceof HTMLInputElement && control.type === "checkbox") {
    return control.checked ? "true" : "false";
  }
  if (control instanceof HTMLInputElement && control.type === "number") {
    // Decimals as typed ("72.5"); an unparsable entry is sent as such so the runtime reports it.
    if (control.validity?.badInput) return "not-a-number";
    return control.value === "" ? "" : String(control.valueAsNumber);
  }
  return control.value;
}

/** @param {HTMLSelectElement} select */
function dropInvalidOptions(select) {
  for (const option of Array.from(select.querySelectorAll("option[data-invalid]"))) {
    if (!(/** @type {HTMLOptionElement} */ (option).selected)) option.remove();
  }
}
