"""The hazard's way through the flow engine: rectify on the clock, then verify.

The rectification limit depends on the hazard's severity (``RectificationLimit``, data an
admin edits), so the services start it themselves with purpose ``stage:rectifying``, which
``matter_move`` stops when the matter leaves that stage. A verification that fails sends
the matter back to rectifying with a fresh clock.
"""

from __future__ import annotations

from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.org.roles import Role

HAZARD_KIND = "hazard"
RECTIFYING = "rectifying"
VERIFYING = "verifying"
CLOSED = "closed"
RECTIFY_CLOCK = f"stage:{RECTIFYING}"

# Who records a rectification, and who may verify one (never the rectifier himself).
RECTIFIERS = (Role.GRID_WORKER, Role.POLICE_OFFICER, Role.CENTRE_OPERATOR, Role.DEPT_LIAISON)
VERIFIERS = (*RECTIFIERS, Role.COMMISSION)

HAZARD = register(
    Kind(
        code=HAZARD_KIND,
        label="安全隐患 Safety hazard",
        initial=RECTIFYING,
        stages=(
            Stage(RECTIFYING, "整改中 Rectifying", movers=RECTIFIERS, next=(VERIFYING,)),
            Stage(
                VERIFYING,
                "待核查 Awaiting verification",
                movers=VERIFIERS,
                next=(CLOSED, RECTIFYING),
            ),
            Stage(CLOSED, "已销号 Verified and closed", terminal=True),
        ),
    )
)
