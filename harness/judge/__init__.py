"""`harness judge`: run a team's own integration against the sandboxes and prove, with
numbers, whether it carried the data intact and how it treated the vendors' APIs.

The command gets the sandboxes through environment variables (`harness.judge.env`), runs
bounded in time (`harness.judge.runner`), and is then judged twice: the reconciler compares
both systems through the flows' mappings (`harness.judge.verdict`), and the mocks' request
journals say what it did to the vendors (`harness.judge.usage`). Both feed one gate.
"""

from __future__ import annotations

from harness.judge.env import CA_BUNDLE_ENV, command_env, integration_env, write_dotenv
from harness.judge.runner import CommandResult, run_command
from harness.judge.session import JudgeOutcome, JudgeSettings, judge_in, run_judge, team_flows
from harness.judge.usage import Limits, SystemUsage
from harness.judge.webhooks import WEBHOOK_URL_ENV, WebhookPlan

__all__ = [
    "CA_BUNDLE_ENV",
    "WEBHOOK_URL_ENV",
    "CommandResult",
    "JudgeOutcome",
    "JudgeSettings",
    "Limits",
    "SystemUsage",
    "WebhookPlan",
    "command_env",
    "integration_env",
    "judge_in",
    "run_command",
    "run_judge",
    "team_flows",
    "write_dotenv",
]
