// Shared JSDoc types of the case calculator: the page data the build writes, the result the
// runtime returns, and the messages between the page and its worker. Types only: nothing
// imports this file at run time (it is not published); `import("./types.js").Name` in a JSDoc
// comment refers to it for the type checker (TypeScript on the JSDoc types, configured in
// build_tools/web/typecheck/).
//
// The result and the worker's answers are the runtime's TypedDicts (calculators/runtime/
// results.py) key for key: tests/runtime/test_result_types.py holds them to each other (the
// same keys, the same optional ones, null where the runtime may give None).

// --- the page data (build_tools/render/calculator_form.py: calculator_data) -----------------

/**
 * Wording for each audience.
 * @typedef {{clinician: string, patient: string}} Wording
 */

/**
 * One declared case input: exactly the runtime's input record (calculators/runtime/records.py).
 * The page reads only some keys (`name`, `nullable`, `default`, `unit`, `label`); a page data
 * entry may carry only those.
 * @typedef {object} CaseInput
 * @property {string} name
 * @property {string} [type] "enum" | "boolean" | "number" | ...
 * @property {string[]} [values]
 * @property {number | null} [min]
 * @property {number | null} [max]
 * @property {boolean} [exclusive_min]
 * @property {boolean} [exclusive_max]
 * @property {string | null} [unit]
 * @property {boolean} [required]
 * @property {boolean} nullable
 * @property {string | number | boolean | null} [default]
 * @property {string | null} [group]
 * @property {Wording} label
 * @property {Wording | null} [help]
 * @property {boolean} [finding]
 * @property {Wording | null} [ask]
 * @property {Implication[]} [implied_by] findings only: what settles the finding when the case
 *   does not state it
 */

/**
 * One way an unstated finding is settled by other case fields: when every cell of `when` holds
 * (field -> its unary test, as written; a site policy by its id), the finding is `value`.
 * @typedef {object} Implication
 * @property {Record<string, string>} when
 * @property {boolean} value
 */

/**
 * @typedef {object} Reference
 * @property {string} anchor
 * @property {string} title
 */

/**
 * @typedef {object} TableInfo
 * @property {string} title
 * @property {string} file
 * @property {number} line
 */

/**
 * The JSON in a `.gl-calculator` section's `data-gl-calculator`.
 * @typedef {object} PageData
 * @property {string} guideline
 * @property {string} version
 * @property {string} last_updated
 * @property {Record<string, Reference>} references by reference number
 * @property {string | null} references_url site-root relative
 * @property {string | null} [decision_logic_url] the page of the rules' rows, site-root relative
 * @property {string} site_root_relative the way back to the site root from this page
 * @property {CaseInput[]} inputs in the order of the form
 * @property {Record<string, TableInfo>} tables by table id
 * @property {Record<string, string>} derived a derived value's name -> its table
 * @property {Record<string, Record<string, string>>} rules "table/rule" -> input -> condition
 * @property {Record<string, {version: string, date: string, label: string}>} [since] item id ->
 *   the version (and its date) since which the item has stood unchanged
 * @property {string | null} [versions_url] the guideline's Versions page, site-root relative
 * @property {string | null} [policies_url] the page that lists the guideline's site policies
 *   (`::: policies`, each entry anchored `policy-<id>`), site-root relative
 * @property {{publisher: string, date: string} | null} [source] the guideline's source and its
 *   last update (ISO date): the summary labels the source's first choice with them
 */

// --- the result (calculators.recommend; calculators/runtime/results.py: Result) ------------

/** @typedef {string | number | boolean | null} CaseValue */

/**
 * @typedef {object} NewerGuidance
 * @property {string} text
 * @property {string} patient_text
 * @property {number[]} citations
 */

/**
 * A site policy that decided an item: a value this site chose where its source gives none (e.g.
 * "a disease-free interval of more than 24 months counts as long"), in both wordings.
 * @typedef {object} Policy
 * @property {string} id
 * @property {string} text
 * @property {string} patient_text
 * @property {number[]} citations
 */

