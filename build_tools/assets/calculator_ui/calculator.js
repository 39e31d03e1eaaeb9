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
  const WORKER = "assets/calculator/worker.js";
  const URL_DELAY_MS = 250;
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
    const url = new URL(WORKER, SITE_ROOT);
    const onError = function (event) {
      event.preventDefault();
      // Only a worker that never started gets here (its own errors are caught and posted).
      diagnoseWorker(url).then(fail);
    };
    // Started from <head> by boot.js: take it over, with what it said meanwhile.
    const boot = window.__glCalculatorBoot;
    delete window.__glCalculatorBoot;
    if (boot && boot.worker && boot.url.href === url.href) {
      runtime.worker = boot.worker;
      runtime.timings.workerStarted = boot.startedAt;
      runtime.worker.onmessage = onWorkerMessage;
      runtime.worker.onerror = onError;
      for (const event of boot.events) {
        if (event.type === "error") onError(event);
        else onWorkerMessage(event);
      }
      changed();
      return;
    }
    runtime.timings.workerStarted = performance.now();
    try {
      runtime.worker = new Worker(url, { type: "module" });
    } catch (error) {
      return fail("the browser refused to start the calculator (" + error.message + ")");
    }
    runtime.worker.onmessage = onWorkerMessage;
    runtime.worker.onerror = onError;
    runtime.worker.postMessage({ type: "init", siteRoot: SITE_ROOT, manifest: MANIFEST });
    changed();
  }

  function onWorkerMessage(event) {
    const message = event.data || {};
    if (message.id !== undefined) {
      const request = runtime.requests.get(message.id);
      runtime.requests.delete(message.id);
      if (request) request(message.json !== undefined ? JSON.parse(message.json) : message);
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
          '"; configure text/javascript for .js files'
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
    // offline.js waits for this before saving the runtime for offline use: a second download
    // of the same files while the worker is fetching them would double the traffic.
    if (runtime.state !== "loading") document.dispatchEvent(new CustomEvent("gl-runtime-settled"));
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
  // Rank labels say whose ranking it is: the source's, which predates current practice.
  const RANKS = {
    preferred: ["First choice in the source", "The source's first choice"],
    alternative: ["Other option in the source", "Other options in the source"],
  };
  const CONDITIONAL = [
    "Depends on findings not stated",
    "Depends on questions not yet answered",
  ];
  const NEWER = ["Newer guidance, not this guideline's recommendation", "Newer guidance, not this guide's advice"];

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
    this.urlTimer = null; // a case not yet in the address bar (see fromForm)
    this.pathname = location.pathname;
    this.openWhy = new Set();
    this.cache = new Map(); // rendered nodes by key, with the data they show (see keyed)
    this.shown = null; // during a render: the previous render's cache
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
    clearTimeout(this.urlTimer); // the address bar is the case now
    this.urlTimer = null;
    const params = new URLSearchParams(text);
    for (const input of this.data.inputs) {
      const value = params.has(input.name) ? params.get(input.name) : defaultText(input);
      this.setControl(input, value === "null" ? "" : value);
    }
    this.compute(params.toString());
  };

  // The form -> compute, then the fragment. The address bar follows the case a moment after
  // the edits stop (URL_DELAY_MS): replaceState costs ~1.5 ms and makes Chromium ask for the
  // favicon again, on every keystroke; a link copied a moment later is the same link.
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
    this.compute(fragment);
    clearTimeout(this.urlTimer);
    const self = this;
    this.urlTimer = setTimeout(function () {
      self.writeUrl();
    }, URL_DELAY_MS);
  };

  // The case into the address bar (replaceState: no navigation, no request), if it is pending
  // and this page is still the one shown (instant navigation may have moved on).
  Calculator.prototype.writeUrl = function () {
    if (this.urlTimer === null) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = null;
    if (!this.section.isConnected || location.pathname !== this.pathname) return;
    const fragment = this.fragment || "";
    if (location.hash.replace(/^#/, "") === fragment) return;
    history.replaceState(history.state, "", location.pathname + location.search +
      (fragment ? "#" + fragment : ""));
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

  // Rendering is incremental. Each block of the results, and each item in it, is keyed by the
  // data it shows (and the wording): what did not change keeps its DOM nodes, so an edit that
  // changes one dose redraws that dose's item, not the forty around it (measured: a render
  // 5.4 -> 1.1 ms), and an open "Why" stays open. A changed item is built anew, never patched.
  Calculator.prototype.render = function () {
    const answer = this.last;
    const result = answer && !answer.error ? answer.result : null;
    let summary = "";
    if (!answer) {
      summary = this.fragment
        ? ""
        : words([
            "Fill in the case to see the recommendations.",
            "Answer the questions to see what the guideline suggests.",
          ]);
    } else if (answer.error) {
      summary = "The calculator could not compute this case: " + answer.error + ".";
    } else {
      summary = words(STATUS[result.status] || [result.status, result.status]);
    }
    if (this.summary.textContent !== summary) this.summary.textContent = summary;
    setData(this.section, "status", result ? result.status : null);

    this.shown = this.cache;
    this.cache = new Map();
    const blocks = [];
    if (result) {
      blocks.push(this.noticesBlock(result.notices));
      blocks.push(this.errorsBlock(result.errors));
      if (result.status !== "invalid") {
        // What to establish first, then what holds whatever the answers, then what depends on
        // them, then the rest.
        blocks.push(this.asksBlock(result.workup));
        blocks.push(this.prognosisBlock(result));
        for (const [key, title] of LISTS) {
          blocks.push(this.listBlock(result, key, title));
          if (key === "recommendations") blocks.push(this.conditionalBlock(result.conditional));
        }
        blocks.push(this.printReferencesBlock(result));
      }
    }
    this.showFieldErrors(result ? result.errors : []);
    place(this.output, blocks.filter(Boolean));
    this.renderPrint(result ? answer : null);
    this.shown = null;
    // Last: the case shown (tests and benchmarks wait on it).
    setData(this.section, "renderedCase", result ? answer.fragment : null);
  };

  // The node for `key` showing `data`: the one on screen if it showed the same data in the same
  // wording, else build(). Only what this render asks for stays cached.
  Calculator.prototype.keyed = function (key, data, build) {
    const signature = (patient() ? "p" : "c") + JSON.stringify(data);
    const shown = this.shown && this.shown.get(key);
    const node = shown && shown.signature === signature ? shown.node : build.call(this);
    this.cache.set(key, { signature: signature, node: node });
    return node;
  };

  // Errors beside their fields; the ones without a field (or a field not on the form) in a list.
  Calculator.prototype.showFieldErrors = function (errors) {
    const messages = new Map();
    for (const error of errors || []) {
      const slot = this.errorSlot(error.field);
      if (slot) messages.set(slot, (messages.has(slot) ? messages.get(slot) + " " : "") + error.message);
    }
    for (const slot of this.form.querySelectorAll(".gl-field-error")) {
      const text = messages.get(slot) || "";
      if (slot.textContent !== text) slot.textContent = text;
      const control = this.control(slot.closest(".gl-field").dataset.field);
      if (!control || !control.setAttribute) continue;
      if (text) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  };

  Calculator.prototype.errorSlot = function (name) {
    const control = name ? this.control(name) : null;
    const field = control && control.closest ? control.closest(".gl-field") : null;
    return field ? field.querySelector(".gl-field-error") : null;
  };

  Calculator.prototype.errorsBlock = function (errors) {
    const general = [];
    for (const error of errors || []) {
      if (!this.errorSlot(error.field)) general.push(error.message);
    }
    if (!general.length) return null;
    return this.keyed("errors", general, function () {
      const list = el("ul", "gl-calculator-errors");
      for (const message of general) list.appendChild(el("li", "", message));
      return list;
    });
  };

  // Every result carries its notices (the source's age, the review status): shown first, and
  // printed with the case.
  Calculator.prototype.noticesBlock = function (notices) {
    if (!notices || !notices.length) return null;
    return this.keyed("notices", notices, function () {
      const block = el("section", "gl-result-block gl-result-notices");
      block.setAttribute("aria-label", words(["Notices", "Please note"]));
      for (const notice of notices) {
        const line = el("p", "gl-result-notice gl-result-notice--" + notice.id);
        line.appendChild(el("span", "", patient() ? notice.patient_text : notice.text));
        if (notice.citations && notice.citations.length) line.appendChild(this.citations(notice.citations));
        block.appendChild(line);
      }
      return block;
    });
  };

  // Items that hold only under some answers to findings the case leaves unknown, grouped by the
  // answers they need ("If visceral crisis is yes"). They are never among the advice above.
  Calculator.prototype.conditionalBlock = function (groups) {
    if (!groups || !groups.length) return null;
    const conditions = groups.map(function (group) {
      return this.conditionText(group.when);
    }, this);
    const block = this.keyed("conditional", conditions, function () {
      const block = el("section", "gl-result-block gl-result-conditional");
      block.appendChild(el("h3", "", words(CONDITIONAL)));
      block.appendChild(
        el(
          "p",
          "gl-result-conditional-note",
          words([
            "These hold only under the answers shown: establish the findings above to settle them.",
            "These apply only if the answers are as shown: your care team needs to find them out first.",
          ]),
        ),
      );
      block.lists = conditions.map(function (text) {
        block.appendChild(el("h4", "gl-result-condition", text));
        return block.appendChild(el("ul", "gl-result-items"));
      });
      return block;
    });
    groups.forEach(function (group, index) {
      place(block.lists[index], this.items("conditional-" + index, group.items));
    }, this);
    return block;
  };

  // "If visceral crisis is yes and bulky disease is no, or if ...".
  // The findings in the order of the form, each "is yes" or "is no".
  Calculator.prototype.conditionText = function (when) {
    const self = this;
    const order = this.data.inputs.map(function (input) {
      return input.name;
    });
    const alternatives = when.map(function (cube) {
      return Object.keys(cube)
        .sort(function (a, b) {
          return order.indexOf(a) - order.indexOf(b);
        })
        .map(function (name) {
          return lowerFirst(self.label(name)) + " is " + (cube[name] ? "yes" : "no");
        })
        .join(" and ");
    });
    return "If " + alternatives.join(", or if ");
  };

  Calculator.prototype.prognosisBlock = function (result) {
    const reasons = result.prognosis_reasons || [];
    if (result.prognosis === null && !reasons.length) return null;
    const block = this.keyed("prognosis", [result.prognosis, reasons.length > 0], function () {
      const block = el("section", "gl-result-block gl-result-prognosis");
      block.appendChild(el("h3", "", words(["Prognosis", "Outlook"])));
      if (result.prognosis !== null) {
        block.appendChild(el("p", "gl-result-prognosis-value", humanize(result.prognosis)));
      }
      block.lists = reasons.length ? [block.appendChild(el("ul", "gl-result-items"))] : [];
      return block;
    });
    if (reasons.length) place(block.lists[0], this.items("prognosis_reasons", reasons));
    return block;
  };

  // The findings the case does not state and that decide something: first, each with a way to
  // answer it in the form. (They are work-up items of the result: listed here, not again.)
  Calculator.prototype.asksBlock = function (workup) {
    const asks = (workup || []).filter(function (item) {
      return item.field;
    });
    if (!asks.length) return null;
    const block = this.keyed("list:asks", [], function () {
      const block = el("section", "gl-result-block gl-result-asks");
      block.appendChild(el("h3", "", words(["Findings to establish", "Questions to answer first"])));
      block.lists = [block.appendChild(el("ul", "gl-result-items"))];
      return block;
    });
    place(block.lists[0], this.items("asks", asks));
    return block;
  };

  Calculator.prototype.listBlock = function (result, key, title) {
    let all = result[key] || [];
    if (key === "workup") {
      all = all.filter(function (item) {
        return !item.field; // shown first, in the asks block
      });
    }
    if (!all.length) return null;
    // Recommendations: preferred first, then alternatives (the runtime sorts them this way).
    const groups =
      key === "recommendations"
        ? ["preferred", "alternative", null].map(function (rank) {
            return [
              rank,
              all.filter(function (item) {
                return rank ? item.rank === rank : !RANKS[item.rank];
              }),
            ];
          })
        : [[null, all]];
    const shown = groups.filter(function (group) {
      return group[1].length > 0;
    });
    // The block and its headings stay while the same groups show; the items inside them are
    // placed one by one (a changed item replaces its old node, the others stay untouched).
    const ranks = shown.map(function (group) {
      return group[0];
    });
    const block = this.keyed("list:" + key, ranks, function () {
      const block = el("section", "gl-result-block gl-result-" + key.replace(/_/g, "-"));
      block.appendChild(el("h3", "", words(title)));
      block.lists = ranks.map(function (rank) {
        if (rank) block.appendChild(el("h4", "gl-result-rank", words(RANKS[rank])));
        return block.appendChild(el("ul", "gl-result-items"));
      });
      return block;
    });
    shown.forEach(function (group, index) {
      place(block.lists[index], this.items(key, group[1]));
    }, this);
    return block;
  };

  // The nodes of a list's items: those already shown with the same data, the rest built.
  Calculator.prototype.items = function (list, items) {
    const nodes = [];
    for (const item of items) {
      let key = "item:" + list + "/" + item.id;
      while (this.cache.has(key)) key += "+"; // the same item twice in one list
      const node = this.keyed(key, item, function () {
        return this.itemElement(item, list.indexOf("conditional") === 0);
      });
      // The case values behind it change more often than the item (every dose edit changes the
      // weight shown in the "Why" of each item its table made): they update only its "Why".
      node.why.show(this.traceInputs(item.table));
      nodes.push(node);
    }
    return nodes;
  };

  Calculator.prototype.traceInputs = function (table) {
    if (!table) return {};
    const entry = (this.last.result.trace || []).find(function (step) {
      return step.table === table;
    });
    return (entry && entry.inputs) || {};
  };

  // `ranked`: say the rank in the item (outside the recommendations block, which has headings).
  Calculator.prototype.itemElement = function (item, ranked) {
    const node = el("li", "gl-result-item");
    node.dataset.item = item.id;
    const text = node.appendChild(el("p", "gl-result-text"));
    if (ranked && RANKS[item.rank]) {
      text.appendChild(el("span", "gl-badge gl-badge--rank", words(RANKS[item.rank])));
      text.appendChild(document.createTextNode(" "));
    }
    if (item.origin === "newer_guidance") {
      text.appendChild(el("span", "gl-badge gl-badge--newer", words(["Newer guidance", "Newer guidance"])));
      text.appendChild(document.createTextNode(" "));
    }
    text.appendChild(document.createTextNode(patient() ? item.patient_text : item.text));
    if (item.field) {
      // A finding the case does not state: a way to answer it in the form.
      const answer = el("button", "gl-result-answer", words(["Answer in the form", "Answer this question"]));
      answer.type = "button";
      const self = this;
      answer.addEventListener("click", function () {
        const control = self.control(item.field);
        if (control && control.focus) {
          control.scrollIntoView({ block: "center" });
          control.focus();
        }
      });
      node.appendChild(answer);
    }
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
    if (item.newer_guidance) {
      const pointer = el("div", "gl-result-newer");
      pointer.appendChild(el("p", "gl-result-newer-title", words(NEWER)));
      const body = pointer.appendChild(
        el("p", "", patient() ? item.newer_guidance.patient_text : item.newer_guidance.text),
      );
      if (item.newer_guidance.citations.length) body.appendChild(this.citations(item.newer_guidance.citations));
      node.appendChild(pointer);
    }
    node.why = node.appendChild(this.why(item));
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
  // Its content is built when it is first opened: most are never opened, and building them all
  // was most of a render's time (a render happens on every keystroke).
  Calculator.prototype.why = function (item) {
    const details = el("details", "gl-why");
    details.appendChild(el("summary", "", words(["Why", "Why is this shown?"])));
    const self = this;
    let inputs = null;
    let shown = null; // the inputs as JSON
    let facts = null;
    const fill = function () {
      if (facts || !details.open || !inputs) return;
      facts = details.appendChild(self.whyFacts(item, inputs));
    };
    // The values the item's table read in the result shown: content rebuilt when they change.
    details.show = function (values) {
      const text = JSON.stringify(values);
      if (text === shown) return;
      inputs = values;
      shown = text;
      if (facts) facts.remove();
      facts = null;
      fill();
    };
    details.addEventListener("toggle", function () {
      if (details.open) self.openWhy.add(item.id);
      else self.openWhy.delete(item.id);
      fill();
    });
    details.open = this.openWhy.has(item.id);
    return details;
  };

  Calculator.prototype.whyFacts = function (item, inputs) {
    const table = this.data.tables[item.table] || {};
    const facts = el("dl", "gl-why-facts");
    if (item.field) {
      facts.appendChild(el("dt", "", words(["Not stated", "Not answered"])));
      facts.appendChild(
        el(
          "dd",
          "",
          this.label(item.field) +
            words([
              ": the result is worked out under each answer and states only what holds either way.",
              ": the calculator works out each answer and only states what is true either way.",
            ]),
        ),
      );
      return facts;
    }
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
    const matched = el("ul", "gl-why-inputs");
    for (const name of Object.keys(inputs)) {
      const line = this.label(name) + " = " + this.valueText(name, inputs[name]);
      const li = el("li", "", line);
      if (conditions[name] !== undefined)
        li.appendChild(el("span", "gl-why-test", " (rule: " + conditions[name] + ")"));
      matched.appendChild(li);
    }
    if (matched.childNodes.length) add("Inputs", matched);
    return facts;
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
    if (!answer || !answer.case) {
      if (block.firstChild) block.replaceChildren();
      return;
    }
    // The link of the case shown (the address bar may not have caught up yet, see fromForm).
    const link = location.href.split("#")[0] + (answer.fragment ? "#" + answer.fragment : "");
    const content = this.keyed("print", [answer.case, link], function () {
      const content = document.createDocumentFragment();
      content.appendChild(el("h3", "", words(["Case summary", "Your answers"])));
      const list = el("dl", "gl-print-case");
      for (const input of this.data.inputs) {
        if (!Object.prototype.hasOwnProperty.call(answer.case, input.name)) continue;
        list.appendChild(el("dt", "", this.label(input.name)));
        list.appendChild(el("dd", "", this.valueText(input.name, answer.case[input.name])));
      }
      content.appendChild(list);
      content.appendChild(
        el(
          "p",
          "gl-print-meta",
          "Every other field: not stated (findings not known, results unknown). Guideline version " +
            this.data.version +
            ", last updated " +
            this.data.last_updated +
            ". Case link: " +
            link,
        ),
      );
      return Array.from(content.childNodes);
    });
    place(block, content);
  };

  // Printed instead of the links: the titles of the references the results cite.
  Calculator.prototype.printReferencesBlock = function (result) {
    const cited = new Set();
    const add = function (numbers) {
      for (const number of numbers || []) cited.add(number);
    };
    const items = [];
    for (const [key] of LISTS.concat([["prognosis_reasons"]])) items.push(...(result[key] || []));
    for (const group of result.conditional || []) items.push(...group.items);
    for (const item of items) {
      add(item.citations);
      if (item.newer_guidance) add(item.newer_guidance.citations);
    }
    for (const notice of result.notices || []) add(notice.citations);
    if (!cited.size) return null;
    const numbers = Array.from(cited).sort(function (a, b) {
      return a - b;
    });
    return this.keyed("print-references", numbers, function () {
      const block = el("div", "gl-print-only gl-print-cited");
      block.appendChild(el("h3", "", words(["References cited", "Sources"])));
      const list = el("ol", "gl-print-references");
      for (const number of numbers) {
        const reference = this.data.references[String(number)];
        const item = el("li", "", reference ? reference.title : "");
        item.value = number;
        list.appendChild(item);
      }
      block.appendChild(list);
      return block;
    });
  };

  // Make `nodes` the children of `parent`, touching only what differs (a node already in
  // place is neither removed nor re-inserted, so the browser does not restyle it).
  function place(parent, nodes) {
    const wanted = new Set(nodes);
    for (const child of Array.from(parent.childNodes)) {
      if (!wanted.has(child)) parent.removeChild(child);
    }
    nodes.forEach(function (node, index) {
      const current = parent.childNodes[index];
      if (current !== node) parent.insertBefore(node, current || null);
    });
  }

  // Set or remove a data attribute only when it changes (each change restyles the section).
  function setData(node, key, value) {
    if (value === null || value === undefined) {
      if (key in node.dataset) delete node.dataset[key];
    } else if (node.dataset[key] !== value) {
      node.dataset[key] = value;
    }
  }

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

  // "Visceral crisis" -> "visceral crisis" inside a sentence; "HER2 status" stays.
  function lowerFirst(text) {
    return text.length > 1 && text[1] === text[1].toUpperCase() && text[1] !== text[1].toLowerCase()
      ? text
      : text.charAt(0).toLowerCase() + text.slice(1);
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
    // The page whose calculator is on screen: a new fragment there is a new case.
    window.__glCalculator.showsPath = sections.length ? location.pathname : null;
    // A calculator page starts the runtime at once. Any other guideline page starts it only
    // once the browser is idle after the page has loaded, and not at all for a reader who
    // asked to save data (a phone on metered data reading one section must not download
    // ~5-13 MB): a calculator opened next is then already warm.
    if (sections.length) return startRuntime();
    const saveData = navigator.connection && navigator.connection.saveData;
    if (document.querySelector(".gl-chrome") && !saveData) whenIdleAfterLoad(startRuntime);
  }

  function whenIdleAfterLoad(callback) {
    const idle = function () {
      if ("requestIdleCallback" in window) window.requestIdleCallback(callback);
      else setTimeout(callback, 1000);
    };
    if (document.readyState === "complete") idle();
    else window.addEventListener("load", idle, { once: true });
  }

  // Before anything leaves the page (a click on a link, instant navigation included, or the
  // page being hidden), the address bar gets the case, so that "back" returns to it.
  function writeUrls() {
    for (const calculator of calculators) calculator.writeUrl();
  }
  document.addEventListener("click", writeUrls, true);
  window.addEventListener("pagehide", writeUrls);
  document.addEventListener("visibilitychange", writeUrls);

  function onFragment() {
    for (const calculator of calculators) {
      if (calculator.section.isConnected) calculator.fromFragment(location.hash);
    }
  }
  window.addEventListener("hashchange", onFragment);
  // fragment-guard.js (inline in every page's <head>) calls this instead of letting the
  // theme's instant navigation fetch the page again for a new fragment.
  window.__glCalculator.onFragment = onFragment;
  document.addEventListener("gl-audience-change", function () {
    for (const calculator of calculators) calculator.render();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  }
  // Also on our own: the theme's document$ does not fire for a page opened as a file, where the
  // calculator must still say why it cannot start. Mounting twice changes nothing.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
