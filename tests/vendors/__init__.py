"""Scenarios of one vendor pack's own traps, run on a sandbox pair that includes it."""