/**
 * A dose worked out for the case (calculators/runtime/dosing.py). `total`: the dose shown,
 * rounded to `round_to` where the guideline declares a rounding step (a site policy), else the
 * exact product; `exact`: the exact product. Both null, like `weight_kg`, without a weight.
 * @typedef {object} Dose
 * @property {string} agent
 * @property {string} amount_per_kg decimal text
 * @property {string} unit
 * @property {string | null} weight_kg
 * @property {string | null} total
 * @property {string | null} exact
 * @property {string | null} round_to the rounding step (decimal text), or null: not rounded
 * @property {string} schedule
 */

/**
 * An item of the result's lists or of a conditional group. The work-up item that names a
 * finding the case does not state has `field`, `needed_for` and `only_if`, and no `section`,
 * `anchor`, `href`, `rule` or `table` (null).
 * @typedef {object} ResultItem
 * @property {string} id
 * @property {string} kind "recommendation" | "warning" | "dosing" | ...
 * @property {string | null} [rank] recommendations only: "preferred" | "alternative"
 * @property {string} text
 * @property {string} patient_text
 * @property {number[]} citations
 * @property {string | null} section
 * @property {string | null} anchor
 * @property {string | null} href the paragraph it comes from, site-root relative
 * @property {string | null} rule
 * @property {string | null} table
 * @property {string} [field] a finding the case does not state (a work-up item that asks for it)
 * @property {Record<string, boolean>} [only_if] with `field`: the answers under which it matters
 * @property {"treatment" | "advice" | "prognosis"} [needed_for] with `field`: what its answer
 *   changes: the treatment (the status waits for it), other advice only (a warning, a test) or
 *   the prognosis only (to establish, not waited for)
 * @property {string[]} agents
 * @property {string} origin "source" | "newer_guidance"
 * @property {NewerGuidance | null} newer_guidance
 * @property {boolean} general it holds for every case routed this way, not for this case's
 *   findings (AUTHORING.md)
 * @property {Policy[]} policies the site policies that decided this item
 * @property {Dose} [dose] a dose worked out for the case (dosing items)
 */

/**
 * @typedef {object} Notice
 * @property {string} id
 * @property {string} text
 * @property {string} patient_text
 * @property {number[]} citations
 */

/**
 * What is wrong with the case: `field` null for the case as a whole.
 * @typedef {object} FieldError
 * @property {string | null} field
 * @property {string} message
 */

/**
 * Items that hold only under some answers (`when`: alternatives of finding -> answer).
 * @typedef {object} ConditionalGroup
 * @property {Record<string, boolean>[]} when
 * @property {ResultItem[]} items
 */

/**
 * One table's step of the trace, in evaluation order. `inputs`: the values it read; an unstated
 * finding that other answers settle is read as that answer, and `implied` names it with the
 * fields that settle it (e.g. no visceral involvement: no visceral crisis). `output`: a table
 * with an output, its value as the case states it (null: it depends on the answers);
 * `branches`: what it selects (or its being skipped) under some answers only; `doses`: the
 * doses it gave, the exact product beside the dose shown.
 * @typedef {object} TraceStep
 * @property {string} table
 * @property {string} file
 * @property {number} line
 * @property {string} hit_policy
 * @property {Record<string, CaseValue>} inputs
 * @property {boolean} skipped
 * @property {string[]} rules the rules it selected whatever the answers
 * @property {boolean} used_default
 * @property {{name: string, value: string | null}} [output]
 * @property {{when: Record<string, boolean>[], rule?: string, skipped?: boolean}[]} [branches]
 * @property {Record<string, {by: string[]}>} [implied]
 * @property {{item: string, exact: string | null, shown: string | null}[]} [doses]
 */

/**
 * The guideline version that gave a result.
 * @typedef {object} GuidelineVersion
 * @property {string} id
 * @property {string} version
 * @property {string} last_updated
 */

/**
 * The result of a case (an invalid one: its errors, no prognosis, empty lists).
 * @typedef {object} Result
 * @property {string} status "ok" | "needs_more_information" | "out_of_scope" | "invalid"
 * @property {FieldError[]} errors
 * @property {string | null} prognosis
 * @property {ResultItem[]} prognosis_reasons
 * @property {ResultItem[]} recommendations
 * @property {ResultItem[]} warnings
 * @property {ResultItem[]} monitoring
 * @property {ResultItem[]} supportive_care
 * @property {ResultItem[]} workup
 * @property {ResultItem[]} dosing
 * @property {ConditionalGroup[]} conditional
 * @property {Notice[]} notices
 * @property {TraceStep[]} trace
 * @property {GuidelineVersion} guideline
 */

