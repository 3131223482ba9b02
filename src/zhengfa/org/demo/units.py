"""The demo city's units, pure: who sits where, with codes derived from region codes.

Unit codes are ``<region code>-<abbreviation>``; courts carry their 法院代字 under the
SPC case-numbering rules (黑 + the region digits). The 28 responsible units that sign
the city's target responsibility agreements (与28家单位签订目标责任书, Hegang article)
are the 8 county-level political-legal commissions and 20 city-level units.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from zhengfa.org.demo.geography import Division
from zhengfa.org.models import UnitKind

CITY_DEPARTMENTS = (  # city-level units, in the order they sign agreements
    ("FY", UnitKind.COURT, "鹤岗市中级人民法院"),
    ("JCY", UnitKind.PROCURATORATE, "鹤岗市人民检察院"),
    ("GAJ", UnitKind.POLICE_BUREAU, "鹤岗市公安局"),
    ("SFJ", UnitKind.JUSTICE_BUREAU, "鹤岗市司法局"),
    ("XFJ", UnitKind.LETTERS_VISITS, "鹤岗市信访局"),
    ("MZJ", UnitKind.CIVIL_AFFAIRS, "鹤岗市民政局"),
    ("RSJ", UnitKind.DEPARTMENT, "鹤岗市人力资源和社会保障局"),
    ("ZJJ", UnitKind.DEPARTMENT, "鹤岗市住房和城乡建设局"),
    ("SCJ", UnitKind.DEPARTMENT, "鹤岗市市场监督管理局"),
    ("JYJ", UnitKind.DEPARTMENT, "鹤岗市教育局"),
    ("WJW", UnitKind.DEPARTMENT, "鹤岗市卫生健康委员会"),
    ("YJJ", UnitKind.DEPARTMENT, "鹤岗市应急管理局"),
    ("ZRJ", UnitKind.DEPARTMENT, "鹤岗市自然资源局"),
    ("HBJ", UnitKind.DEPARTMENT, "鹤岗市生态环境局"),
    ("JTJ", UnitKind.DEPARTMENT, "鹤岗市交通运输局"),
    ("NYJ", UnitKind.DEPARTMENT, "鹤岗市农业农村局"),
    ("CGJ", UnitKind.DEPARTMENT, "鹤岗市城市管理综合执法局"),
    ("YBJ", UnitKind.DEPARTMENT, "鹤岗市医疗保障局"),
    ("TYJ", UnitKind.DEPARTMENT, "鹤岗市退役军人事务局"),
    ("CZJ", UnitKind.DEPARTMENT, "鹤岗市财政局"),
)
COUNTY_DEPARTMENTS = (  # county-level counterparts; {c} is the county's name
    ("JCY", UnitKind.PROCURATORATE, "{c}人民检察院"),
    ("SFJ", UnitKind.JUSTICE_BUREAU, "{c}司法局"),
    ("XFJ", UnitKind.LETTERS_VISITS, "{c}信访局"),
    ("MZJ", UnitKind.CIVIL_AFFAIRS, "{c}民政局"),
    ("RSJ", UnitKind.DEPARTMENT, "{c}人力资源和社会保障局"),
    ("ZJJ", UnitKind.DEPARTMENT, "{c}住房和城乡建设局"),
    ("SCJ", UnitKind.DEPARTMENT, "{c}市场监督管理局"),
)
TOWNSHIPS_PER_STATION = 2
PROVINCE_ABBREVIATION = "黑"  # Heilongjiang, the first part of every 法院代字 here
CITY_COURT_CODE = "04"  # 鹤岗 among Heilongjiang's intermediate courts
TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")


@dataclass(frozen=True)
class PlannedUnit:
    code: str
    name: str
    kind: str
    level: str
    region_code: str
    parent_code: str | None = None
    court_code: str | None = None
    is_responsible_unit: bool = False


def unit_code(region_code: str, abbreviation: str) -> str:
    return f"{region_code}-{abbreviation}"


def plan_units(divisions: list[Division], mediator_names: Iterator[str]) -> list[PlannedUnit]:
    """Every unit of the demo city, parents before children."""
    city = next(d for d in divisions if d.level == "city")
    counties = [d for d in divisions if d.level == "county"]
    townships = [d for d in divisions if d.level == "township"]
    villages = [d for d in divisions if d.level == "village"]
    units = list(_city_units(city, next(mediator_names)))
    for county in counties:
        units += _county_units(city, county, next(mediator_names))
    for township in townships:
        units += _township_units(township)
    units += police_stations(counties, townships)
    for village in villages:
        units += _village_units(village)
    return units


def _city_units(city: Division, mediator: str) -> Iterator[PlannedUnit]:
    c = city.code
    yield PlannedUnit(unit_code(c, "ZFW"), "中共鹤岗市委政法委员会", UnitKind.COMMISSION, "city", c)
    yield PlannedUnit(
        unit_code(c, "ZZZX"), "鹤岗市社会治安综合治理中心", UnitKind.GOVERNANCE_CENTRE, "city", c
    )
    for abbreviation, kind, name in CITY_DEPARTMENTS:
        court = PROVINCE_ABBREVIATION + CITY_COURT_CODE if kind == UnitKind.COURT else None
        yield PlannedUnit(
            unit_code(c, abbreviation),
            name,
            kind,
            "city",
            c,
            court_code=court,
            is_responsible_unit=True,
        )
    yield PlannedUnit(
        unit_code(c, "TJS"),
        "鹤岗市矛盾纠纷多元化解中心调解室",
        UnitKind.MEDIATION_STUDIO,
        "city",
        c,
    )
    yield PlannedUnit(
        unit_code(c, "MRTJ"),
        f"{mediator}调解工作室",
        UnitKind.MEDIATION_STUDIO,
        "city",
        c,
        parent_code=unit_code(c, "TJS"),
    )


def _county_units(city: Division, county: Division, mediator: str) -> Iterator[PlannedUnit]:
    c, name = county.code, county.name
    yield PlannedUnit(
        unit_code(c, "ZFW"),
        f"中共{name}委政法委员会",
        UnitKind.COMMISSION,
        "county",
        c,
        parent_code=unit_code(city.code, "ZFW"),
        is_responsible_unit=True,
    )
    yield PlannedUnit(
        unit_code(c, "ZZZX"),
        f"{name}社会治安综合治理中心",
        UnitKind.GOVERNANCE_CENTRE,
        "county",
        c,
        parent_code=unit_code(city.code, "ZZZX"),
    )
    yield PlannedUnit(
        unit_code(c, "FY"),
        f"{_court_prefix(county)}{name}人民法院",
        UnitKind.COURT,
        "county",
        c,
        parent_code=unit_code(city.code, "FY"),
        court_code=PROVINCE_ABBREVIATION + c[2:],
    )
    yield PlannedUnit(
        unit_code(c, "GAJ"),
        _police_bureau_name(county),
        UnitKind.POLICE_BUREAU,
        "county",
        c,
        parent_code=unit_code(city.code, "GAJ"),
    )
    for abbreviation, kind, template in COUNTY_DEPARTMENTS:
        yield PlannedUnit(
            unit_code(c, abbreviation),
            template.format(c=name),
            kind,
            "county",
            c,
            parent_code=unit_code(city.code, abbreviation),
        )
    yield PlannedUnit(
        unit_code(c, "TJS"),
        f"{name}矛盾纠纷调解室",
        UnitKind.MEDIATION_STUDIO,
        "county",
        c,
        parent_code=unit_code(city.code, "TJS"),
    )
    yield PlannedUnit(
        unit_code(c, "MRTJ"),
        f"{mediator}调解工作室",
        UnitKind.MEDIATION_STUDIO,
        "county",
        c,
        parent_code=unit_code(c, "TJS"),
    )


def _court_prefix(county: Division) -> str:
    """District courts are named with the city (鹤岗市向阳区人民法院), county courts not."""
    return "鹤岗市" if county.name.endswith("区") else ""


def _police_bureau_name(county: Division) -> str:
    if county.name.endswith("区"):
        return f"鹤岗市公安局{county.name}分局"
    return f"{county.name}公安局"


def _township_units(township: Division) -> Iterator[PlannedUnit]:
    t, name, county = township.code, township.name, township.parent_code or ""
    yield PlannedUnit(
        unit_code(t, "ZZZX"),
        f"{name}综治中心",
        UnitKind.GOVERNANCE_CENTRE,
        "township",
        t,
        parent_code=unit_code(county, "ZZZX"),
    )
    yield PlannedUnit(
        unit_code(t, "TWH"),
        f"{name}人民调解委员会",
        UnitKind.MEDIATION_COMMITTEE,
        "township",
        t,
        parent_code=unit_code(county, "TJS"),
    )
    yield PlannedUnit(
        unit_code(t, "SFS"),
        f"{name}司法所",
        UnitKind.JUSTICE_BUREAU,
        "township",
        t,
        parent_code=unit_code(county, "SFJ"),
    )


def police_stations(counties: list[Division], townships: list[Division]) -> list[PlannedUnit]:
    """One station per group of neighbouring townships, placed in the first of them."""
    stations = []
    for county in counties:
        own = [t for t in townships if t.parent_code == county.code]
        for start in range(0, len(own), TOWNSHIPS_PER_STATION):
            first = own[start]
            stations.append(
                PlannedUnit(
                    unit_code(first.code, "PCS"),
                    f"{_short(first.name)}派出所",
                    UnitKind.POLICE_STATION,
                    "township",
                    county.code,
                    parent_code=unit_code(county.code, "GAJ"),
                )
            )
    return stations


def station_of(township_code: str, townships: list[Division]) -> str:
    """The code of the police station serving a township."""
    own = [t.code for t in townships if t.parent_code == township_code[:6]]
    first = own[own.index(township_code) // TOWNSHIPS_PER_STATION * TOWNSHIPS_PER_STATION]
    return unit_code(first, "PCS")


def _short(name: str) -> str:
    return next((name.removesuffix(s) for s in TOWNSHIP_SUFFIXES if name.endswith(s)), name)


def _village_units(village: Division) -> Iterator[PlannedUnit]:
    v, name, township = village.code, village.name, village.parent_code or ""
    yield PlannedUnit(
        unit_code(v, "ZZZX"),
        f"{name}综治中心",
        UnitKind.GOVERNANCE_CENTRE,
        "village",
        v,
        parent_code=unit_code(township, "ZZZX"),
    )
    yield PlannedUnit(
        unit_code(v, "TWH"),
        f"{name}人民调解委员会",
        UnitKind.MEDIATION_COMMITTEE,
        "village",
        v,
        parent_code=unit_code(township, "TWH"),
    )
