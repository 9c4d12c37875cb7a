"""Dates as people say them ("el quince de agosto del noventa y dos", "15/08/1992", "nací en el 85, el 3
de marzo") and the choice of the one that is the person's birth date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from acogida.intake.tokens import Number, Token

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}


@dataclass(frozen=True)
class DateMention:
    day: int | None
    month: int | None
    year: int | None
    start: int
    end: int
    first_token: int
    last_token: int

    def iso(self) -> str | None:
        if self.day is None or self.month is None or self.year is None:
            return None
        try:
            return dt.date(self.year, self.month, self.day).isoformat()
        except ValueError:
            return None


def full_year(value: int, today: dt.date) -> int:
    """Two-digit years are in the past: 92 → 1992, 05 → 2005 (in 2026)."""
    if value >= 100:
        return value
    return 2000 + value if value <= today.year % 100 else 1900 + value


def find_dates(tokens: list[Token], numbers: list[Number], today: dt.date) -> list[DateMention]:
    by_first_token = {number.first_token: number for number in numbers}
    mentions: list[DateMention] = []
    index = 0
    while index < len(tokens):
        number = by_first_token.get(index)
        if number is None and tokens[index].norm == "primero":  # "el primero de mayo", "el primero del dos"
            number = Number("1", tokens[index].start, tokens[index].end, index, index)
            mention = _spoken_date(tokens, by_first_token, number, today)
            if mention is not None:
                mentions.append(mention)
                index = mention.last_token + 1
                continue
        if number is None:
            index += 1
            continue
        mention = _numeric_date(tokens, by_first_token, number, today) or _spoken_date(
            tokens, by_first_token, number, today
        )
        if mention is not None:
            mentions.append(mention)
            index = mention.last_token + 1
            continue
        # A year on its own ("nací en el 85", "en 1985"), completed later by a day and month.
        is_year = 1900 <= number.value <= today.year or (
            len(number.digits) == 2 and _year_context(tokens, index)
        )
        if is_year:
            mentions.append(
                DateMention(
                    None,
                    None,
                    full_year(number.value, today),
                    number.start,
                    number.end,
                    index,
                    number.last_token,
                )
            )
        index = number.last_token + 1
    return mentions


def _year_context(tokens: list[Token], index: int) -> bool:
    """A two-digit number that is a year: "nací en el 85", "soy del 99", "¿de qué año? — Del 51"."""
    before = [token.norm for token in tokens[max(0, index - 6) : index]]
    return (
        bool({"naci", "nacida", "nacido", "ano"} & set(before))
        or before[-2:] in (["en", "el"], ["soy", "del"])
        or before[-1:] == ["del"]
    )


def _numeric_date(
    tokens: list[Token], by_first_token: dict[int, Number], day: Number, today: dt.date
) -> DateMention | None:
    """15/08/1992, 15-8-92, 15.08.1992."""
    separator_index = day.last_token + 1
    if separator_index >= len(tokens) or tokens[separator_index].text not in "/-.":
        return None
    month = by_first_token.get(separator_index + 1)
    if (
        month is None
        or month.last_token + 1 >= len(tokens)
        or tokens[month.last_token + 1].text != tokens[separator_index].text
    ):
        return None
    year = by_first_token.get(month.last_token + 2)
    if year is None:
        return None
    if not (1 <= day.value <= 31 and 1 <= month.value <= 12):
        return None
    return DateMention(
        day.value,
        month.value,
        full_year(year.value, today),
        day.start,
        year.end,
        day.first_token,
        year.last_token,
    )


def _spoken_date(
    tokens: list[Token], by_first_token: dict[int, Number], day: Number, today: dt.date
) -> DateMention | None:
    """15 de agosto [de|del] [19]92; 15 del 8 del 92."""
    probe = day.last_token + 1
    if probe < len(tokens) and tokens[probe].norm in {"de", "del"}:
        probe += 1
    if probe >= len(tokens) or not 1 <= day.value <= 31:
        return None
    month_value: int | None = None
    month_last = probe
    if tokens[probe].norm in MONTHS:
        month_value = MONTHS[tokens[probe].norm]
    elif (
        tokens[probe - 1].norm == "del" and probe in by_first_token and 1 <= by_first_token[probe].value <= 12
    ):
        month_value = by_first_token[probe].value
        month_last = by_first_token[probe].last_token
    if month_value is None:
        return None
    last = month_last
    year_value: int | None = None
    probe = month_last + 1
    while probe < len(tokens) and tokens[probe].norm in {"de", "del", "ano", ","}:
        probe += 1
    year = by_first_token.get(probe)
    if year is not None and (year.value >= 1900 or len(year.digits) == 2) and year.value <= today.year:
        year_value = full_year(year.value, today)
        last = year.last_token
    return DateMention(day.value, month_value, year_value, day.start, tokens[last].end, day.first_token, last)