/**
 * The worker's answer to a FragmentRequest or a CaseRequest: the JSON text of
 * calculators/runtime/browser_entry.py's recommend_json, parsed. An Answer is what the page
 * shows for a request: that, or an error (from the worker or because the runtime failed);
 * `fragment`: the case it answers, set by the page.
 * @typedef {object} RecommendJson
 * @property {Record<string, CaseValue>} case the case as the runtime read it
 * @property {Result} result
 * @typedef {Partial<RecommendJson> & {error?: string, fragment?: string}} Answer
 */

// --- field relevance and the next questions (calculators.relevance, calculators.questions) ---

/**
 * Whether a field of the form could change the result of the case entered (AUTHORING.md, "Field
 * relevance"): `reason` (both wordings) for a field that is not needed only.
 * @typedef {object} FieldRelevance
 * @property {string} field
 * @property {boolean} needed
 * @property {{field: string, values: CaseValue[]}[]} jointly the fields it decides something
 *   with (ER and PR: each makes the case hormone-receptor positive), and their values under
 *   which it would change the result: never "not needed", its reason says so
 * @property {{text: string, patient_text: string} | null} reason
 */

/**
 * The result's status and each declared field's relevance, in the form's order (`fields` is
 * empty when the case is invalid).
 * @typedef {{status: string, fields: FieldRelevance[]}} Relevance
 */

/**
 * A recommendation a version ranks first, or a caution an answer adds.
 * @typedef {{id: string, text: string, patient_text: string}} FirstChoiceItem
 */

/**
 * One answer to a question (calculators/runtime/questions.py): what it leads to.
 * @typedef {object} QuestionAnswer
 * @property {boolean} value
 * @property {string} status
 * @property {FirstChoiceItem[]} first_choice
 * @property {string[]} depends_on
 * @property {FirstChoiceItem[]} adds the cautions it adds
 * @property {string} text "yes: first choice in the source: ..."
 * @property {string} patient_text
 */

/**
 * An unstated finding the result asks for, most decisive first.
 * @typedef {object} Question
 * @property {string} field
 * @property {string} needed_for "treatment" | "advice" | "prognosis"
 * @property {boolean} scope whether its answer routes the case (in or out of scope, or another
 *   part of the guideline)
 * @property {number} changes how many recommendations, cautions and doses its answers change
 * @property {QuestionAnswer[]} answers
 */

/**
 * The worker's answer to a RelevanceRequest: the JSON text of browser_entry.py's
 * relevance_json, parsed (a RelevanceAnswer: that, or an error).
 * @typedef {object} RelevanceJson
 * @property {Record<string, CaseValue>} case
 * @property {Relevance} relevance which fields could change the result
 * @property {Question[]} questions the unstated findings to establish, most decisive first
 * @typedef {Partial<RelevanceJson> & {error?: string}} RelevanceAnswer
 */

// --- how the case's result changed (calculators.changes) ------------------------------------

/**
 * One way the case's result differs between two versions (calculators/runtime/compare.py).
 * @typedef {object} ResultChange
 * @property {string[]} facet e.g. ["item", "recommendations", "<id>"]
 * @property {string | number | boolean | null} before
 * @property {string | number | boolean | null} after
 * @property {string} text
 * @property {string} patient_text
 */

/**
 * How the case's result changed in the newest release that changed it
 * (calculators/runtime/browser_entry.py: changes_json). `changes`: the case's own;
 * `every_case`: what every result shares (the notices); `first_choice` only with own changes.
 * @typedef {object} CaseChanges
 * @property {string} from
 * @property {string} to
 * @property {ResultChange[]} changes
 * @property {ResultChange[]} every_case
 * @property {{before: FirstChoiceItem[], after: FirstChoiceItem[]}} [first_choice]
 */

