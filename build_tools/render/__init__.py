"""Rendering: page bodies (markdown-it-py tokens to HTML), citations, the reference list and the
page chrome (review status, version, audience switch, related topics, disclaimer)."""
