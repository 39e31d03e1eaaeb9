// Case calculator, page side: starts the Python worker, mounts every `.gl-calculator` section,
// keeps the case in the URL fragment and renders live results.
//
// * One worker per tab: it is started on the first guideline page (not on the first click) and
//   survives mkdocs-material's instant navigation, which swaps page content without reloading
//   and emits each new page on `document$`. Mounting is idempotent.
// * The case lives in the fragment as URLSearchParams of the declared field names
//   (`#sex=female&her2_status=positive&weight_kg=70`); absent means the declared default, so
//   the form writes only the fields that differ from it, and links stay short. The
//   worker turns it into a case with the runtime's own `case_from_fragment`, so a link and a JSON
//   case mean the same thing.
// * Computing is postMessage only: no request. Data is rendered with textContent and
//   createElement only, never as HTML.
(function () {
  "use strict";

  if (window.__glCalculator) return; // evaluated twice (instant navigation): keep the first
  const SCRIPT = document.currentScript;

  // Stage 1: where the site root is. This script is <root>/assets/calculator/calculator.js.
  const SITE_ROOT = SCRIPT && SCRIPT.src ? new URL("../../", SCRIPT.src).href : null;
  const WORKER = "assets/calculator/worker.mjs";
  const MANIFEST = "assets/calculator/calculator-manifest.json";

  const runtime = {
    worker: null,
    state: "idle", // idle | loading | ready | failed
    detail: "",
    notice: "",
    requests: new Map(),
    nextId: 1,
    timings: { workerStarted: null, ready: null, firstResult: null, worker: null },
  };
  const calculators = new Set(); // mounted controllers of the current page
  window.__glCalculator = { runtime: runtime, calculators: calculators };

  // ---------------------------------------------------------------------------------------
  // Stage 2: the worker. Started once, as soon as a guideline page (or a calculator) shows.

  function startRuntime() {
    if (runtime.state !== "idle") return;
    if (location.protocol === "file:") {
      return fail(
        "the page was opened as a file. The calculator needs the site to be served by a web " +
          "server (any static server will do)",
      );
    }
    if (!SITE_ROOT || typeof Worker === "undefined") {
      return fail("this browser cannot run the calculator (no module workers)");
    }
    runtime.state = "loading";
    runtime.detail = "Starting the calculator…";
    runtime.timings.workerStarted = performance.now();
    const url = new URL(WORKER, SITE_ROOT);
    try {
      runtime.worker = new Worker(url, { type: "module" });
    } catch (error) {
      return fail("the browser refused to start the calculator (" + error.message + ")");
    }
    runtime.worker.onmessage = onWorkerMessage;
    runtime.worker.onerror = function (event) {
      event.preventDefault();
      // Only a worker that never started gets here (its own errors are caught and posted).
      diagnoseWorker(url).then(fail);
    };
    runtime.worker.postMessage({ type: "init", siteRoot: SITE_ROOT, manifest: MANIFEST });
    changed();
  }

  function onWorkerMessage(event) {
    const message = event.data || {};
    if (message.id !== undefined) {
      const request = runtime.requests.get(message.id);
      runtime.requests.delete(message.id);
      if (request) request(message);
      return;
    }
    if (message.type === "progress") {
      runtime.detail = message.detail;
    } else if (message.type === "notice") {
      runtime.notice = message.message;
      console.warn("Case calculator: " + message.message);
    } else if (message.type === "ready") {
      runtime.state = "ready";
      runtime.timings.ready = performance.now();
      runtime.timings.worker = message.timings;
    } else if (message.type === "failed") {
      if (message.log && message.log.length) console.info(message.log.join("\n"));
      return fail(message.message);
    }
    changed();
  }

  function fail(reason) {
    runtime.state = "failed";
    runtime.detail = reason;
    for (const answer of runtime.requests.values()) answer({ error: reason });
    runtime.requests.clear();
    changed();
  }

  async function diagnoseWorker(url) {
    try {
      const response = await fetch(url, { method: "HEAD", cache: "no-store" });
      const type = (response.headers.get("Content-Type") || "").split(";")[0];
      if (!response.ok) return "the server answers " + response.status + " for " + url.pathname;
      if (!/javascript/.test(type)) {
        return (
          "the server sends " +
          url.pathname +
          ' as "' +
          type +
          '"; configure text/javascript for .mjs files'
        );
      }
    } catch (error) {
      return "the server could not be reached";
    }
    return "the calculator's worker stopped with an error";
  }

  function recommend(guideline, fragment) {
    return new Promise(function (resolve) {
      if (runtime.state === "failed") return resolve({ error: runtime.detail });
      const id = runtime.nextId++;
      runtime.requests.set(id, resolve);
      runtime.worker.postMessage({
        id: id,
        type: "recommend",
        guideline: guideline,
        fragment: fragment,
      });
    });
  }

  function changed() {
    for (const calculator of calculators) calculator.showStatus();
  }

  // ---------------------------------------------------------------------------------------
  // Stage 3: small DOM helpers. Every text goes through textContent.

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function patient() {
    return document.documentElement.getAttribute("data-gl-audience") === "patient";
  }

  function words(pair) {
    return patient() ? pair[1] : pair[0];
  }

  const STATUS = {
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
  const LISTS = [
    ["recommendations", ["Recommendations", "Suggested treatment"]],
    ["warnings", ["Warnings", "Important warnings"]],
    ["monitoring", ["Monitoring", "Check-ups"]],
    ["supportive_care", ["Supportive care", "Support and symptom care"]],
    ["workup", ["Work-up", "Tests"]],
    ["dosing", ["Dosing", "Doses"]],
  ];
  const RANKS = {
    preferred: ["Preferred", "Usual first choice"],
    alternative: ["Alternatives", "Other options"],
  };

  // ---------------------------------------------------------------------------------------
  // Stage 4: one calculator section: the form <-> fragment <-> worker loop and the results.

  function Calculator(section) {
    this.section = section;
    this.data = JSON.parse(section.dataset.glCalculator); // built by integration.calculator_data
    this.form = section.querySelector("form.gl-calculator-form");
    this.status = section.querySelector(".gl-calculator-status");
    this.summary = section.querySelector(".gl-calculator-summary");
    this.output = section.querySelector(".gl-calculator-output");
    this.root = this.data.site_root_relative || "";
    this.inputs = {};
    for (const input of this.data.inputs) this.inputs[input.name] = input;
    this.last = null; // last answer: {result, case}
    this.sequence = 0; // answers to older requests are dropped
    this.openWhy = new Set();
    const self = this;
    const edited = function () {
      self.fromForm();
    };
    this.form.addEventListener("input", edited);
    this.form.addEventListener("change", edited);
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    this.fromFragment(location.hash);
    this.showStatus();
  }

  Calculator.prototype.control = function (name) {
    return this.form.elements.namedItem(name);
  };

  Calculator.prototype.showStatus = function () {
    const text = {
      idle: "",
      loading: runtime.detail,
      ready:
        "Calculator ready: results update as you change the case." +
        (runtime.notice ? " Note: " + runtime.notice + "." : ""),
      failed:
        "The calculator could not start: " +
        runtime.detail +
        ". The guideline itself is " +
        "complete without it: every recommendation is on its pages, with its sources.",
    }[runtime.state];
    if (this.status.textContent !== text) this.status.textContent = text;
    this.section.classList.toggle("gl-calculator--failed", runtime.state === "failed");
    this.section.classList.toggle("gl-calculator--ready", runtime.state === "ready");
  };

  // The fragment -> the form, then compute. A fragment without "=" is an ordinary anchor.
  Calculator.prototype.fromFragment = function (hash) {
    const text = (hash || "").replace(/^#/, "");
    if (text && text.indexOf("=") < 0) return;
    const params = new URLSearchParams(text);
    for (const input of this.data.inputs) {
      const value = params.has(input.name) ? params.get(input.name) : defaultText(input);
      this.setControl(input, value === "null" ? "" : value);
    }
    this.compute(params.toString());
  };

  // The form -> the fragment (replaceState: no navigation, no request), then compute.
  Calculator.prototype.fromForm = function () {
    const params = new URLSearchParams();
    for (const input of this.data.inputs) {
      const control = this.control(input.name);
      if (!control) continue;
      if (control.tagName === "SELECT") dropInvalidOptions(control);
      // Absent means the declared default, so only the rest goes into the link.
      const value = controlText(control);
      if (value === defaultText(input)) continue;
      if (value !== "") params.set(input.name, value);
      else if (input.nullable) params.set(input.name, "null"); // unknown, unlike the default
    }
    const fragment = params.toString();
    if (fragment === this.fragment) return; // "input" and "change" both fire for one edit
    const url = location.pathname + location.search + (fragment ? "#" + fragment : "");
    history.replaceState(history.state, "", url);
    this.compute(fragment);
  };

  Calculator.prototype.setControl = function (input, text) {
    const control = this.control(input.name);
    if (!control) return;
    if (control.type === "checkbox") {
      control.checked = text === "true";
    } else if (control.tagName === "SELECT") {
      dropInvalidOptions(control);
      const known = Array.prototype.some.call(control.options, function (option) {
        return option.value === text;
      });
      if (!known) {
        // Keep what the link says visible; the runtime's error explains it beside the field.
        const option = el("option", "", text + " (not allowed)");
        option.value = text;
        option.dataset.invalid = "true";
        control.appendChild(option);
      }
      control.value = text;
    } else {
      control.value = /^-?\d+(\.\d+)?$/.test(text) ? text : "";
    }
  };

  Calculator.prototype.compute = function (fragment) {
    this.fragment = fragment;
    if (!fragment) {
      this.last = null;
      this.render();
      return;
    }
    startRuntime();
    const self = this;
    const sequence = ++this.sequence;
    if (!this.last) this.summary.textContent = "Calculating…";
    recommend(this.data.guideline, fragment).then(function (answer) {
      if (sequence !== self.sequence || !self.section.isConnected) return;
      if (runtime.timings.firstResult === null && answer.result) {
        runtime.timings.firstResult = performance.now();
      }
      answer.fragment = fragment;
      self.last = answer;
      self.render();
    });
  };

  Calculator.prototype.render = function () {
    this.clearErrors();
    this.output.replaceChildren();
    const answer = this.last;
    if (!answer) {
      this.summary.textContent = this.fragment
        ? ""
        : words([
            "Fill in the case to see the recommendations.",
            "Answer the questions to see what the guideline suggests.",
          ]);
      this.renderPrint(null);
      return;
    }
    if (answer.error) {
      this.summary.textContent =
        "The calculator could not compute this case: " + answer.error + ".";
      this.renderPrint(null);
      return;
    }
    const result = answer.result;
    this.summary.textContent = words(STATUS[result.status] || [result.status, result.status]);
    this.section.dataset.status = result.status;
    this.section.dataset.renderedCase = answer.fragment; // the case shown (tests wait on it)
    this.showErrors(result.errors);
    if (result.status !== "invalid") {
      this.renderPrognosis(result);
      for (const [key, title] of LISTS) this.renderList(result, key, title);
    }
    this.renderPrint(answer);
  };

  Calculator.prototype.clearErrors = function () {
    for (const slot of this.form.querySelectorAll(".gl-field-error")) slot.textContent = "";
    for (const control of this.form.querySelectorAll("[aria-invalid]"))
      control.removeAttribute("aria-invalid");
    delete this.section.dataset.status;
    delete this.section.dataset.renderedCase;
  };

  Calculator.prototype.showErrors = function (errors) {
    const general = [];
    for (const error of errors || []) {
      const control = error.field ? this.control(error.field) : null;
      const field = control && control.closest ? control.closest(".gl-field") : null;
      const slot = field ? field.querySelector(".gl-field-error") : null;
      if (!slot) {
        general.push(error.message);
        continue;
      }
      slot.textContent = slot.textContent ? slot.textContent + " " + error.message : error.message;
      control.setAttribute("aria-invalid", "true");
    }
    if (general.length) {
      const list = el("ul", "gl-calculator-errors");
      for (const message of general) list.appendChild(el("li", "", message));
      this.output.appendChild(list);
    }
  };

  Calculator.prototype.renderPrognosis = function (result) {
    const reasons = result.prognosis_reasons || [];
    if (result.prognosis === null && !reasons.length) return;
    const block = el("section", "gl-result-block gl-result-prognosis");
    block.appendChild(el("h3", "", words(["Prognosis", "Outlook"])));
    if (result.prognosis !== null) {
      block.appendChild(el("p", "gl-result-prognosis-value", humanize(result.prognosis)));
    }
    if (reasons.length) block.appendChild(this.itemList(reasons));
    this.output.appendChild(block);
  };

  Calculator.prototype.renderList = function (result, key, title) {
    const items = result[key] || [];
    if (!items.length) return;
    const block = el("section", "gl-result-block gl-result-" + key.replace(/_/g, "-"));
    block.appendChild(el("h3", "", words(title)));
    if (key === "recommendations") {
      // Preferred first, then alternatives (the runtime already sorts them this way).
      for (const rank of ["preferred", "alternative"]) {
        const ranked = items.filter(function (item) {
          return item.rank === rank;
        });
        if (!ranked.length) continue;
        block.appendChild(el("h4", "gl-result-rank", words(RANKS[rank])));
        block.appendChild(this.itemList(ranked));
      }
      const unranked = items.filter(function (item) {
        return !RANKS[item.rank];
      });
      if (unranked.length) block.appendChild(this.itemList(unranked));
    } else {
      block.appendChild(this.itemList(items));
    }
    this.output.appendChild(block);
  };

  Calculator.prototype.itemList = function (items) {
    const list = el("ul", "gl-result-items");
    for (const item of items) list.appendChild(this.itemElement(item));
    return list;
  };

  Calculator.prototype.itemElement = function (item) {
    const node = el("li", "gl-result-item");
    node.dataset.item = item.id;
    node.appendChild(el("p", "gl-result-text", patient() ? item.patient_text : item.text));
    const meta = el("p", "gl-result-meta");
    if (item.citations && item.citations.length) {
      meta.appendChild(document.createTextNode("Sources "));
      meta.appendChild(this.citations(item.citations));
    }
    if (item.href) {
      if (meta.childNodes.length) meta.appendChild(el("span", "gl-result-sep", " · "));
      const link = el(
        "a",
        "gl-result-source",
        words(["Read in the guideline", "Read more in the guide"]),
      );
      link.href = this.root + item.href;
      meta.appendChild(link);
    }
    node.appendChild(meta);
    node.appendChild(this.why(item));
    return node;
  };

  Calculator.prototype.citations = function (numbers) {
    const sup = el("sup", "gl-cite");
    const list = this.data.references_url ? this.root + this.data.references_url : null;
    numbers.forEach(function (number, index) {
      if (index) sup.appendChild(el("span", "gl-cite-sep", ", "));
      const reference = this.data.references[String(number)];
      if (!reference || !list) {
        sup.appendChild(el("span", "", number));
        return;
      }
      const link = el("a", "", number);
      link.href = list + "#" + reference.anchor;
      link.title = reference.title;
      link.setAttribute("aria-label", "Reference " + number + ": " + reference.title);
      sup.appendChild(link);
    }, this);
    return sup;
  };

  // "Why": the rule, its table and the case values the table read (from the result's trace).
  Calculator.prototype.why = function (item) {
    const details = el("details", "gl-why");
    details.open = this.openWhy.has(item.id);
    const self = this;
    details.addEventListener("toggle", function () {
      if (details.open) self.openWhy.add(item.id);
      else self.openWhy.delete(item.id);
    });
    details.appendChild(el("summary", "", words(["Why", "Why is this shown?"])));
    const table = this.data.tables[item.table] || {};
    const facts = el("dl", "gl-why-facts");
    const add = function (term, value) {
      facts.appendChild(el("dt", "", term));
      const dd = el("dd", "");
      if (typeof value === "string") dd.textContent = value;
      else dd.appendChild(value);
      facts.appendChild(dd);
    };
    add("Rule", item.rule === "default" ? "the table's default (no rule matched)" : item.rule);
    add(
      "Table",
      (table.title ? table.title + " " : "") +
        "(" +
        item.table +
        (table.file ? ", " + table.file + ":" + table.line : "") +
        ")",
    );
    const conditions = this.data.rules[item.table + "/" + item.rule] || {};
    const entry = (this.last.result.trace || []).find(function (step) {
      return step.table === item.table;
    });
    const matched = el("ul", "gl-why-inputs");
    for (const name of Object.keys((entry && entry.inputs) || {})) {
      const line = this.label(name) + " = " + this.valueText(name, entry.inputs[name]);
      const li = el("li", "", line);
      if (conditions[name] !== undefined)
        li.appendChild(el("span", "gl-why-test", " (rule: " + conditions[name] + ")"));
      matched.appendChild(li);
    }
    if (matched.childNodes.length) add("Inputs", matched);
    details.appendChild(facts);
    return details;
  };

  Calculator.prototype.label = function (name) {
    const input = this.inputs[name];
    if (input) return words([input.label.clinician, input.label.patient]);
    // A value derived by an earlier table (e.g. a receptor status combined from two inputs).
    const origin = this.data.tables[this.data.derived[name]];
    return humanize(name) + (origin ? " (from “" + origin.title + "”)" : "");
  };

  Calculator.prototype.valueText = function (name, value) {
    const input = this.inputs[name];
    if (value === null || value === undefined) return "unknown";
    if (value === true) return "yes";
    if (value === false) return "no";
    if (typeof value === "number")
      return String(value) + (input && input.unit ? " " + input.unit : "");
    return humanize(value);
  };

  // The printed page: a one-page case summary (the form itself is hidden in print): the fields
  // given, the guideline's version, the case link and the titles of the references cited.
  Calculator.prototype.renderPrint = function (answer) {
    let block = this.section.querySelector(".gl-calculator-print");
    if (!block) {
      block = el("div", "gl-calculator-print");
      this.section.insertBefore(block, this.section.querySelector(".gl-calculator-results"));
    }
    block.replaceChildren();
    if (!answer || !answer.case) return;
    block.appendChild(el("h3", "", words(["Case summary", "Your answers"])));
    const list = el("dl", "gl-print-case");
    for (const input of this.data.inputs) {
      if (!Object.prototype.hasOwnProperty.call(answer.case, input.name)) continue;
      list.appendChild(el("dt", "", this.label(input.name)));
      list.appendChild(el("dd", "", this.valueText(input.name, answer.case[input.name])));
    }
    block.appendChild(list);
    block.appendChild(
      el(
        "p",
        "gl-print-meta",
        "Every other field: its default (no, or unknown). Guideline version " +
          this.data.version +
          ", last updated " +
          this.data.last_updated +
          ". Case link: " +
          location.href,
      ),
    );
    this.renderPrintReferences(answer.result);
  };

  Calculator.prototype.renderPrintReferences = function (result) {
    const cited = new Set();
    for (const [key] of LISTS.concat([["prognosis_reasons"]])) {
      for (const item of result[key] || [])
        for (const number of item.citations || []) cited.add(number);
    }
    const old = this.section.querySelector(".gl-print-references");
    if (old) old.remove();
    if (!cited.size || result.status === "invalid") return;
    const list = el("ol", "gl-print-references");
    for (const number of Array.from(cited).sort(function (a, b) {
      return a - b;
    })) {
      const reference = this.data.references[String(number)];
      const item = el("li", "", reference ? reference.title : "");
      item.value = number;
      list.appendChild(item);
    }
    this.output.appendChild(el("h3", "gl-print-only", words(["References cited", "Sources"])));
    this.output.appendChild(list);
  };

  function defaultText(input) {
    if (input.default === null || input.default === undefined) return "";
    return String(input.default);
  }

  function controlText(control) {
    if (control.type === "checkbox") return control.checked ? "true" : "false";
    if (control.type === "number") {
      // Decimals as typed ("72.5"); an unparsable entry is sent as such so the runtime reports it.
      if (control.validity && control.validity.badInput) return "not-a-number";
      return control.value === "" ? "" : String(control.valueAsNumber);
    }
    return control.value;
  }

  function dropInvalidOptions(select) {
    for (const option of Array.prototype.slice.call(
      select.querySelectorAll("option[data-invalid]"),
    )) {
      if (!option.selected) option.remove();
    }
  }

  function humanize(value) {
    return String(value).replace(/_/g, " ");
  }

  // ---------------------------------------------------------------------------------------
  // Stage 5: mounting on every page instant navigation shows, plus the global listeners.

  function mount() {
    for (const calculator of Array.from(calculators)) {
      if (!calculator.section.isConnected) calculators.delete(calculator);
    }
    const sections = document.querySelectorAll(".gl-calculator");
    for (const section of sections) {
      if (section.dataset.glMounted) continue;
      section.dataset.glMounted = "true";
      try {
        calculators.add(new Calculator(section));
      } catch (error) {
        console.error("Case calculator: cannot mount", error);
      }
    }
    // Any guideline page starts the runtime, so a calculator opened next is already warm;
    // a reader who asked to save data only pays for it on a calculator page.
    const saveData = navigator.connection && navigator.connection.saveData;
    if (sections.length || (document.querySelector(".gl-chrome") && !saveData)) startRuntime();
  }

  window.addEventListener("hashchange", function () {
    for (const calculator of calculators) {
      if (calculator.section.isConnected) calculator.fromFragment(location.hash);
    }
  });
  document.addEventListener("gl-audience-change", function () {
    for (const calculator of calculators) calculator.render();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
