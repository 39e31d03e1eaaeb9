// The calculator's own texts, each as [clinician, patient] wording.

/** @typedef {readonly [string, string]} Pair */

/** @type {Record<string, Pair>} */
export const STATUS = {
  ok: ["Recommendations for this case", "What the guideline suggests for you"],
  needs_more_information: [
    "More information is needed for a complete recommendation",
    "The guideline needs more information to suggest a treatment",
  ],
  out_of_scope: [
    "This case is outside the scope of this guideline",
    "This guide does not cover your situation",
  ],
  invalid: [
    "The case has errors: correct the marked fields",
    "Some answers need correcting: see the marked fields",
  ],
};

/**
 * The result's lists, in the order shown, with their headings.
 * @type {ReadonlyArray<readonly [ListKey, Pair]>}
 * @typedef {"recommendations" | "warnings" | "monitoring" | "supportive_care" | "workup" | "dosing"}
 *   ListKey
 */
export const LISTS = [
  ["recommendations", ["Recommendations", "Suggested treatment"]],
  ["warnings", ["Warnings", "Important warnings"]],
  ["monitoring", ["Monitoring", "Check-ups"]],
  ["supportive_care", ["Supportive care", "Support and symptom care"]],
  ["workup", ["Work-up", "Tests"]],
  ["dosing", ["Dosing", "Doses"]],
];

// Rank labels say whose ranking it is: the source's, which predates current practice.
/** @type {Record<string, Pair>} */
export const RANKS = {
  preferred: ["First choice in the source", "The source's first choice"],
  alternative: ["Other option in the source", "Other options in the source"],
};

/** @type {Pair} */
export const CONDITIONAL = [
  "Depends on findings not stated",
  "Depends on questions not yet answered",
];

/** @type {Pair} */
export const NEWER = [
  "Newer guidance, not this guideline's recommendation",
  "Newer guidance, not this guide's advice",
];
