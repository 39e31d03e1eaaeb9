"""The review-status notice: what every guideline page and every result says about review.

Generated from ``review.status`` and ``version`` of a guideline's index.md, so it cannot drift
from the metadata; the page chrome shows it and the decision engine compiles it into results.
The chrome's first line says the same status in a few words (:func:`review_status_words`).
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


def review_status_words(status: str) -> tuple[str, str]:
    """The review status in a few words, the notice's meaning kept: (clinician, patient)."""
    if status == "approved":
        return "Approved by its reviewers", "Checked and approved by its reviewers"
    if status == "submitted":
        return (
            "Submitted, not yet reviewed, not approved",
            "Not yet checked or approved by its reviewers",
        )
    return "Under review, not approved", "Being checked, not yet approved by its reviewers"
