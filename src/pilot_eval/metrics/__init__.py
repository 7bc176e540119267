"""Metrics: cost, reach, outcomes, value for money and the scorecard (DESIGN §3)."""
