"""Inspections against the checklist: each finding a hazard on the clock; bad input is
refused naming the field, and nothing is half-written."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.hazards.conftest import SH, Hz, photo
from tests.hazards.helpers import footprint
from zhengfa.flow.models import Matter
from zhengfa.flow.photos import PhotoInput
from zhengfa.hazards.models import Hazard, HazardPhoto
from zhengfa.hazards.services.inspections import CheckInput, inspection_record


def _inspect(hz: Hz, actor: object = None, **extra: object) -> object:
    values: dict[str, object] = {
        "actor": actor or hz.worker,
        "campaign": hz.campaign,
        "grid_code": hz.grid.code,
        "site": "向阳超市",
        "checks": hz.checks(),
        "findings": [hz.finding()],
    }
    values.update(extra)
    return inspection_record(**values)  # type: ignore[arg-type]


def _refused(hz: Hz, field: str, **extra: object) -> None:
    before = footprint()
    with pytest.raises(ValidationError) as caught:
        _inspect(hz, **extra)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert footprint() == before


def test_a_grid_worker_finds_a_major_hazard_due_by_2359_today(hz: Hz) -> None:
    inspection = _inspect(hz)
    hazard = Hazard.objects.select_related("matter").get(inspection=inspection)
    matter = hazard.matter
    assert matter.kind == "hazard" and matter.stage == "rectifying"
    assert matter.owner == hz.operator  # the township centre answers for the place
    assert matter.grid == hz.grid and matter.region_id == hz.grid.region_id
    assert matter.due_at == datetime(2026, 11, 10, 23, 59, tzinfo=SH)
    assert {p.user for p in matter.participants.all()} == {hz.worker}
    assert HazardPhoto.objects.filter(hazard=hazard, purpose="finding").count() == 1
    assert hazard.responsible_party == "向阳超市" and hazard.found_by == hz.worker
    assert Matter.objects.for_user(hz.worker).filter(pk=matter.pk).exists()
    assert not Matter.objects.for_user(hz.outsider_operator).filter(pk=matter.pk).exists()


def test_an_officer_keeps_what_he_finds_in_his_station(hz: Hz) -> None:
    inspection = _inspect(hz, actor=hz.officer)
    matter = Hazard.objects.get(inspection=inspection).matter
    assert matter.unit_id == hz.officer.unit_id and matter.owner == hz.officer


def test_a_point_outside_every_grid_is_refused(hz: Hz) -> None:
    far = hz.finding(lon=120.0, lat=30.0)
    _refused(hz, "findings[0].location", findings=[far])


def test_a_point_in_another_county_is_outside_the_campaign(hz: Hz) -> None:
    away = hz.city.grids["230403"][0]
    finding = hz.finding(lon=away.centroid_lon, lat=away.centroid_lat)
    _refused(hz, "findings[0].location", findings=[finding])


@pytest.mark.parametrize(
    "content",
    [b"not an image at all", b"", b"GIF89a" + b"\x00" * 20],
    ids=["text", "empty", "fake-gif"],
)
def test_a_photo_that_is_not_a_real_image_is_refused(hz: Hz, content: bytes) -> None:
    bad = hz.finding(photos=(photo(), PhotoInput("x.jpg", content)))
    _refused(hz, "findings[0].photos[1]", findings=[bad])


def test_an_oversized_photo_is_refused(hz: Hz) -> None:
    huge = PhotoInput("big.jpg", b"\xff\xd8" + b"\x00" * (8 * 1024 * 1024 + 1))
    _refused(hz, "findings[0].photos[0]", findings=[hz.finding(photos=(huge,))])


def test_the_whole_checklist_must_be_answered(hz: Hz) -> None:
    _refused(hz, "checks", checks=hz.checks()[:-1])


def test_an_item_answered_hazard_needs_its_finding(hz: Hz) -> None:
    _refused(hz, "findings", findings=[])


def test_an_unknown_severity_names_the_accepted_ones(hz: Hz) -> None:
    _refused(hz, "findings[0].severity", findings=[hz.finding(severity="huge")])


def test_a_grid_worker_inspects_only_his_own_grids(hz: Hz) -> None:
    other = hz.city.grids["230402"][1]
    _refused(hz, "grid", grid_code=other.code)


def test_an_inspection_outside_the_campaign_period_is_refused(hz: Hz) -> None:
    with time_machine.travel(datetime(2027, 3, 5, 10, tzinfo=SH), tick=False):
        _refused(hz, "campaign")


def test_an_answer_to_an_item_of_another_checklist_is_refused(hz: Hz) -> None:
    checks = [*hz.checks()[:-1], CheckInput(999_999, "ok")]
    _refused(hz, "checks[4].item", checks=checks)


@pytest.mark.parametrize("who", ["outsider_worker", "outsider_operator"])
def test_an_outsider_cannot_inspect_the_campaign(hz: Hz, who: str) -> None:
    before = footprint()
    with pytest.raises(PermissionDenied):
        _inspect(hz, actor=getattr(hz, who))
    assert footprint() == before


def test_a_citizen_cannot_inspect(hz: Hz) -> None:
    before = footprint()
    with pytest.raises(PermissionDenied):
        _inspect(hz, actor=hz.city.users["citizen"])
    assert footprint() == before
