"""The MkDocs adapter: the only code that imports MkDocs. Thin hooks hand every stage to the
engine (:mod:`build_tools.pipeline`) and turn its files into MkDocs files."""
