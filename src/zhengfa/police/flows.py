"""The police kinds of matter on the flow engine.

Incident clocks are minute clocks with targets an admin sets (``ResponseTarget``), so the
services start them themselves: ``stage:received`` (dispatch) and ``stage:dispatched``
(arrival), which ``matter_move`` stops on leaving the stage, and ``overall`` (closure),
which closing stops. A public-order case's limit depends on the day it was accepted
(2012 law or 2025 revision), so its service starts that clock too.
"""

from __future__ import annotations

from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.org.roles import Role

INCIDENT_KIND = "police_incident"
REFERRAL_KIND = "police_referral"
PUBLIC_ORDER_KIND = "public_order_case"
CRIMINAL_KIND = "criminal_case"

POLICE = (Role.POLICE_OFFICER,)
RECEIVERS = (Role.DEPT_LIAISON, Role.CENTRE_OPERATOR)

INCIDENT = register(
    Kind(
        code=INCIDENT_KIND,
        label="警情 Incident",
        initial="received",
        stages=(
            Stage("received", "已接警 Received", movers=POLICE, next=("dispatched",)),
            Stage("dispatched", "已派警 Dispatched", movers=POLICE, next=("on_scene",)),
            Stage("on_scene", "已到场 On scene", movers=POLICE, next=("closed",)),
            Stage("closed", "处置完毕 Closed", terminal=True),
        ),
    )
)

REFERRAL = register(
    Kind(
        code=REFERRAL_KIND,
        label="警情分流转办 Diverted incident",
        initial="handling",
        stages=(
            Stage("handling", "承办中 Handling", movers=RECEIVERS, next=("closed", "returned")),
            Stage("closed", "已办结 Closed", terminal=True),
            Stage("returned", "退回警务 Returned to the police", terminal=True),
        ),
    )
)

PUBLIC_ORDER = register(
    Kind(
        code=PUBLIC_ORDER_KIND,
        label="治安案件 Public-order case",
        initial="investigating",
        stages=(
            Stage("investigating", "办理中 Investigating", movers=POLICE, next=("decided",)),
            Stage("decided", "已决定 Decided", terminal=True),
        ),
    )
)

CRIMINAL = register(
    Kind(
        code=CRIMINAL_KIND,
        label="刑事案件 Criminal case",
        initial="registered",
        stages=(
            Stage("registered", "已立案 Registered", movers=POLICE, next=("solved", "closed")),
            Stage("solved", "已破案 Solved", movers=POLICE, next=("closed",)),
            Stage("closed", "已结案 Closed", terminal=True),
        ),
    )
)
