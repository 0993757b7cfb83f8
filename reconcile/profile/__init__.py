"""Data-quality profiling of one system: what its records hold, and what is wrong with them.

report = profile_system(connector, "Account", system="crm", hints=hints)
paths = write_profile_reports(report, Path("reports"))
"""

from __future__ import annotations

from reconcile.profile.duplicates import find_clusters, name_key
from reconcile.profile.model import DuplicateGroup, FieldProfile, Issue, ProfileReport
from reconcile.profile.profiler import ProfileHints, profile_records, profile_system
from reconcile.profile.writers import render_markdown, write_profile_reports

__all__ = [
    "DuplicateGroup",
    "FieldProfile",
    "Issue",
    "ProfileHints",
    "ProfileReport",
    "find_clusters",
    "name_key",
    "profile_records",
    "profile_system",
    "render_markdown",
    "write_profile_reports",
]
