"""How many examples a Hypothesis property draws in each tier.

A property over a large case space runs twice: its full count as a test marked ``slow`` (``make
test`` runs it), and a sample of :data:`FAST_EXAMPLES` in the fast tier (``make test-fast``),
drawn by the same strategy with the same settings otherwise::

    EVERY_CASE = settings(max_examples=6_000, derandomize=True, deadline=None)

    @pytest.mark.slow
    @EVERY_CASE
    @given(case=CASES)
    def test_every_case_is_safe(case): check(case)

    @sample(EVERY_CASE)
    @given(case=CASES)
    def test_a_sample_of_cases_is_safe(case): check(case)
"""

from __future__ import annotations

from hypothesis import settings

FAST_EXAMPLES = 50


def sample(full: settings, examples: int = FAST_EXAMPLES) -> settings:
    """``full``'s settings with at most ``examples`` examples: the fast tier's sample of a
    property whose full count runs in the slow tier."""
    return settings(full, max_examples=min(examples, full.max_examples))
