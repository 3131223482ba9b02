"""The table of statutory time limits: one :class:`LimitRule` per limit, by stable code.

Statute abbreviations follow legal-time-limits §0: CPL = 民事诉讼法 (2023 amendment, in force
2024-01-01); Civil Interp. = 民诉法解释 (2022); CrimPL = 刑事诉讼法 (2018); Crim. Interp. =
刑诉法解释 (法释〔2021〕1号); ALL = 行政诉讼法 (2017); Admin Interp. = 行诉法解释 (2018);
SPC-2000 = 关于严格执行案件审理期限制度的若干规定; SPC-2019 = 关于严格规范民商事案件延长审限和
延期开庭问题的规定; SPC-2006-Exec = 关于人民法院办理执行案件若干期限的规定 (法发〔2006〕35号).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhengfa.clock.errors import UnknownRule
from zhengfa.clock.periods import MonthRule, Period, Unit


class Approver(StrEnum):
    """Who approves an extension (延长). Court levels rank in this order; a higher court
    level may approve what a lower one may."""

    STATUTORY = "statutory"  # no approval: the statute's own condition (e.g. CrimPL art. 220)
    TRIAL_COURT = "trial_court"  # the trial court itself, on request (e.g. CPL art. 285)
    DIVISION_PRESIDENT = "division_president"  # 庭长
    COURT_PRESIDENT = "court_president"  # 院长
    HIGHER_COURT = "higher_court"  # 上一级人民法院
    HIGH_COURT = "high_court"  # 高级人民法院
    SUPREME_COURT = "supreme_court"  # 最高人民法院
    AGENCY_HEAD = "agency_head"  # 行政机关负责人 / 信访 handling body's head
    HIGHER_AGENCY = "higher_agency"  # 上一级公安机关
    COUNTY = "county"  # 县级以上人民政府 / 县级以上公安机关负责人


COURT_LADDER = (
    Approver.STATUTORY,
    Approver.TRIAL_COURT,
    Approver.DIVISION_PRESIDENT,
    Approver.COURT_PRESIDENT,
    Approver.HIGHER_COURT,
    Approver.HIGH_COURT,
    Approver.SUPREME_COURT,
)

APPROVER_ZH = {
    Approver.STATUTORY: "依法律规定的条件",
    Approver.TRIAL_COURT: "本院决定",
    Approver.DIVISION_PRESIDENT: "庭长批准",
    Approver.COURT_PRESIDENT: "本院院长批准",
    Approver.HIGHER_COURT: "上一级人民法院批准",
    Approver.HIGH_COURT: "高级人民法院批准",
    Approver.SUPREME_COURT: "最高人民法院批准",
    Approver.AGENCY_HEAD: "本机关负责人批准",
    Approver.HIGHER_AGENCY: "上一级公安机关批准",
    Approver.COUNTY: "县级以上机关负责人批准",
}


def approver_satisfies(given: Approver, required: Approver) -> bool:
    """Exact level, or a higher court level where both are courts."""
    if given is required:
        return True
    if given in COURT_LADDER and required in COURT_LADDER:
        return COURT_LADDER.index(given) >= COURT_LADDER.index(required)
    return False


@dataclass(frozen=True)
class ExtensionStep:
    """One rung of the extension ladder. ``max_amount`` None: the law fixes no length.
    ``sets_total``: the step raises the whole period to this (e.g. 20 days → 1.5 months)."""

    approver: Approver
    citation: str
    max_amount: Period | None = None
    repeatable: bool = False
    sets_total: tuple[Period, ...] = ()
    condition_en: str = ""


@dataclass(frozen=True)
class ExcludedReason:
    """A lawful reason why days do not count (扣除) or the clock stops running (中止)."""

    code: str
    zh: str
    en: str
    citation: str


@dataclass(frozen=True)
class RequestDeadlines:
    """An extension request must be filed ``request_days_before`` days before expiry and
    decided ``decision_days_before`` days before it (legal-time-limits §5.4)."""

    request_days_before: int
    decision_days_before: int | None
    citation: str


@dataclass(frozen=True)
class LimitRule:
    code: str
    title_zh: str
    title_en: str
    period: tuple[Period, ...]
    trigger_en: str
    trigger_zh: str
    citations: tuple[str, ...]
    month_rule: MonthRule = MonthRule.CIVIL
    rolls: bool = True  # last-day holiday roll (CPL art. 85(3) and counterparts)
    custody_no_roll: bool = False  # CrimPL art. 105(4): no roll while in custody
    extensions: tuple[ExtensionStep, ...] = ()
    cap: tuple[Period, ...] = ()  # cumulative maximum, if the law sets one
    excluded: tuple[ExcludedReason, ...] = ()
    deadlines: RequestDeadlines | None = None
    effective_from: date = date(1900, 1, 1)
    effective_to: date | None = None
    transition: str = ""
    verified: bool = True
    uncertainties: tuple[str, ...] = ()
    invariable: bool = False  # 不变期间: no suspension, interruption or extension

    def applies_on(self, day: date) -> bool:
        ends = self.effective_to or date.max
        return self.effective_from <= day <= ends

    def period_en(self) -> str:
        return " + ".join(p.en() for p in self.period)

    def period_zh(self) -> str:
        return "".join(p.zh() for p in self.period)


def _p(amount: int, unit: Unit) -> tuple[Period, ...]:
    return (Period(amount, unit),)


D, W, M, Y, H = Unit.DAYS, Unit.WORKDAYS, Unit.MONTHS, Unit.YEARS, Unit.HOURS

# Lawful reasons why days do not count (扣除) or the clock stops (中止).
NOTICE = ExcludedReason(
    "notice_period", "公告期间", "notice period", "Civil Interp. art. 243; Admin Interp. art. 50"
)
APPRAISAL = ExcludedReason(
    "appraisal", "鉴定期间", "appraisal", "Civil Interp. art. 243; Admin Interp. art. 50"
)
SETTLEMENT = ExcludedReason(
    "settlement", "双方当事人和解期间", "parties' settlement period", "Civil Interp. art. 243"
)
JURIS_OBJECTION = ExcludedReason(
    "jurisdiction_objection",
    "审理当事人提出的管辖异议期间",
    "jurisdiction objection",
    "Civil Interp. art. 243; Admin Interp. art. 50; SPC-2000 art. 9(7)",
)
JURIS_DISPUTE = ExcludedReason(
    "jurisdiction_dispute",
    "处理人民法院之间的管辖争议期间",
    "jurisdiction dispute between courts",
    "Civil Interp. art. 243; Admin Interp. art. 50; SPC-2000 art. 9(7)",
)
SUSPENSION = ExcludedReason(
    "suspension",
    "中止诉讼(审理)期间",
    "suspension until resumption",
    "SPC-2000 art. 9(9); Admin Interp. art. 50; CrimPL art. 206(2)",
)
MEDIATION_OVERRUN = ExcludedReason(
    "mediation_overrun",
    "委托调解超过15日(简易程序7日)的期间",
    "entrusted mediation beyond 15 days (simple procedure: 7)",
    "SPC 特邀调解规定 (2016) art. 27; 在线调解规则 (2021) art. 24",
)
MEDIATION = ExcludedReason("mediation", "调解期间", "mediation", "Admin Interp. art. 50")
RELATED_CIVIL = ExcludedReason(
    "related_civil_dispute",
    "审理相关民事争议的期间",
    "time spent on a related civil dispute",
    "Admin Interp. art. 138",
)
PSYCH_EXAM = ExcludedReason(
    "psychiatric_exam",
    "对被告人作精神病鉴定的期间",
    "psychiatric examination of the defendant",
    "CrimPL art. 149; SPC-2000 art. 9(1)",
)
NEW_COUNSEL = ExcludedReason(
    "new_counsel",
    "另行委托、指定辩护人的准备期间(至多10日)",
    "up to 10 days for a new defence lawyer to prepare",
    "SPC-2000 art. 9(2)",
)
SUPPLEMENTARY = ExcludedReason(
    "supplementary_investigation",
    "补充侦查期间",
    "adjournment for supplementary investigation (the limit is recomputed on re-transfer)",
    "CrimPL art. 208(3); SPC-2000 art. 9(3)",
)
PROCURATORATE_REVIEW = ExcludedReason(
    "procuratorate_review",
    "人民检察院查阅案卷的期间",
    "procuratorate file review (second instance), from the day after notice",
    "Crim. Interp. art. 396; SPC-2000 art. 9(4)",
)
AUDIT = ExcludedReason(
    "audit_valuation",
    "审计、评估、资产清理期间",
    "audit, valuation and asset clean-up",
    "SPC-2000 art. 9(8)",
)
ENFORCEMENT_DEFERRED = ExcludedReason(
    "enforcement_deferred",
    "执行和解或者提供担保后暂缓执行的期间",
    "enforcement deferred after a settlement or guarantee",
    "SPC-2000 art. 9(10)",
)
AUCTION = ExcludedReason(
    "auction", "拍卖、变卖期间", "auction or sale in enforcement", "SPC-2000 art. 9(12)"
)
HIGHER_DEFERRAL = ExcludedReason(
    "higher_court_deferral",
    "上级人民法院通知暂缓执行的期间",
    "deferral ordered by a higher court",
    "SPC-2000 art. 9(11)",
)
LICENCE_EXCLUDED = ExcludedReason(
    "licence_procedure",
    "听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审的时间",
    "hearing, tendering, auction, testing, quarantine, appraisal, expert review",
    "行政许可法 (2019) art. 45",
)
PUBLIC_ORDER_APPRAISAL = ExcludedReason(
    "appraisal", "鉴定期间", "appraisal", "治安管理处罚法 (2012) art. 99"
)
PUBLIC_ORDER_2025_EXCLUDED = ExcludedReason(
    "appraisal_or_hearing",
    "鉴定、听证期间",
    "appraisal and hearing (reported; text not verified)",
    "治安管理处罚法 (2025 revision), case-handling-period article (reported as art. 118)",
)
PETITION_HEARING = ExcludedReason("hearing", "听证时间", "hearing", "信访工作条例 (2022) art. 36")

CIVIL_TRIAL_EXCLUDED = (
    NOTICE,
    APPRAISAL,
    SETTLEMENT,
    JURIS_OBJECTION,
    JURIS_DISPUTE,
    SUSPENSION,
    MEDIATION_OVERRUN,
)
ADMIN_TRIAL_EXCLUDED = (
    NOTICE,
    APPRAISAL,
    MEDIATION,
    SUSPENSION,
    JURIS_OBJECTION,
    JURIS_DISPUTE,
    RELATED_CIVIL,
)
CRIMINAL_TRIAL_EXCLUDED = (PSYCH_EXAM, SUSPENSION, NEW_COUNSEL, SUPPLEMENTARY)
ENFORCEMENT_EXCLUDED = (SUSPENSION, AUDIT, ENFORCEMENT_DEFERRED, HIGHER_DEFERRAL, AUCTION)

CIVIL_DEADLINES = RequestDeadlines(15, 5, "SPC-2019 art. 1 (replaces SPC-2000 art. 12)")
CRIMINAL_DEADLINES = RequestDeadlines(
    15, 5, "Crim. Interp. (2021) art. 210(2) (replaces SPC-2000 art. 11)"
)
ADMIN_DEADLINES = RequestDeadlines(10, 3, "SPC-2000 arts. 13, 14 (no later rule found)")
ENFORCEMENT_DEADLINES = RequestDeadlines(
    5, None, "SPC-2006-Exec art. 1 (request within 5 days before expiry)"
)
TRIAL_START_ZH = "立案之日"
TRIAL_START_EN = "the day after 立案 (case registration)"
ROLL_BY_ANALOGY = (
    "the regulation has no own period rule; the CPL holiday roll is applied by analogy "
    "(legal-time-limits §6)"
)
SPC_2000_LENGTH = (
    "the length of a further extension is not fixed by statute; SPC-2000 art. 2 said 3 months"
)


def _civil() -> list[LimitRule]:
    president_6m = ExtensionStep(
        Approver.COURT_PRESIDENT, "CPL (2023) art. 152", max_amount=Period(6, M)
    )
    higher = ExtensionStep(
        Approver.HIGHER_COURT, "CPL (2023) art. 152; SPC-2000 art. 2", repeatable=True
    )
    return [
        LimitRule(
            "civil.filing.decide",
            "决定是否立案",
            "decide whether to register a complaint",
            _p(7, D),
            "receipt of the complaint (after 补正: the day after it is filed)",
            "收到起诉状之日",
            ("CPL (2023) art. 126", "Civil Interp. (2022) arts. 126, 208"),
        ),
        LimitRule(
            "civil.complaint.serve",
            "发送起诉状副本",
            "serve the complaint copy",
            _p(5, D),
            "立案",
            "立案之日",
            ("CPL (2023) art. 128",),
        ),
        LimitRule(
            "civil.answer",
            "被告答辩",
            "defendant's answer",
            _p(15, D),
            "receipt of the complaint copy",
            "收到起诉状副本之日",
            ("CPL (2023) art. 128",),
        ),
        LimitRule(
            "civil.answer.foreign",
            "涉外被告答辩",
            "answer by a defendant with no PRC domicile",
            _p(30, D),
            "receipt of the complaint copy",
            "收到起诉状副本之日",
            ("CPL (2023) art. 285",),
            extensions=(ExtensionStep(Approver.TRIAL_COURT, "CPL (2023) art. 285"),),
        ),
        LimitRule(
            "civil.first.ordinary",
            "民事一审普通程序审限",
            "civil first instance, ordinary",
            _p(6, M),
            TRIAL_START_EN,
            TRIAL_START_ZH,
            ("CPL (2023) art. 152", "Civil Interp. (2022) art. 243", "SPC-2000 art. 8"),
            extensions=(president_6m, higher),
            excluded=CIVIL_TRIAL_EXCLUDED,
            uncertainties=(SPC_2000_LENGTH,),
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.first.converted",
            "简易程序转普通程序审限",
            "civil simple procedure converted to ordinary",
            _p(6, M),
            "the ORIGINAL 立案 date of the simple-procedure case",
            "原立案之日",
            ("Civil Interp. (2022) art. 258(3)", "CPL (2023) art. 152"),
            extensions=(president_6m, higher),
            excluded=CIVIL_TRIAL_EXCLUDED,
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.first.simple",
            "民事一审简易程序审限",
            "civil first instance, simple",
            _p(3, M),
            TRIAL_START_EN,
            TRIAL_START_ZH,
            ("CPL (2023) art. 164", "Civil Interp. (2022) art. 258"),
            extensions=(
                ExtensionStep(Approver.COURT_PRESIDENT, "CPL (2023) art. 164", Period(1, M)),
            ),
            cap=_p(4, M),
            excluded=CIVIL_TRIAL_EXCLUDED,
            effective_from=date(2022, 1, 1),
            transition="the +1 month (cumulative 4 months) came with the 2021 amendment "
            "(in force 2022-01-01); before, Civil Interp. (2015/2020) art. 258 allowed up to "
            "6 months with the parties' consent",
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.first.small_claims",
            "小额诉讼审限",
            "civil small claims",
            _p(2, M),
            TRIAL_START_EN,
            TRIAL_START_ZH,
            ("CPL (2023) art. 168",),
            extensions=(
                ExtensionStep(Approver.COURT_PRESIDENT, "CPL (2023) art. 168", Period(1, M)),
            ),
            excluded=CIVIL_TRIAL_EXCLUDED,
            effective_from=date(2022, 1, 1),
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.special",
            "特别程序审限",
            "special procedures",
            _p(30, D),
            "立案, or the end of the notice period",
            "立案之日或公告期满",
            ("CPL (2023) arts. 187, 189",),
            extensions=(ExtensionStep(Approver.COURT_PRESIDENT, "CPL (2023) art. 187"),),
            uncertainties=("voter-qualification cases must finish before election day",),
        ),
        LimitRule(
            "civil.appeal.judgment",
            "对判决的上诉期",
            "appeal against a civil judgment",
            _p(15, D),
            "service of the judgment",
            "判决书送达之日",
            ("CPL (2023) arts. 171(1), 85", "Civil Interp. (2022) art. 125"),
        ),
        LimitRule(
            "civil.appeal.ruling",
            "对裁定的上诉期",
            "appeal against a civil ruling",
            _p(10, D),
            "service of the ruling",
            "裁定书送达之日",
            ("CPL (2023) arts. 171(2), 85",),
        ),
        LimitRule(
            "civil.appeal.foreign",
            "涉外当事人上诉期",
            "appeal by a party with no PRC domicile",
            _p(30, D),
            "service of the judgment or ruling",
            "送达之日",
            ("CPL (2023) art. 286",),
            extensions=(ExtensionStep(Approver.TRIAL_COURT, "CPL (2023) art. 286"),),
        ),
        LimitRule(
            "civil.appeal.copy_service",
            "上诉状副本送达",
            "serve the appeal copy",
            _p(5, D),
            "the original court's receipt of the appeal petition",
            "收到上诉状之日",
            ("CPL (2023) art. 174(1)", "SPC-2000 art. 17"),
        ),
        LimitRule(
            "civil.appeal.answer",
            "被上诉人答辩",
            "answer to the appeal",
            _p(15, D),
            "receipt of the appeal copy",
            "收到上诉状副本之日",
            ("CPL (2023) art. 174(1)",),
        ),
        LimitRule(
            "civil.appeal.file_transfer",
            "报送二审案卷",
            "send the file to the second instance",
            _p(5, D),
            "receipt of the petition and the answer (or end of the answer period)",
            "收到上诉状、答辩状之日",
            ("CPL (2023) art. 174(2)", "SPC-2000 arts. 6, 18"),
            uncertainties=("start point in practice: the answer or the end of its period",),
        ),
        LimitRule(
            "civil.second.judgment",
            "民事二审(判决上诉)审限",
            "civil second instance, appeal against a judgment",
            _p(3, M),
            "second-instance 立案",
            "二审立案之日",
            ("CPL (2023) art. 183(1)",),
            extensions=(
                ExtensionStep(
                    Approver.COURT_PRESIDENT,
                    "CPL (2023) art. 183(1); SPC-2000 art. 2",
                    repeatable=True,
                ),
            ),
            excluded=CIVIL_TRIAL_EXCLUDED,
            uncertainties=(SPC_2000_LENGTH,),
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.second.ruling",
            "民事二审(裁定上诉)审限",
            "civil second instance, appeal against a ruling",
            _p(30, D),
            "second-instance 立案",
            "二审立案之日",
            ("CPL (2023) art. 183(2)", "Civil Interp. (2022) art. 339"),
            extensions=(ExtensionStep(Approver.COURT_PRESIDENT, "CPL (2023) art. 183(2)"),),
            deadlines=CIVIL_DEADLINES,
        ),
        LimitRule(
            "civil.retrial.apply",
            "申请再审期间",
            "application for retrial",
            _p(6, M),
            "the judgment or ruling takes effect (art. 211 items 1, 3, 12, 13: knowledge)",
            "判决、裁定发生法律效力之日",
            ("CPL (2023) art. 216", "Civil Interp. (2022) art. 127"),
            invariable=True,
        ),
        LimitRule(
            "civil.retrial.review",
            "再审申请审查",
            "review of a retrial application",
            _p(3, M),
            "receipt of the application",
            "收到再审申请书之日",
            ("CPL (2023) art. 215", "Civil Interp. (2022) art. 129"),
            extensions=(ExtensionStep(Approver.COURT_PRESIDENT, "CPL (2023) art. 215"),),
            excluded=(NOTICE, SETTLEMENT),
        ),
        LimitRule(
            "civil.protest.ruling",
            "抗诉案件裁定再审",
            "ruling on retrial after a protest",
            _p(30, D),
            "receipt of the protest",
            "收到抗诉书之日",
            ("CPL (2023) art. 222",),
        ),
        LimitRule(
            "civil.enforcement.apply",
            "申请执行期间",
            "application for enforcement",
            _p(2, Y),
            "last day of the performance period",
            "法律文书规定履行期间的最后一日",
            ("CPL (2023) art. 250 (2021: art. 246)",),
            uncertainties=("suspension and interruption apply as for limitation periods",),
        ),
        LimitRule(
            "enforcement",
            "执行案件执行期限",
            "closing an enforcement case",
            _p(6, M),
            "enforcement 立案",
            "执行立案之日",
            ("SPC-2006-Exec art. 1", "SPC-2000 art. 5"),
            extensions=(ExtensionStep(Approver.COURT_PRESIDENT, "SPC-2000 art. 5", Period(3, M)),),
            excluded=ENFORCEMENT_EXCLUDED,
            deadlines=ENFORCEMENT_DEADLINES,
            verified=False,
            uncertainties=("SPC-2006-Exec seen only in secondary reproductions",),
        ),
        LimitRule(
            "enforcement.nonlitigation",
            "非诉执行案件执行期限",
            "closing a non-litigation enforcement case",
            _p(3, M),
            "enforcement 立案",
            "执行立案之日",
            ("SPC-2006-Exec art. 1",),
            extensions=(ExtensionStep(Approver.COURT_PRESIDENT, "SPC-2006-Exec art. 1"),),
            excluded=ENFORCEMENT_EXCLUDED,
            deadlines=ENFORCEMENT_DEADLINES,
            verified=False,
            uncertainties=("SPC-2006-Exec seen only in secondary reproductions",),
        ),
        LimitRule(
            "mediation.confirm.apply",
            "申请司法确认",
            "apply for judicial confirmation",
            _p(30, D),
            "the mediation agreement takes effect",
            "调解协议生效之日",
            ("人民调解法 (2010) art. 33", "CPL (2023) art. 205"),
        ),
        LimitRule(
            "mediation.confirm.decide",
            "司法确认审查",
            "court decides on confirmation",
            _p(15, D),
            "acceptance of the application",
            "受理之日",
            ("SPC 司法确认规定 (2011) arts. 4–5",),
            extensions=(
                ExtensionStep(
                    Approver.COURT_PRESIDENT, "SPC 司法确认规定 (2011) art. 5", Period(10, D)
                ),
            ),
        ),
        LimitRule(
            "mediation.delegated",
            "委派调解",
            "court-delegated pre-filing mediation",
            _p(30, D),
            "delegation",
            "委派之日",
            ("SPC 特邀调解规定 (2016) art. 27", "在线调解规则 (2021) art. 24"),
            uncertainties=("whether the holiday roll applies to mediation periods",),
        ),
        LimitRule(
            "mediation.entrusted",
            "委托调解(普通程序)",
            "court-entrusted mediation, ordinary",
            _p(15, D),
            "entrustment",
            "委托之日",
            ("SPC 特邀调解规定 (2016) art. 27", "在线调解规则 (2021) art. 24"),
            uncertainties=("whether the holiday roll applies to mediation periods",),
        ),
        LimitRule(
            "mediation.entrusted.simple",
            "委托调解(简易程序)",
            "court-entrusted mediation, simple",
            _p(7, D),
            "entrustment",
            "委托之日",
            ("SPC 特邀调解规定 (2016) art. 27", "在线调解规则 (2021) art. 24"),
        ),
        LimitRule(
            "mediation.online.confirm",
            "在线调解指定与确认",
            "online mediation designation",
            _p(3, W),
            "the request",
            "申请之日",
            ("在线调解规则 (2021) arts. 10, 12",),
        ),
    ]


def _criminal() -> list[LimitRule]:
    crim = MonthRule.CRIMINAL
    return [
        LimitRule(
            "criminal.review.public",
            "公诉案件受理审查",
            "review of a public prosecution",
            _p(7, D),
            "receipt of the case",
            "收到起诉书之日",
            ("Crim. Interp. (2021) art. 219",),
        ),
        LimitRule(
            "criminal.private.accept",
            "自诉案件受理",
            "acceptance of a private prosecution",
            _p(15, D),
            "receipt of the complaint",
            "收到自诉状之日",
            ("Crim. Interp. (2021) art. 320", "SPC-2000 art. 6"),
        ),
        LimitRule(
            "criminal.first.public",
            "刑事公诉一审审限",
            "criminal first instance, public",
            _p(2, M),
            "受理 (acceptance)",
            "受理之日",
            ("CrimPL (2018) arts. 208(1), 105", "Crim. Interp. (2021) arts. 202, 210"),
            extensions=(
                ExtensionStep(
                    Approver.COURT_PRESIDENT,
                    "CrimPL (2018) art. 208(1) (至迟不得超过三个月)",
                    Period(1, M),
                    condition_en="up to 3 months in all",
                ),
                ExtensionStep(
                    Approver.HIGHER_COURT,
                    "CrimPL (2018) art. 208(1); Crim. Interp. art. 210",
                    Period(3, M),
                    condition_en="death penalty possible, incidental civil claim, or art. 158",
                ),
                ExtensionStep(
                    Approver.SUPREME_COURT,
                    "CrimPL (2018) art. 208(1); Crim. Interp. art. 210",
                    Period(3, M),
                    repeatable=True,
                    condition_en="1–3 months at a time",
                ),
            ),
            excluded=CRIMINAL_TRIAL_EXCLUDED,
            uncertainties=(
                "approver of the step from 2 to 3 months is not named in the reference",
                "custody rule applied to the trial limit is this platform's reading (§1.8)",
            ),
            month_rule=crim,
            custody_no_roll=True,
            deadlines=CRIMINAL_DEADLINES,
        ),
        LimitRule(
            "criminal.first.private",
            "自诉案件审限(被告人未羁押)",
            "private prosecution, defendant not detained",
            _p(6, M),
            "受理",
            "受理之日",
            ("CrimPL (2018) art. 212(2)",),
            excluded=CRIMINAL_TRIAL_EXCLUDED,
            month_rule=MonthRule.CRIMINAL,
            deadlines=CRIMINAL_DEADLINES,
        ),
        LimitRule(
            "criminal.summary",
            "简易程序审限",
            "criminal summary procedure",
            _p(20, D),
            "受理",
            "受理之日",
            ("CrimPL (2018) art. 220", "Crim. Interp. art. 202"),
            extensions=(
                ExtensionStep(
                    Approver.STATUTORY,
                    "CrimPL (2018) art. 220",
                    sets_total=(Period(1, M), Period(15, D)),
                    condition_en="possible sentence over 3 years: 1.5 months (half = 15 days)",
                ),
            ),
            excluded=CRIMINAL_TRIAL_EXCLUDED,
            month_rule=crim,
            custody_no_roll=True,
        ),
        LimitRule(
            "criminal.fast_track",
            "速裁程序审限",
            "criminal fast-track procedure",
            _p(10, D),
            "受理",
            "受理之日",
            ("CrimPL (2018) art. 225",),
            extensions=(
                ExtensionStep(
                    Approver.STATUTORY,
                    "CrimPL (2018) art. 225",
                    sets_total=(Period(15, D),),
                    condition_en="possible sentence over 1 year: 15 days",
                ),
            ),
            excluded=CRIMINAL_TRIAL_EXCLUDED,
            month_rule=crim,
            custody_no_roll=True,
        ),
        LimitRule(
            "criminal.converted",
            "转为普通程序审限",
            "criminal case converted to ordinary",
            _p(2, M),
            "the conversion decision (unlike civil cases)",
            "决定转为普通程序之日",
            ("Crim. Interp. (2021) arts. 368(2), 376", "SPC-2000 art. 8(2)"),
            excluded=CRIMINAL_TRIAL_EXCLUDED,
            month_rule=crim,
            custody_no_roll=True,
            deadlines=CRIMINAL_DEADLINES,
        ),
        LimitRule(
            "criminal.appeal.judgment",
            "对刑事判决的上诉、抗诉期",
            "criminal appeal or protest against a judgment",
            _p(10, D),
            "receipt of the judgment",
            "接到判决书之日",
            ("CrimPL (2018) arts. 230, 105", "Crim. Interp. (2021) art. 380"),
        ),
        LimitRule(
            "criminal.appeal.ruling",
            "对刑事裁定的上诉、抗诉期",
            "criminal appeal or protest against a ruling",
            _p(5, D),
            "receipt of the ruling",
            "接到裁定书之日",
            ("CrimPL (2018) art. 230", "Crim. Interp. (2021) art. 380"),
        ),
        LimitRule(
            "criminal.appeal.transfer",
            "移送上诉案件",
            "send an appeal up",
            _p(3, D),
            "the appeal period ends",
            "上诉期满之日",
            ("CrimPL (2018) art. 231", "Crim. Interp. (2021) art. 381", "SPC-2000 art. 15"),
        ),
        LimitRule(
            "criminal.second",
            "刑事二审审限",
            "criminal second instance",
            _p(2, M),
            "受理",
            "受理之日",
            ("CrimPL (2018) art. 243",),
            extensions=(
                ExtensionStep(
                    Approver.HIGH_COURT,
                    "CrimPL (2018) art. 243",
                    Period(2, M),
                    condition_en="same grounds as CrimPL art. 158",
                ),
                ExtensionStep(Approver.SUPREME_COURT, "CrimPL (2018) art. 243", repeatable=True),
            ),
            excluded=(*CRIMINAL_TRIAL_EXCLUDED, PROCURATORATE_REVIEW),
            month_rule=crim,
            custody_no_roll=True,
            deadlines=CRIMINAL_DEADLINES,
        ),
    ]


def _administrative() -> list[LimitRule]:
    high = ExtensionStep(
        Approver.HIGH_COURT,
        "ALL (2017) art. 81; Admin Interp. (2018) art. 50(3)",
        condition_en="the SPC approves where the high court tries the case",
    )
    return [
        LimitRule(
            "admin.filing.decide",
            "行政案件立案审查",
            "decide whether to register (admin)",
            _p(7, D),
            "receipt of the complaint (after correction: the day after)",
            "收到起诉状之日",
            ("ALL (2017) art. 51(2)", "Admin Interp. (2018) arts. 48–49, 53"),
        ),
        LimitRule(
            "admin.answer",
            "行政机关答辩",
            "defendant agency's answer and evidence",
            _p(15, D),
            "receipt of the complaint copy",
            "收到起诉状副本之日",
            ("ALL (2017) art. 67",),
        ),
        LimitRule(
            "admin.first",
            "行政一审审限",
            "administrative first instance",
            _p(6, M),
            TRIAL_START_EN,
            TRIAL_START_ZH,
            ("ALL (2017) art. 81", "Admin Interp. (2018) art. 50"),
            extensions=(high, ExtensionStep(Approver.SUPREME_COURT, "ALL (2017) art. 81")),
            excluded=ADMIN_TRIAL_EXCLUDED,
            uncertainties=("the length of an extension is not fixed by ALL art. 81",),
            deadlines=ADMIN_DEADLINES,
        ),
        LimitRule(
            "admin.simple",
            "行政简易程序审限",
            "administrative simple procedure",
            _p(45, D),
            "立案 (converted cases: the original 立案)",
            TRIAL_START_ZH,
            ("ALL (2017) art. 83", "Admin Interp. (2018) art. 105"),
            excluded=ADMIN_TRIAL_EXCLUDED,
        ),
        LimitRule(
            "admin.appeal.judgment",
            "行政判决上诉期",
            "administrative appeal, judgment",
            _p(15, D),
            "service of the judgment",
            "判决书送达之日",
            ("ALL (2017) art. 85",),
        ),
        LimitRule(
            "admin.appeal.ruling",
            "行政裁定上诉期",
            "administrative appeal, ruling",
            _p(10, D),
            "service of the ruling",
            "裁定书送达之日",
            ("ALL (2017) art. 85",),
        ),
        LimitRule(
            "admin.second",
            "行政二审审限",
            "administrative second instance",
            _p(3, M),
            "立案 (ALL art. 88 says receipt of the appeal petition)",
            TRIAL_START_ZH,
            ("ALL (2017) art. 88", "Admin Interp. (2018) art. 50"),
            extensions=(high, ExtensionStep(Approver.SUPREME_COURT, "ALL (2017) art. 88")),
            excluded=ADMIN_TRIAL_EXCLUDED,
            uncertainties=("start trigger: ALL art. 88 and Admin Interp. art. 50 differ",),
            deadlines=ADMIN_DEADLINES,
        ),
    ]


def _governance() -> list[LimitRule]:
    petition = "信访工作条例 (2022)"
    return [
        LimitRule(
            "petition.register",
            "信访事项登记转送、交办",
            "register and route a petition",
            _p(15, D),
            "receipt of the petition",
            "收到信访事项之日",
            (f"{petition} art. 22",),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.accept",
            "告知受理",
            "tell the petitioner the matter is accepted",
            _p(15, D),
            "receipt (direct or forwarded)",
            "收到信访事项之日",
            (f"{petition} art. 23",),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.object",
            "对转送、交办提出异议",
            "object to a wrongly routed petition",
            _p(5, W),
            "receipt",
            "收到之日",
            (f"{petition} art. 23(3)",),
        ),
        LimitRule(
            "petition.handle",
            "信访事项办理",
            "handle a 申诉求决 petition",
            _p(60, D),
            "acceptance",
            "受理之日",
            (f"{petition} art. 34",),
            extensions=(
                ExtensionStep(
                    Approver.AGENCY_HEAD,
                    f"{petition} art. 34",
                    Period(30, D),
                    condition_en="reasons told to the petitioner",
                ),
            ),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.review.request",
            "请求复查",
            "request a review (复查)",
            _p(30, D),
            "receipt of the written reply",
            "收到书面答复之日",
            (f"{petition} art. 35",),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.review.decide",
            "复查答复",
            "answer a review request",
            _p(30, D),
            "receipt of the request",
            "收到复查请求之日",
            (f"{petition} art. 35",),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.recheck.request",
            "请求复核",
            "request a re-review (复核)",
            _p(30, D),
            "receipt of the review opinion",
            "收到复查意见之日",
            (f"{petition} art. 36",),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "petition.recheck.decide",
            "复核答复",
            "answer a re-review request",
            _p(30, D),
            "receipt of the request",
            "收到复核请求之日",
            (f"{petition} art. 36",),
            excluded=(PETITION_HEARING,),
            uncertainties=(ROLL_BY_ANALOGY,),
        ),
        LimitRule(
            "licence.decide",
            "行政许可决定",
            "decide on a licence",
            _p(20, W),
            "acceptance of the application",
            "受理行政许可申请之日",
            ("行政许可法 (2019) arts. 42, 82",),
            extensions=(
                ExtensionStep(
                    Approver.AGENCY_HEAD,
                    "行政许可法 (2019) art. 42",
                    Period(10, W),
                    condition_en="reasons told to the applicant",
                ),
            ),
            excluded=(LICENCE_EXCLUDED,),
        ),
        LimitRule(
            "licence.decide.joint",
            "统一办理、联合办理的行政许可",
            "joint or centralised licence handling",
            _p(45, W),
            "acceptance",
            "受理之日",
            ("行政许可法 (2019) arts. 42(2), 82",),
            extensions=(
                ExtensionStep(
                    Approver.COUNTY,
                    "行政许可法 (2019) art. 42(2)",
                    Period(15, W),
                    condition_en="approved by the head of the people's government at or above "
                    "county level",
                ),
            ),
            excluded=(LICENCE_EXCLUDED,),
        ),
        LimitRule(
            "licence.preliminary",
            "下级机关初步审查",
            "lower-level preliminary review",
            _p(20, W),
            "acceptance",
            "受理之日",
            ("行政许可法 (2019) arts. 43, 82",),
        ),
        LimitRule(
            "licence.incomplete_notice",
            "一次告知补正",
            "notice that the file is incomplete",
            _p(5, W),
            "receipt of the application",
            "收到申请材料之日",
            ("行政许可法 (2019) arts. 32, 82",),
        ),
        LimitRule(
            "licence.issue",
            "颁发、送达许可证件",
            "issue the licence",
            _p(10, W),
            "the decision",
            "作出准予行政许可决定之日",
            ("行政许可法 (2019) arts. 44, 82",),
        ),
        LimitRule(
            "public_order.2012",
            "治安案件办理期限(2012年法)",
            "public-order case (2012 law)",
            _p(30, D),
            "受理",
            "受理之日",
            ("治安管理处罚法 (2012) art. 99",),
            extensions=(
                ExtensionStep(
                    Approver.HIGHER_AGENCY, "治安管理处罚法 (2012) art. 99", Period(30, D)
                ),
            ),
            excluded=(PUBLIC_ORDER_APPRAISAL,),
            effective_to=date(2025, 12, 31),
            transition="cases accepted before 2026-01-01 stay under the 2012 law",
        ),
        LimitRule(
            "public_order.2025",
            "治安案件办理期限(2025年修订)",
            "public-order case (2025 revision)",
            _p(30, D),
            "立案",
            "立案之日",
            ("治安管理处罚法 (2025 revision, adopted 2025-06-27) art. 118 (reported)",),
            extensions=(
                ExtensionStep(
                    Approver.HIGHER_AGENCY,
                    "治安管理处罚法 (2025) art. 118 (reported)",
                    Period(30, D),
                ),
                ExtensionStep(
                    Approver.HIGHER_AGENCY,
                    "治安管理处罚法 (2025) art. 118 (reported)",
                    Period(30, D),
                ),
            ),
            cap=_p(90, D),
            excluded=(PUBLIC_ORDER_2025_EXCLUDED,),
            effective_from=date(2026, 1, 1),
            transition="applies to cases accepted on or after 2026-01-01",
            verified=False,
            uncertainties=("article number and text of the 2025 revision not verified",),
        ),
        LimitRule(
            "public_order.questioning",
            "询问查证时间",
            "questioning after a summons",
            _p(8, H),
            "arrival for questioning",
            "到案之时",
            ("治安管理处罚法 (2012) art. 83",),
            extensions=(
                ExtensionStep(
                    Approver.STATUTORY,
                    "治安管理处罚法 (2012) art. 83",
                    sets_total=(Period(24, H),),
                    condition_en="complex cases that may lead to detention: 24 hours",
                ),
            ),
            rolls=False,
            effective_to=date(2025, 12, 31),
        ),
    ]


LIMITS: tuple[LimitRule, ...] = (*_civil(), *_criminal(), *_administrative(), *_governance())
_BY_CODE = {rule.code: rule for rule in LIMITS}
if len(_BY_CODE) != len(LIMITS):  # pragma: no cover - a table error is a programming error
    raise RuntimeError("duplicate limit codes in LIMITS")


def get_rule(code: str) -> LimitRule:
    """The limit with this code; :class:`UnknownRule` lists the accepted codes."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownRule(code, sorted(_BY_CODE)) from None
