"""``zhengfa org import-divisions`` / ``import-grids``: all or nothing, errors name the
row or feature, the field and the accepted form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.org.mini_city import MiniCity, square
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import Grid, Region

HEGANG = Path(__file__).resolve().parents[2] / "src/zhengfa/org/data/hegang/divisions.csv"
HEADER = "code,name,level,parent_code\n"


def _run(*args: str) -> None:
    call_command("org", *args)


def _refused(path: Path, *fragments: str) -> None:
    """The command exits 2 and its message names every fragment."""
    with pytest.raises(CommandError) as caught:
        _run("import-divisions" if path.suffix == ".csv" else "import-grids", str(path))
    assert caught.value.returncode == 2
    for fragment in fragments:
        assert fragment in str(caught.value)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_hegang_divisions_then_rerun_changes_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _run("import-divisions", str(HEGANG))
    assert Region.objects.count() == 524
    assert Region.objects.get(code="230421").parent_id == "2304"
    assert Region.objects.get(code="2304").parent_id is None  # its province is not stored
    _run("import-divisions", str(HEGANG))
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert Region.objects.count() == 524
    assert AuditEntry.objects.filter(action="org.divisions_import").count() == 2


@pytest.mark.django_db
def test_a_rename_is_stored_and_audited_with_the_old_name(tmp_path: Path) -> None:
    _run("import-divisions", str(HEGANG))
    renamed = HEGANG.read_text(encoding="utf-8").replace("230402,向阳区", "230402,新向阳区")
    _run("import-divisions", str(_write(tmp_path, "r.csv", renamed)))
    assert Region.objects.get(code="230402").name == "新向阳区"
    entry = AuditEntry.objects.filter(action="org.divisions_import").last()
    assert entry is not None
    assert entry.old == {"names": {"230402": "向阳区"}}


BAD_DIVISIONS = [
    ("230402,向阳区,town,2304\n", ["rows[0].level", "line 2", "accepted: city, county"]),
    ("23040,向阳区,county,2304\n", ["rows[0].code", "6 digits"]),
    ("230402,,county,2304\n", ["rows[0].name"]),
    ("230402001,北山,township,230403\n", ["rows[0].parent_code", "must be the county 230402"]),
    ("230498001,北山,township,230498\n", ["rows[0].parent_code", "unknown county 230498"]),
    ("2304,鹤岗市,city,24\n", ["rows[0].parent_code", "province"]),
    (
        "230499,甲区,county,2304\n230499,乙区,county,2304\n",
        ["rows[1].code", "duplicate code 230499, first on line 2"],
    ),
]


@pytest.mark.parametrize(("rows", "fragments"), BAD_DIVISIONS)
def test_bad_division_rows_are_refused_and_nothing_is_stored(
    mini_city: MiniCity, tmp_path: Path, rows: str, fragments: list[str]
) -> None:
    before = list(Region.objects.values_list("code", "name", "parent_id"))
    audit_rows = AuditEntry.objects.count()
    good_first = "230497,新区,county,2304\n"  # a valid row: must not be stored either
    _refused(_write(tmp_path, "bad.csv", HEADER + good_first + rows), *fragments_shifted(fragments))
    assert list(Region.objects.values_list("code", "name", "parent_id")) == before
    assert AuditEntry.objects.count() == audit_rows


def fragments_shifted(fragments: list[str]) -> list[str]:
    """The valid first row moves every bad row down by one."""
    shifted = []
    for f in fragments:
        for n in (1, 0):
            f = f.replace(f"rows[{n}]", f"rows[{n + 1}]").replace(f"line {n + 2}", f"line {n + 3}")
        shifted.append(f)
    return shifted


def test_a_csv_without_the_header_is_refused(mini_city: MiniCity, tmp_path: Path) -> None:
    _refused(_write(tmp_path, "h.csv", "code,name\n1,2\n"), "header", "level, parent_code")


def test_moving_an_existing_region_is_refused(mini_city: MiniCity, tmp_path: Path) -> None:
    _refused(
        _write(tmp_path, "m.csv", HEADER + "230402001,北山,village,230402\n"),
        "rows[0].code",
    )
    assert Region.objects.get(code="230402001").level == "township"


# ---- grids ------------------------------------------------------------------------------


def _feature(code: str, region: str, geometry: object) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": f"网格{code}", "region_code": region},
        "geometry": geometry,
    }


def _collection(*features: object) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_import_grids_creates_then_updates(mini_city: MiniCity, tmp_path: Path) -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(130, 47)["coordinates"], square(130.5, 47)["coordinates"]],
    }
    path = _write(
        tmp_path,
        "g.geojson",
        _collection(
            _feature("G-NEW-1", "230402001001", square(130.2, 47.2)),
            _feature("G-NEW-2", "230402001002", multi),
        ),
    )
    _run("import-grids", str(path))
    grid = Grid.objects.get(code="G-NEW-2")
    assert grid.geometry["type"] == "MultiPolygon" and grid.area_km2 > 0
    assert Grid.objects.get(code="G-NEW-1").centroid_lon == pytest.approx(130.205)
    moved = _write(
        tmp_path, "m.geojson", _collection(_feature("G-NEW-1", "230402002001", square(130, 47)))
    )
    _run("import-grids", str(moved))
    assert Grid.objects.get(code="G-NEW-1").region_id == "230402002001"


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
OPEN_RING = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}
BAD_GRIDS = [
    ("{not json", ["file", "malformed JSON at line 1"]),
    (json.dumps({"type": "Feature"}), ["type", "FeatureCollection"]),
    (json.dumps({"type": "FeatureCollection", "features": {}}), ["features"]),
    (_collection(_feature("G1", "230402001001", BOWTIE)), ["features[0].geometry", "invalid ring"]),
    (_collection(_feature("G1", "230402001001", OPEN_RING)), ["features[0].geometry", "malformed"]),
    (
        _collection(_feature("G1", "230402001001", {"type": "Point", "coordinates": [1, 2]})),
        ["features[0].geometry", "Polygon or MultiPolygon", "'Point'"],
    ),
    (_collection(_feature("G1", "999999", square(0, 0))), ["features[0].properties.region_code"]),
    (_collection(_feature("", "230402001001", square(0, 0))), ["features[0].properties.code"]),
    (
        _collection(
            _feature("G1", "230402001001", square(0, 0)),
            _feature("G1", "230402001002", square(1, 0)),
        ),
        ["features[1].properties.code", "duplicate grid code G1, first in features[0]"],
    ),
    (_collection({"type": "Feature", "geometry": square(0, 0)}), ["features[0].properties"]),
]


@pytest.mark.parametrize(("text", "fragments"), BAD_GRIDS)
def test_bad_grid_files_are_refused_and_nothing_is_stored(
    mini_city: MiniCity, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    before = list(Grid.objects.values_list("code", "region_id", "geometry"))
    audit_rows = AuditEntry.objects.count()
    _refused(_write(tmp_path, "bad.geojson", text), *fragments)
    assert list(Grid.objects.values_list("code", "region_id", "geometry")) == before
    assert AuditEntry.objects.count() == audit_rows


def test_one_bad_feature_refuses_the_good_ones_too(mini_city: MiniCity, tmp_path: Path) -> None:
    text = _collection(
        _feature("G-GOOD", "230402001001", square(0, 0)),
        _feature("G-BAD", "nowhere", square(1, 0)),
    )
    _refused(_write(tmp_path, "mixed.geojson", text), "features[1].properties.region_code")
    assert not Grid.objects.filter(code__in=["G-GOOD", "G-BAD"]).exists()


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        _run("import-grids", str(tmp_path / "missing.geojson"))
    assert caught.value.returncode == 2
