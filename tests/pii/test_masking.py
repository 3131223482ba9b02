from __future__ import annotations

import pytest

from zhengfa.pii.masking import mask_address, mask_id_number, mask_name, mask_phone, redact_personal


def test_id_number_keeps_city_prefix_and_last_four() -> None:
    assert mask_id_number("230402199001011234") == "2304**********1234"
    assert mask_id_number("11010519491231002x") == "1101**********002X"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0468-3451234", "0468-***1234"),
        ("01012345678", "010-****5678"),
    ],
)
def test_phone_masks(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("黑龙江省鹤岗市向阳区红旗路12号3单元401", "黑龙江省鹤岗市向阳区****"),
        ("鹤岗市萝北县名山镇幸福村", "鹤岗市萝北县****"),
        ("内蒙古自治区呼和浩特市新城区某路1号", "内蒙古自治区呼和浩特市新城区****"),
        ("鹤岗市红旗路12号", "鹤岗市****"),
        ("红旗路12号", "****"),
        ("", ""),
    ],
)
def test_address_keeps_the_district(raw: str, masked: str) -> None:
    assert mask_address(raw) == masked


def test_name_keeps_the_family_name() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"


def test_redact_masks_numbers_inside_labels() -> None:
    assert redact_personal("13812345678") == "138****5678"
    assert redact_personal("张三 11010519491231002X") == "张三 1101**********002X"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("北京市朝阳区建国路88号", "北京市朝阳区****"),
        ("向阳区红旗路12号", "向阳区****"),
        ("鹤岗市东山区东风街3号", "鹤岗市东山区****"),
        ("内蒙古自治区鄂尔多斯市达拉特旗树林召镇", "内蒙古自治区鄂尔多斯市达拉特旗****"),
    ],
)
def test_address_streets_are_not_mistaken_for_divisions(raw: str, masked: str) -> None:
    assert mask_address(raw) == masked
