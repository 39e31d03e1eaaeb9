"""Standard formats a guideline is published in, for tools other than this site's calculator:
the tables as DMN 1.3 (``dmn.py``, their cells as DMN unary tests with DMN's null semantics in
``feel.py``), the case JSON Schema (``case_schema.py``), the references as CSL-JSON and RIS
(``references.py``), the case and the tables as a FHIR R4B bundle (``fhir.py``); ``exports.py``
lists what the site publishes."""

from build_tools.interchange.dmn import DMN_NAMESPACE, dmn_path, dmn_xml

__all__ = ["DMN_NAMESPACE", "dmn_path", "dmn_xml"]
