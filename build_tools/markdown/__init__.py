"""The Markdown dialect of guideline pages, parsed with markdown-it-py.

``parser.make_parser()`` builds the one parser every page goes through; the syntax extensions
(citations, audience blocks, anchored points, directives) each live in a small
``xxx_plugin(md)`` module beside it.
"""
