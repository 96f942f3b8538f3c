"""Masking of names, ID numbers and phone numbers."""
from __future__ import annotations

import pytest

from webui.masking import mask_id_number, mask_name, mask_phone, phone_tail


@pytest.mark.parametrize("raw, shown", [
    ("张三", "张*"), ("张三丰", "张**"), ("欧阳娜娜", "欧阳**"), ("欧阳", "欧*"),
    ("司马相如", "司马**"), ("  李四 ", "李*"), ("", ""), (None, ""), ("Li Wei", "L* ***"),
])
def test_mask_name(raw, shown):
    assert mask_name(raw) == shown


@pytest.mark.parametrize("raw, shown", [
    ("510402198001011234", "5104**********1234"),
    ("51040219800101123X", "5104**********123X"),
    ("510402800101123", "5104*******1123"),
    ("1234", "**34"), ("", ""), (None, ""),
])
def test_mask_id_number(raw, shown):
    assert mask_id_number(raw) == shown


@pytest.mark.parametrize("raw, shown", [
    ("13812345678", "138****5678"), ("138-1234-5678", "138-****-5678"),
    ("+86 13812345678", "+86 1******5678"), ("0812-3334444", "081*-***4444"), ("3334444", "***4444"),
    ("123", "***"), ("", ""), (None, ""),
])
def test_mask_phone(raw, shown):
    assert mask_phone(raw) == shown


def test_masked_values_never_contain_the_hidden_digits():
    number = "510402198001011234"
    assert "19800101" not in mask_id_number(number)
    assert "1234" not in mask_phone("13812345678")[:7]


@pytest.mark.parametrize("raw, tail", [("13812345678", "5678"), ("0812-3334444", "4444"), ("12", None), (None, None)])
def test_phone_tail(raw, tail):
    assert phone_tail(raw) == tail
