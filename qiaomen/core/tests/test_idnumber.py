from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qiaomen.core.idnumber import IdNumberError, make_id_number, parse_id_number, upgrade_fifteen


def test_a_valid_number_gives_birth_date_and_gender() -> None:
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"


def test_lowercase_x_full_width_digits_and_spaces_are_normalised() -> None:
    assert parse_id_number(" １１０１０５１９４９１２３１００２x ").value == "11010519491231002X"


def test_security_27_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number("110105194912310021")
    assert error.value.code == "id_number_checksum"


@pytest.mark.parametrize("raw", ["1.10105E+17", "1.10105194912310E+17", 1.1010519491231e17, 110105194912310020])
def test_a_number_a_spreadsheet_turned_into_a_number_is_refused(raw: object) -> None:
    with pytest.raises(IdNumberError) as error:
        parse_id_number(raw)
    assert error.value.code == "id_number_as_number"


def test_a_fifteen_digit_number_is_upgraded() -> None:
    upgraded = upgrade_fifteen("110105491231002")
    assert upgraded == "11010519491231002X"
    assert parse_id_number("110105491231002").value == upgraded


def test_security_27_an_impossible_birth_date_is_refused() -> None:
    first17 = "11010519490231002"
    from qiaomen.core.idnumber import check_char

    with pytest.raises(IdNumberError) as error:
        parse_id_number(first17 + check_char(first17))
    assert error.value.code == "id_number_birth_date"


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=99),
    gender=st.sampled_from(["M", "F"]),
)
def test_generated_numbers_round_trip(birth: dt.date, sequence: int, gender: str) -> None:
    parsed = parse_id_number(make_id_number("310104", birth, sequence, gender))
    assert (parsed.birth_date, parsed.gender) == (birth, gender)
