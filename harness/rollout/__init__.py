"""Phased rollout: shadow, a pilot segment, departments, everyone; each phase gated."""

from harness.config.rollout import Gate, Phase, RolloutConfig, SegmentRule, build_rollout
from harness.rollout.phases import (
    GateCheck,
    RolloutRefused,
    Standing,
    advance,
    capped_mode,
    hold,
    segmented,
    standing,
)

__all__ = [
    "Gate",
    "GateCheck",
    "Phase",
    "RolloutConfig",
    "RolloutRefused",
    "SegmentRule",
    "Standing",
    "advance",
    "build_rollout",
    "capped_mode",
    "hold",
    "segmented",
    "standing",
]
