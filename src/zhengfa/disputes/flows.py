"""The kinds of matter this app runs on the flow engine: disputes and petitions (信访).
Judicial confirmation (司法确认) of an agreement is a case of the courts module.

A dispute's mediation limit is not a stage limit here: it depends on the level of the
organisation holding it (``LevelLimit``), so the services start it when the dispute is
routed or escalated (purpose ``stage:mediating``, which ``matter_move`` stops on leaving).
"""

from __future__ import annotations

from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.org.roles import Role

DISPUTE_KIND = "dispute"
PETITION_KIND = "petition"
MEDIATING_CLOCK = "stage:mediating"

_HANDLERS = (Role.MEDIATOR, Role.DEPT_LIAISON, Role.CENTRE_OPERATOR, Role.POLICE_OFFICER)

DISPUTE = register(
    Kind(
        code=DISPUTE_KIND,
        label="矛盾纠纷 Dispute",
        initial="reported",
        stages=(
            Stage(
                "reported",
                "已登记 Reported",
                movers=(Role.GRID_WORKER, *_HANDLERS),
                next=("mediating", "concluded"),
            ),
            Stage("mediating", "调解中 Mediating", movers=_HANDLERS, next=("concluded",)),
            Stage(
                "concluded",
                "已调结待回访 Concluded, return visit due",
                movers=(Role.GRID_WORKER, *_HANDLERS),
                next=("closed",),
            ),
            Stage("closed", "已办结 Closed", terminal=True),
        ),
    )
)

_PETITION_HANDLERS = (Role.DEPT_LIAISON, Role.CENTRE_OPERATOR, Role.COMMISSION)

# 信访工作条例 (2022): register and route 15 days (art. 22), acceptance told 15 days
# (art. 23), handling 60 days + 30 (art. 34), review 30 (art. 35), re-review 30 (art. 36).
PETITION = register(
    Kind(
        code=PETITION_KIND,
        label="信访事项 Petition",
        initial="received",
        stages=(
            Stage(
                "received",
                "登记转送 Registering and routing",
                movers=_PETITION_HANDLERS,
                limit="petition.register",
                next=("accepting",),
            ),
            Stage(
                "accepting",
                "告知受理 Deciding acceptance",
                movers=_PETITION_HANDLERS,
                limit="petition.accept",
                next=("handling", "closed"),
            ),
            Stage(
                "handling",
                "办理 Handling",
                movers=_PETITION_HANDLERS,
                limit="petition.handle",
                next=("replied",),
            ),
            Stage(
                "replied",
                "已书面答复 Replied in writing",
                movers=_PETITION_HANDLERS,
                next=("review", "closed"),
            ),
            Stage(
                "review",
                "复查 Review",
                movers=_PETITION_HANDLERS,
                limit="petition.review.decide",
                next=("reviewed",),
            ),
            Stage(
                "reviewed",
                "已复查 Reviewed",
                movers=_PETITION_HANDLERS,
                next=("recheck", "closed"),
            ),
            Stage(
                "recheck",
                "复核 Re-review",
                movers=_PETITION_HANDLERS,
                limit="petition.recheck.decide",
                next=("closed",),
            ),
            Stage("closed", "已办结 Closed", terminal=True),
        ),
    )
)
