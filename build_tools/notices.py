"""The review-status notice: what every guideline page and every result says about review.

Generated from ``review.status`` and ``version`` of a guideline's index.md, so it cannot drift
from the metadata; the page chrome shows it and the decision engine compiles it into results.
"""

from __future__ import annotations

REVIEW_NOTICE_ID = "review-status"


def review_notice(status: str, version: str) -> tuple[str, str]:
    """The review status as a notice: (clinician wording, patient wording)."""
    if status == "approved":
        return (
            f"Review status of version {version}: approved by the guideline's reviewers.",
            f"Version {version} of this guide has been checked and approved by its reviewers.",
        )
    stage = "submitted, not yet reviewed" if status == "submitted" else "under review"
    return (
        f"Review status of version {version}: {stage}, not approved. Check each recommendation "
        "against its sources before use.",
        f"Version {version} of this guide is {stage}: its reviewers have not approved it yet. "
        "Talk to your care team before acting on it.",
    )