/**
 * The worker's answer to a ChangesRequest: the JSON text of browser_entry.py's changes_json,
 * parsed (a ChangesAnswer: that, or an error); `changes` is null when the guideline has no
 * previous released version.
 * @typedef {object} ChangesJson
 * @property {Record<string, CaseValue>} case
 * @property {CaseChanges | null} changes
 * @typedef {Partial<ChangesJson> & {error?: string}} ChangesAnswer
 */

// --- messages between the page and the worker (worker.js) -----------------------------------
//
// postMessage only; once "ready", computing makes no request at all. The worker answers each
// request with its id: the JSON text Python wrote (a string crosses threads in one copy, where a
// ~20 KB object graph costs milliseconds to clone on each side, on every keystroke), or an error.

/**
 * page -> worker. `manifest`: the absolute URL of calculator-manifest.json. A "recommend"
 * request passes the case as its URL fragment's text ("a=b&c=d") or as a JSON object; a
 * "relevance" request asks which fields could change the result of the case, and the next
 * questions (answered with a RelevanceJson); a "changes" request, how the case's result changed
 * in the newest release that changed it (answered with a ChangesJson); "ping" is answered at
 * once, Python or not (the cost of a round trip alone, which benchmarks compare with).
 * @typedef {{type: "init", manifest: string}} InitMessage
 * @typedef {{id: number, type: "recommend", guideline: string, fragment: string}} FragmentRequest
 * @typedef {{id: number, type: "recommend", guideline: string, case: object}} CaseRequest
 * @typedef {{id: number, type: "relevance", guideline: string, fragment: string}} RelevanceRequest
 * @typedef {{id: number, type: "changes", guideline: string, fragment: string}} ChangesRequest
 * @typedef {{id: number, type: "ping"}} PingMessage
 * @typedef {InitMessage | FragmentRequest | CaseRequest | RelevanceRequest | ChangesRequest
 *   | PingMessage} ToWorker
 */

/**
 * Worker timings of its start-up stages, in ms since it started (`snapshot`: how Python started).
 * @typedef {{[stage: string]: number | string}} WorkerTimings
 */

/**
 * worker -> page. A "snapshot" message comes after "ready", on first visits only (the page may
 * ignore it; benchmarks and tests wait for it).
 * @typedef {{type: "progress", stage: string, detail: string}} ProgressMessage
 * @typedef {{type: "notice", message: string}} NoticeMessage
 * @typedef {{type: "ready", timings: WorkerTimings, guidelines: string[]}} ReadyMessage
 * @typedef {{type: "failed", message: string, log: string[]}} FailedMessage
 * @typedef {object} SnapshotMessage
 * @property {"snapshot"} type
 * @property {"saved" | "skipped" | "failed"} state
 * @property {number} [ms]
 * @property {number} [blocked]
 * @property {number} [at]
 * @property {number} [heap] bytes of Python's memory in it
 * @property {string} [detail]
 * @typedef {{id: number, json: string}} JsonAnswer the JSON text Python wrote: a RecommendJson
 *   (a RelevanceJson for a RelevanceRequest, a ChangesJson for a ChangesRequest)
 * @typedef {{id: number, error: string}} ErrorAnswer
 * @typedef {{id: number, pong: true}} PongAnswer
 * @typedef {ProgressMessage | NoticeMessage | ReadyMessage | FailedMessage | SnapshotMessage}
 *   StatusMessage
 * @typedef {JsonAnswer | ErrorAnswer | PongAnswer} AnswerMessage
 * @typedef {StatusMessage | AnswerMessage} FromWorker
 */

/**
 * calculator-manifest.json (build_tools/browser_bundle/bundle.py: manifest). Paths are relative
 * to the site root, which `site_root` names relative to the manifest itself.
 * @typedef {object} Manifest
 * @property {string} site_root
 * @property {string} pyodide_version
 * @property {string} pyodide_dir
 * @property {{loader: string, module: string, wasm: string}} pyodide_files
 * @property {string} [stdlib_zip]
 * @property {string} calculators_zip
 * @property {string} calculators_sha256
 * @property {string[]} guidelines
 * @property {object} pyodide_lock
 * @property {boolean} [python_snapshot]
 * @property {number} [python_snapshot_max_bytes]
 */

export {};
