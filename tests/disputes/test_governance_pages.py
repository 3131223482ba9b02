"""The letters-and-visits and joint-analysis pages with Django's test client: the handling
unit registers, routes, decides, replies; a leader takes ownership; a refused form keeps
what was typed with the error by the field; a centre convenes, a department replies, the
centre reviews; outsiders get 404 and change nothing."""

from __future__ import annotations

from django.test import Client

from tests.disputes.conftest import DisputeCity
from zhengfa.audit.models import AuditEntry
from zhengfa.disputes.models import AnalysisTask, JointAnalysis, Petition
from zhengfa.flow.models import Matter
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _office(dc: DisputeCity) -> tuple[Unit, User]:
    office = Unit.objects.create(
        code="XFJ",
        name="县信访局",
        kind=UnitKind.LETTERS_VISITS,
        level="county",
        region_id="230402",
    )
    return office, User.objects.create(username="xf", role=Role.DEPT_LIAISON, unit=office)


def test_a_petition_is_registered_routed_decided_replied_and_owned(dc: DisputeCity) -> None:
    office, clerk = _office(dc)
    desk = _client(clerk)
    refused = desk.post("/disputes/petitions/", {"form": "visit", "complainant_name": "王大妈"})
    assert refused.status_code == 200 and not Petition.objects.exists()
    assert "王大妈" in refused.content.decode()  # the value is kept
    made = desk.post(
        "/disputes/petitions/",
        {
            "form": "visit",
            "complainant_name": "王大妈",
            "complainant_phone": "13900001111",
            "request": "要求解决拆迁补偿",
        },
    )
    petition = Petition.objects.get()
    assert made["Location"] == f"/disputes/petitions/{petition.pk}/"
    listed = desk.get("/disputes/petitions/").content.decode()
    assert petition.receipt_number in listed and "王" not in listed  # matters, not persons
    page = desk.get(f"/disputes/petitions/{petition.pk}/").content.decode()
    assert "王**" in page and "王大妈" not in page and "13900001111" not in page

    bad = desk.post(f"/disputes/petitions/{petition.pk}/route/", {"unit_code": "NOPE"})
    assert bad.status_code == 400 and "NOPE" in bad.content.decode()
    assert (
        desk.post(f"/disputes/petitions/{petition.pk}/route/", {"unit_code": "XFJ"}).status_code
        == 302
    )
    no_reason = desk.post(f"/disputes/petitions/{petition.pk}/decide/", {"accept": "1"})
    assert no_reason.status_code == 400 and 'id="decide-form"' in no_reason.content.decode()
    desk.post(f"/disputes/petitions/{petition.pk}/decide/", {"accept": "1", "note": "属本机关职责"})
    desk.post(f"/disputes/petitions/{petition.pk}/reply/", {"reply": "补偿已按标准核定"})
    petition.refresh_from_db()
    assert (petition.matter.stage, petition.reply) == ("replied", "补偿已按标准核定")

    leader = _client(dc.user(Role.COMMISSION))
    owned = leader.post(f"/disputes/petitions/{petition.pk}/own/", {"reason": "积案，领导包案"})
    assert owned.status_code == 302
    page = leader.get(f"/disputes/petitions/{petition.pk}/").content.decode()
    assert str(dc.user(Role.COMMISSION)) in page and "领导包案" in page


def test_outsiders_see_no_petition_and_change_nothing(dc: DisputeCity) -> None:
    _, clerk = _office(dc)
    _client(clerk).post(
        "/disputes/petitions/",
        {"form": "letter", "complainant_name": "赵六", "request": "反映噪音扰民"},
    )
    petition = Petition.objects.get()
    outsider = _client(dc.outsider)
    before = (petition.matter.version, AuditEntry.objects.count())
    assert "XF" not in outsider.get("/disputes/petitions/").content.decode()
    assert outsider.get(f"/disputes/petitions/{petition.pk}/").status_code == 404
    assert (
        outsider.post(f"/disputes/petitions/{petition.pk}/own/", {"reason": "x"}).status_code == 404
    )
    assert (Matter.objects.get(pk=petition.pk).version, AuditEntry.objects.count()) == before


def test_a_centre_convenes_a_department_replies_the_centre_reviews(dc: DisputeCity) -> None:
    centre = _client(dc.centre_operator)
    form = {
        "topic": "欠薪纠纷联合研判",
        "decision": "人社局核实",
        "departments": f"{dc.hr_bureau.code}",
        "tasks": f"{dc.hr_bureau.code} | 十 | 核实",
    }
    bad = centre.post("/disputes/analyses/", form)
    assert bad.status_code == 200 and "欠薪纠纷联合研判" in bad.content.decode()
    assert not JointAnalysis.objects.exists()
    form["tasks"] = f"{dc.hr_bureau.code} | 10 | 核实并书面答复"
    made = centre.post("/disputes/analyses/", form)
    analysis = JointAnalysis.objects.get()
    assert made["Location"] == f"/disputes/analyses/{analysis.pk}/"
    task = AnalysisTask.objects.get()

    stranger = User.objects.create(username="stranger", role=Role.DEPT_LIAISON, unit=dc.county_room)
    refused = _client(stranger).post(f"/disputes/tasks/{task.pk}/reply/", {"text": "不归我们"})
    assert refused.status_code == 404 and not task.replies.exists()
    department = _client(dc.hr_liaison)
    assert "核实并书面答复" in department.get(f"/disputes/analyses/{analysis.pk}/").content.decode()
    empty = department.post(f"/disputes/tasks/{task.pk}/reply/", {"text": ""})
    assert empty.status_code == 400
    department.post(f"/disputes/tasks/{task.pk}/reply/", {"text": "已核实，欠薪已支付"})
    centre.post(f"/disputes/tasks/{task.pk}/review/", {"accept": "1"})
    task.matter.refresh_from_db()
    assert task.matter.status == "closed"
    assert _client(dc.outsider).get(f"/disputes/analyses/{analysis.pk}/").status_code == 404


def test_role_homes_link_the_pages(dc: DisputeCity) -> None:
    from zhengfa.web.roles import links_for

    names = {link.url_name for link in links_for(Role.CENTRE_OPERATOR)}
    assert {"disputes:petitions", "disputes:analyses"} <= names
    assert "disputes:petitions" not in {link.url_name for link in links_for(Role.GRID_WORKER)}


def test_the_pages_speak_chinese_first_and_english_on_request(dc: DisputeCity) -> None:
    chinese = _client(dc.centre_operator).get("/disputes/petitions/").content.decode()
    english_client = _client(dc.centre_operator)
    english_client.cookies["django_language"] = "en"
    english = english_client.get("/disputes/analyses/").content.decode()
    assert "信访事项 Petitions" in chinese
    assert "Convene a joint analysis" in english and "召集联合研判" not in english
