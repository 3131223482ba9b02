"""The portal's kinds of matter on the flow engine.

- ``portal_service``: an item with a time promised by the hall or set by a statute other
  than the licensing law. The item's time runs as the matter's overall clock (a period
  set per item, ``matter_open(deadline=...)``); while the applicant supplies missing
  material the clock is paused, except for minute and hour items (即办件), which the legal
  clock cannot pause: those are refused with a reason and resubmitted.
- ``portal_licence``: an administrative licence (行政许可法 2019). Acceptance review has
  5 working days to tell the applicant everything missing at once (art. 32); the 20
  working-day decision limit runs from acceptance (art. 42), so time spent supplying
  material before acceptance is not counted; after acceptance only the procedures of
  art. 45 (hearing, testing, appraisal, expert review) pause it.
- ``portal_report``: a problem reported through Open311, in the grid it lies in.
- ``portal_accident``: a minor accident the drivers did not agree on, for an officer.
"""

from __future__ import annotations

from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.org.roles import Role

HANDLERS = (Role.POLICE_OFFICER, Role.DEPT_LIAISON)
REPORT_HANDLERS = (Role.CENTRE_OPERATOR, Role.DEPT_LIAISON, Role.POLICE_OFFICER)

SERVICE = register(
    Kind(
        code="portal_service",
        label="网上办事 Online service application",
        initial="received",
        stages=(
            Stage("received", "受理审查 Acceptance review", HANDLERS, ("processing", "refused")),
            Stage(
                "processing",
                "办理中 Processing",
                HANDLERS,
                ("supplement", "done", "refused"),
            ),
            Stage("supplement", "补正材料 Waiting for material", HANDLERS, ("processing",)),
            Stage("done", "已办结 Done", terminal=True),
            Stage("refused", "不予办理 Refused", terminal=True),
        ),
    )
)

LICENCE = register(
    Kind(
        code="portal_licence",
        label="行政许可 Administrative licence",
        initial="received",
        stages=(
            Stage(
                "received",
                "受理审查 Acceptance review",
                HANDLERS,
                ("supplement", "processing", "refused"),
                limit="licence.incomplete_notice",
            ),
            Stage("supplement", "补正材料 Waiting for material", HANDLERS, ("received",)),
            Stage(
                "processing",
                "审查决定 Review and decision",
                HANDLERS,
                ("done", "refused"),
                limit="licence.decide",
            ),
            Stage("done", "准予许可 Granted", terminal=True),
            Stage("refused", "不予许可 Refused", terminal=True),
        ),
    )
)

REPORT = register(
    Kind(
        code="portal_report",
        label="问题上报 Reported problem (Open311)",
        initial="open",
        stages=(
            Stage("open", "待处置 Open", REPORT_HANDLERS, ("done",)),
            Stage("done", "已处置 Closed", terminal=True),
        ),
    )
)

ACCIDENT = register(
    Kind(
        code="portal_accident",
        label="轻微交通事故争议 Disputed minor accident",
        initial="assigned",
        stages=(
            Stage("assigned", "交警认定 Officer determines", (Role.POLICE_OFFICER,), ("done",)),
            Stage("done", "已认定 Determined", terminal=True),
        ),
    )
)

# The time an officer has to settle a disputed online accident report: a promise of the
# hall (the procedure rules give the scene-based simple procedure no period in days).
ACCIDENT_DEADLINE = (3, "workdays")
