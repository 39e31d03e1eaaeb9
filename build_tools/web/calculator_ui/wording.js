// The calculator's own texts, each as [clinician, patient] wording.

/** @typedef {readonly [string, string]} Pair */

/**
 * The status in one word or two, as the summary and the summary bar lead with it.
 * @type {Record<string, Pair>}
 */
export const STATUS_WORD = {
  ok: ["Complete", "Complete"],
  needs_more_information: ["Needs information", "More answers needed"],
  out_of_scope: ["Out of scope", "Not covered"],
  invalid: ["Invalid case", "Answers to correct"],
};

/**
 * The result's lists with their headings. They are shown in the order of what changes the
 * decision (results-view.js): cautions, recommendations, dosing, work-up, monitoring, supportive
 * care; this order is the one of the printed references and of tests.
 * @type {ReadonlyArray<readonly [ListKey, Pair]>}
 * @typedef {"recommendations" | "warnings" | "monitoring" | "supportive_care" | "workup" | "dosing"}
 *   ListKey
 */
export const LISTS = [
  ["recommendations", ["Recommendations", "Suggested treatment"]],
  ["warnings", ["Cautions", "Important warnings"]],
  ["monitoring", ["Monitoring", "Check-ups"]],
  ["supportive_care", ["Supportive care", "Support and symptom care"]],
  ["workup", ["Work-up", "Tests"]],
  ["dosing", ["Dosing", "Doses"]],
];

/**
 * The lists whose general items are folded into "General points" (never the recommendations or
 * the doses).
 * @type {ReadonlyArray<ListKey>}
 */
export const FOLDED_LISTS = ["warnings", "workup", "monitoring", "supportive_care"];

/** @type {Pair} */
export const GENERAL = ["General points", "Points that apply to everyone"];

/** @type {Pair} */
export const GENERAL_NOTE = [
  "These hold for every case the guideline treats this way, not because of this case's findings.",
  "These apply to everyone in this situation, not only to you.",
];

/** @type {Pair} */
export const FIRST_CHOICE = ["First choice in the source", "The source's first choice"];

/** The headline's second layer: what newer guidance says about the source's first choice. */
/** @type {Pair} */
export const NEWER_HEADLINE = [
  "Newer guidance (not this guideline's recommendation)",
  "Newer guidance (not this guide's advice)",
];

/** The same, where a line has room for two words (the summary bar). */
/** @type {Pair} */
export const NEWER_SHORT = ["Newer guidance", "Newer guidance"];

/** The unstated finding whose answer changes the most. */
/** @type {Pair} */
export const NEXT_QUESTION = ["Next question", "Next question"];

/** @type {Pair} */
export const ALL_QUESTIONS = [
  "Every finding to establish, in order",
  "All the questions, in order",
];

/** What a question's answer is for, in the full list. */
/** @type {Record<string, Pair>} */
export const NEEDED_FOR = {
  treatment: ["the treatment waits for it", "needed for the treatment"],
  advice: ["changes other advice", "changes other advice"],
  prognosis: ["for the prognosis", "for the outlook"],
};

/** The work-up's findings to establish: those the result waits for or that change advice. */
/** @type {Pair} */
export const TO_ESTABLISH = ["Findings to establish", "Questions to answer first"];

/** The findings that change only the prognosis: to establish, not waited for. */
/** @type {Pair} */
export const PROGNOSIS_ASKS = [
  "To establish for the prognosis",
  "Also useful to know, for the outlook",
];

/** @type {Pair} */
export const NOT_NEEDED = ["Not needed", "Not needed"];

/** @type {Pair} */
export const WAITING = ["The result is waiting for this", "Please answer this"];

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

/** A site policy that decided an item (a value this site chose where its source gives none). */
/** @type {Pair} */
export const POLICY = ["This site's policy", "This site's own rule"];

/** An unstated finding the other answers settle, in the "Why": "(implied by <fields>)". */
/** @type {Pair} */
export const IMPLIED_BY = ["implied by", "follows from your answer about"];

/** @type {Pair} */
export const NEWER = [
  "Newer guidance, not this guideline's recommendation",
  "Newer guidance, not this guide's advice",
];
