"""The responsibility pages: scope, the review report and its exports (XLSX equals the
page's table, the PDF names the unit and total), the commission's target form."""

from __future__ import annotations

import base64
import io
import re
import zlib
from html import unescape
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.insight.test_responsibility_scoring import YEAR, build_scored
from tests.org.mini_city import CITY, MiniCity, password_hash
from zhengfa.audit.models import AuditEntry
from zhengfa.insight.responsibility.models import Target, UnitScore
from zhengfa.org.models import Unit, User
from zhengfa.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(mini_city: MiniCity) -> list[Unit]:
    return build_scored(mini_city)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def city_commission() -> User:
    user = User.objects.create(username="city-zfw", role=Role.COMMISSION, region_id=CITY)
    user.password = password_hash()
    user.save()
    return user


def report_url(unit: Unit, query: str = "") -> str:
    return f"/insight/responsibility/{unit.code}/{YEAR}/{query}"


def page_table(html: str) -> list[list[str]]:
    body = html.split('id="review-lines"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [unescape(cell).strip() for cell in re.findall(r"<t[dh]>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


def test_a_county_official_sees_only_that_countys_units(
    scored: list[Unit], mini_city: MiniCity
) -> None:
    a_commission, b_commission, a_court = scored
    official = client_for(mini_city.users[Role.COMMISSION])  # county A's commission
    listing = official.get(f"/insight/responsibility/?year={YEAR}").content.decode()
    assert a_commission.code in listing and a_court.code in listing
    assert b_commission.code not in listing
    assert official.get(report_url(b_commission)).status_code == 404
    assert official.get(report_url(b_commission, "?format=xlsx")).status_code == 404
    missing = official.get(f"/insight/responsibility/230499-ZFW/{YEAR}/")
    assert missing.status_code == 404
    huge = official.get(f"/insight/responsibility/{a_commission.code}/99999999999999999999/")
    assert huge.status_code == 404


def test_the_city_commission_sees_all_and_a_judge_only_the_court(
    scored: list[Unit], mini_city: MiniCity
) -> None:
    listing = client_for(city_commission()).get(f"/insight/responsibility/?year={YEAR}")
    assert all(unit.code in listing.content.decode() for unit in scored)
    judge = client_for(mini_city.users[Role.JUDGE])  # a judge of county A's court
    assert judge.get(report_url(scored[2])).status_code == 200
    assert judge.get(report_url(scored[0])).status_code == 404
    citizen = client_for(mini_city.users[Role.CITIZEN])
    assert scored[0].code not in citizen.get("/insight/responsibility/").content.decode()


def test_xlsx_of_the_report_equals_the_pages_table(scored: list[Unit]) -> None:
    client = client_for(city_commission())
    html = client.get(report_url(scored[0])).content.decode()
    shown = page_table(html)
    response = client.get(report_url(scored[0], "?format=xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    exported = [
        [_cell("—" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert exported == [[_cell(v) for v in row] for row in shown]
    assert len(shown) == 1 + 7 + 1  # header, seven indicators, the weighted total


def _cell(value: object) -> object:
    """A number as a number (the page prints 60.0 where the sheet holds 60), text as text;
    the export's formula-injection apostrophe (tests/insight/test_exports.py) taken off."""
    if isinstance(value, str) and value.startswith("'"):
        value = value[1:]
    try:
        return float(str(value))
    except ValueError:
        return str(value)


def test_csv_of_the_scores_lists_every_unit_with_its_total(scored: list[Unit]) -> None:
    response = client_for(city_commission()).get(f"/insight/responsibility/?year={YEAR}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    for score in UnitScore.objects.filter(year=YEAR):
        assert f"{score.unit.code},{score.unit.name},{float(score.total or 0)}" in text


def test_the_pdf_holds_the_unit_name_and_total(scored: list[Unit]) -> None:
    response = client_for(city_commission()).get(report_url(scored[0], "?format=pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    total = UnitScore.objects.get(unit=scored[0], year=YEAR).total
    assert scored[0].name in text
    assert f"Total: {total}" in text


def pdf_text(pdf: bytes) -> str:
    """The text drawn by the report. reportlab encodes content streams ASCII85 then Flate
    and writes STSong-Light text as UTF-16BE (UniGB-UCS2-H) literal strings with PDF
    escapes (``\\ddd`` octal, ``\\(``)."""
    text = []
    for stream in re.findall(rb"\nstream\r?\n(.*?)endstream", pdf, flags=re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, flags=re.S):
            text.append(_unescape(literal).decode("utf-16-be", errors="replace"))
    return "".join(text)


def _unescape(literal: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return simple.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def test_bad_target_is_refused_with_the_values_kept(
    scored: list[Unit], mini_city: MiniCity
) -> None:
    client = client_for(city_commission())
    before = (
        list(Target.objects.values_list("pk", "target_value", "weight")),
        AuditEntry.objects.count(),
    )
    answer = client.post(
        report_url(scored[1], "targets/"),
        {"indicator": "mediation_success", "target_value": "130", "weight": "0", "tolerance": "x7"},
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'value="130"' in html and 'value="x7"' in html
    assert "between 0 and 100" in html and "1–100" in html and "give a number" in html
    assert before == (
        list(Target.objects.values_list("pk", "target_value", "weight")),
        AuditEntry.objects.count(),
    )


def test_the_commission_sets_a_target_and_it_is_audited(
    scored: list[Unit], mini_city: MiniCity
) -> None:
    commission = city_commission()
    answer = client_for(commission).post(
        report_url(scored[1], "targets/"),
        {"indicator": "mediation_success", "target_value": "85.5", "weight": "25", "tolerance": ""},
    )
    assert answer.status_code == 302
    target = Target.objects.get(unit=scored[1], year=YEAR, indicator="mediation_success")
    assert (str(target.target_value), target.weight, str(target.tolerance)) == (
        "85.50",
        25,
        "30.00",
    )
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.action == "responsibility.target_set"
    assert entry.actor_id == commission.pk and '"85.50"' in entry.new_json


def test_a_county_commission_may_not_set_its_own_targets_nor_a_judge_any(
    scored: list[Unit], mini_city: MiniCity
) -> None:
    body = {"indicator": "overdue", "target_value": "3", "weight": "10"}
    own = client_for(mini_city.users[Role.COMMISSION]).post(report_url(scored[0], "targets/"), body)
    assert own.status_code == 403
    judge = client_for(mini_city.users[Role.JUDGE]).post(report_url(scored[2], "targets/"), body)
    assert judge.status_code == 403
    assert not Target.objects.filter(target_value=3).exists()
    # the county commission may set targets of the court in its county
    ok = client_for(mini_city.users[Role.COMMISSION]).post(report_url(scored[2], "targets/"), body)
    assert ok.status_code == 302


def test_rescoring_from_the_page(scored: list[Unit], mini_city: MiniCity) -> None:
    UnitScore.objects.all().delete()
    judge = client_for(mini_city.users[Role.JUDGE])
    assert judge.post("/insight/responsibility/score/", {"year": YEAR}).status_code == 403
    assert not UnitScore.objects.exists()
    commission = client_for(city_commission())
    answer = commission.post("/insight/responsibility/score/", {"year": YEAR})
    assert answer.status_code == 302
    assert UnitScore.objects.filter(year=YEAR).count() == len(scored)
    future = commission.post("/insight/responsibility/score/", {"year": 2099}, follow=True)
    assert "has not begun" in future.content.decode()
    assert not UnitScore.objects.filter(year=2099).exists()


def test_a_bad_year_is_shown_with_the_value_kept(scored: list[Unit]) -> None:
    answer = client_for(city_commission()).get("/insight/responsibility/?year=19x")
    assert answer.status_code == 422
    assert 'value="19x"' in answer.content.decode()


def test_chinese_by_default_and_english_on_request(scored: list[Unit]) -> None:
    client = client_for(city_commission())
    chinese = client.get(report_url(scored[0])).content.decode()
    assert "年度考评报告" in chinese and "Annual review" not in chinese
    assert "按期办结率" in chinese and "Closed within the limit" not in chinese
    english = client.get(report_url(scored[0]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Annual review" in english and "年度考评报告" not in english
    assert "Closed within the limit" in english
    listing = client.get(f"/insight/responsibility/?year={YEAR}").content.decode()
    assert "责任单位" in listing and "Responsible units" not in listing
    headers = client.get(report_url(scored[0], "?format=csv"), HTTP_ACCEPT_LANGUAGE="en")
    assert headers.content.decode("utf-8-sig").startswith("Indicator,Direction,Target")


def test_pages_run_a_fixed_number_of_queries(
    scored: list[Unit], django_assert_max_num_queries: Any
) -> None:
    client = client_for(city_commission())
    client.get(f"/insight/responsibility/?year={YEAR}")  # warm the session and caches
    with django_assert_max_num_queries(12):
        assert client.get(f"/insight/responsibility/?year={YEAR}").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(report_url(scored[0])).status_code == 200
