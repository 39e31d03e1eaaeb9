"""Standard formats a guideline is published in, for tools other than this site's calculator."""
