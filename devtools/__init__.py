"""Developer tools, not shipped with the engine: the static server of `make serve`, the
headless Chromium of the tests, the subprocess build, the screenshots and the DMN second opinion."""
