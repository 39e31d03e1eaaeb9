"""Standard formats out of the decision model: the tables as DMN 1.3 (``dmn.py``), their cells
as DMN unary tests with DMN's null semantics (``feel.py``)."""

from build_tools.interchange.dmn import DMN_NAMESPACE, dmn_path, dmn_xml

__all__ = ["DMN_NAMESPACE", "dmn_path", "dmn_xml"]
