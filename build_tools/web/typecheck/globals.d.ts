// What the site's scripts share through `window` (classic scripts cannot import), and what the
// theme and the browser offer beyond the DOM library.

interface Window {
  /** The calculator's page modules (calculator-page.js), once loaded. */
  __glCalculator?: {
    runtime: import("../calculator_ui/runtime-client.js").Runtime;
    calculators: Set<import("../calculator_ui/case-section.js").CaseSection>;
    /** The path of the page whose calculator is on screen. */
    showsPath: string | null;
    onFragment: () => void;
  };
  /** The worker boot.js started from <head>, and what it said until the page takes it over. */
  __glCalculatorBoot?: {
    worker: Worker | null;
    url: URL;
    events: Event[];
    startedAt: number;
  };
  /** calculator.js: what must work without modules (the page's modules use it too). */
  __glCalculatorEntry?: {
    openedAsFile: string;
    failedStatus(reason: string): string;
    diagnoseScript(url: URL): Promise<string>;
  };
  /** offline.js: the service worker's state; `saved`: its status once the visit's saving is done. */
  __glOffline?: {
    state: string;
    status?: () => Promise<unknown>;
    saved?: unknown;
    error?: string;
  };
  /** mkdocs-material: every page it shows, instant navigation included. */
  document$?: { subscribe(next: (document: Document) => void): unknown };
}

interface Navigator {
  /** Network Information API (Chromium): `saveData` is the reader's "save data" setting. */
  connection?: { saveData?: boolean };
}
