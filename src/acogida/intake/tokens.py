"""Tokens of a Spanish transcript with their character spans, plus spoken numbers read as digits.

Everything the extractors match works on these tokens, so every value keeps the span of the
original text it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents (ñ kept): the form all lexicons are written in."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    kept = []
    for index, char in enumerate(decomposed):
        if unicodedata.category(char) == "Mn":
            # keep the tilde of ñ, drop every other accent
            if char == "\u0303" and index > 0 and decomposed[index - 1] == "n":
                kept.append(char)
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


@dataclass(frozen=True)
class Token:
    text: str  # as written
    norm: str  # folded
    start: int
    end: int

    @property
    def is_digits(self) -> bool:
        return self.text.isdigit()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


UNITS = {
    "cero": 0,
    "uno": 1,
    "un": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
}
TEENS = {
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiuno": 21,
    "veintiun": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
}
TENS = {
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
}
HUNDREDS = {
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "doscientas": 200,
    "trescientos": 300,
    "trescientas": 300,
    "cuatrocientos": 400,
    "cuatrocientas": 400,
    "quinientos": 500,
    "quinientas": 500,
    "seiscientos": 600,
    "seiscientas": 600,
    "setecientos": 700,
    "setecientas": 700,
    "ochocientos": 800,
    "ochocientas": 800,
    "novecientos": 900,
    "novecientas": 900,
}
NUMBER_WORDS = set(UNITS) | set(TEENS) | set(TENS) | set(HUNDREDS) | {"mil", "millon", "millones"}
# "un"/"una" are articles far more often than numbers; they count only inside a run of numbers.
_WEAK_NUMBER_WORDS = {"un", "una"}


@dataclass(frozen=True)
class Number:
    """One spoken or written number: its digits as said (leading zeros kept) and its span."""

    digits: str
    start: int
    end: int
    first_token: int
    last_token: int  # inclusive

    @property
    def value(self) -> int:
        return int(self.digits)


def _group_value(words: list[str]) -> int | None:
    """Value of one cardinal like "mil novecientos noventa y dos"; None if the words do not form one."""
    millions = 0
    total = 0
    current = 0
    for word in words:
        if word == "y":
            continue
        if word in {"millon", "millones"}:
            millions = (total + current or 1) * 1_000_000
            total = current = 0
            continue
        if word == "mil":
            total += (current or 1) * 1000
            current = 0
        elif word in HUNDREDS:
            current += HUNDREDS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in TEENS:
            current += TEENS[word]
        elif word in UNITS:
            current += UNITS[word]
        else:
            return None
    return millions + total + current


def _rank(word: str) -> int:
    """Order of magnitude a word contributes: units 0, teens/tens 1, hundreds 2, mil 3."""
    if word == "mil":
        return 3
    if word in HUNDREDS:
        return 2
    if word in TEENS or word in TENS:
        return 1
    return 0


def _can_extend(group: list[str], word: str) -> bool:
    """Whether ``word`` continues the cardinal in ``group`` ("treinta y cuatro", "ciento doce")."""
    last = group[-1]
    if word in {"millon", "millones"}:
        return all(w not in {"mil", "millon", "millones"} for w in group)
    if last in {"millon", "millones"}:
        return True
    if word == "mil":
        return all(w != "mil" for w in group)
    if last == "y":
        return word in UNITS and len(group) >= 2 and group[-2] in TENS
    if last == "mil":
        return True
    if last in HUNDREDS and last != "cien":
        return _rank(word) <= 1
    if last in TENS:
        return False  # "treinta cuatro" is two numbers; "treinta y cuatro" goes through "y"
    return False


def spoken_numbers(tokens: list[Token]) -> list[Number]:
    """Every number in the tokens: digit tokens as written, number words as cardinals.

    A run of words splits where Spanish cannot continue one cardinal, so "seis uno dos" gives 6, 1, 2
    and "doce treinta y cuatro" gives 12, 34 — the groups in which people dictate phones and documents.
    "cero" always stands alone, so "cero ocho" keeps its leading zero.
    """
    numbers: list[Number] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.is_digits:
            numbers.append(Number(token.text, token.start, token.end, index, index))
            index += 1
            continue
        if token.norm not in NUMBER_WORDS or (
            token.norm in _WEAK_NUMBER_WORDS and not _next_is_number(tokens, index)
        ):
            index += 1
            continue
        group = [token.norm]
        end = index
        probe = index + 1
        while probe < len(tokens) and group[0] != "cero":
            word = tokens[probe].norm
            if (
                word == "y"
                and group[-1] in TENS
                and probe + 1 < len(tokens)
                and tokens[probe + 1].norm in UNITS
            ):
                group.append("y")
                probe += 1
                continue
            if word in NUMBER_WORDS and word != "cero" and _can_extend(group, word):
                group.append(word)
                end = probe
                probe += 1
                continue
            break
        value = _group_value(group)
        if value is not None:
            numbers.append(Number(str(value), token.start, tokens[end].end, index, end))
        index = end + 1
    return numbers


def _next_is_number(tokens: list[Token], index: int) -> bool:
    return index + 1 < len(tokens) and (tokens[index + 1].is_digits or tokens[index + 1].norm in NUMBER_WORDS)
