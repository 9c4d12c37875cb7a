"""Identity documents (DNI, NIE, passport) and phone numbers, as people dictate them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from acogida.intake.tokens import Number, Token

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
NIE_PREFIX_DIGIT = {"X": "0", "Y": "1", "Z": "2"}

LETTER_WORDS = {
    "a": "A",
    "be": "B",
    "ce": "C",
    "de": "D",
    "e": "E",
    "efe": "F",
    "ge": "G",
    "hache": "H",
    "i": "I",
    "jota": "J",
    "ka": "K",
    "ca": "K",
    "ele": "L",
    "eme": "M",
    "ene": "N",
    "eñe": "Ñ",
    "o": "O",
    "pe": "P",
    "cu": "Q",
    "erre": "R",
    "ere": "R",
    "ese": "S",
    "te": "T",
    "u": "U",
    "uve": "V",
    "ve": "V",
    "equis": "X",
    "ye": "Y",
    "zeta": "Z",
    "ceta": "Z",
    "zed": "Z",
}
TWO_WORD_LETTERS = {
    ("i", "griega"): "Y",
    ("uve", "doble"): "W",
    ("doble", "uve"): "W",
    ("be", "alta"): "B",
    ("be", "larga"): "B",
    ("uve", "baja"): "V",
    ("uve", "corta"): "V",
    ("i", "latina"): "I",
    ("y", "griega"): "Y",
    ("doble", "ve"): "W",
    ("ve", "doble"): "W",
    ("ve", "chica"): "V",
    ("ve", "baja"): "V",
    ("be", "baja"): "V",
    ("ve", "pequeña"): "V",
    ("ve", "corta"): "V",
    ("be", "grande"): "B",
}
# Words people put between the digits and the letter: "…78, letra zeta", "…78 y la zeta".
_LETTER_FILLERS = {
    "letra",
    "la",
    "el",
    "y",
    "con",
    "es",
    "guion",
    "-",
    ".",
    ",",
    "/",
    "mayuscula",
    "una",
    "un",
    ":",
    "al",
    "final",
    "luego",
    "despues",
    "de",
    "ultimo",
    "ultima",
    "que",
}
# "/" is not here: "05/08/2025" is a date and "2024/9022" a file number, never one document
_DIGIT_SEPARATORS = {".", "-", ",", "guion", "punto", "barra"}
_UNAMBIGUOUS_LETTER_WORDS = {
    "equis",
    "zeta",
    "ceta",
    "jota",
    "hache",
    "erre",
    "efe",
    "eme",
    "ene",
    "ele",
    "ka",
    "eñe",
    "uve",
    "ge",
    "pe",
    "cu",
    "ese",
    "be",
    "ce",
    "te",
    "ye",
}


def normalise_document_number(number: str) -> str:
    """As the contract writes it: no spaces, dots, dashes or slashes, upper case ("X1234567L")."""
    return re.sub(r"[\s.\-/]", "", number).upper()


def dni_letter(number: int) -> str:
    return DNI_LETTERS[number % 23]


def document_is_valid(document_type: str, number: str) -> bool:
    """DNI/NIE: the check letter matches (mod 23). Passport: well-formed (6-9 letters and digits)."""
    if document_type == "DNI":
        return bool(re.fullmatch(r"\d{8}[A-Z]", number)) and dni_letter(int(number[:8])) == number[8]
    if document_type == "NIE":
        if not re.fullmatch(r"[XYZ]\d{7}[A-Z]", number):
            return False
        return dni_letter(int(NIE_PREFIX_DIGIT[number[0]] + number[1:8])) == number[8]
    return bool(re.fullmatch(r"[A-Z0-9]{6,9}", number)) and any(c.isdigit() for c in number)


@dataclass(frozen=True)
class Letter:
    letter: str
    first_token: int
    last_token: int  # inclusive


def _spelled_with_example(tokens: list[Token], index: int) -> bool:
    """ "de de dedo", "a de Alicante": the letter confirmed by a word that starts with it."""
    name = tokens[index].norm
    letter = LETTER_WORDS.get(name, name.upper() if len(name) == 1 else "")
    return (
        bool(letter)
        and index + 2 < len(tokens)
        and tokens[index + 1].norm == "de"
        and len(tokens[index + 2].text) > 1
        and tokens[index + 2].norm[:1].upper() == letter[:1]
    )


def letter_at(tokens: list[Token], index: int, *, strict: bool) -> Letter | None:
    """A dictated or written letter starting at ``index``: "Z", "zeta", "i griega", "la ce de casa".

    ``strict`` refuses the letter names that are also common words ("a", "de", "e", "o", "i", "u").
    """
    if index >= len(tokens):
        return None
    token = tokens[index]
    if index + 1 < len(tokens) and (token.norm, tokens[index + 1].norm) in TWO_WORD_LETTERS:
        return Letter(TWO_WORD_LETTERS[(token.norm, tokens[index + 1].norm)], index, index + 1)
    letter: str | None = None
    if len(token.text) == 1 and token.text.isalpha():
        # "y", "o", "e", "u", "a" in lower case are conjunctions and prepositions when a word follows
        # ("…78 y la letra es…"); at the end of the phrase they are the letter itself.
        followed_by_word = index + 1 < len(tokens) and tokens[index + 1].is_word
        spelled_out = _spelled_with_example(tokens, index)
        # "a" stays a letter unless it starts "a las…", "a la…": a check letter "A" is common
        preposition = (
            token.text == "a"
            and followed_by_word
            and tokens[index + 1].norm in {"las", "la", "los", "el", "un", "una", "ver"}
        )
        if strict and (token.text in "yoeu" or preposition) and followed_by_word and not spelled_out:
            return None
        letter = token.text.upper()
    elif token.norm in LETTER_WORDS and (
        not strict or token.norm in _UNAMBIGUOUS_LETTER_WORDS or _spelled_with_example(tokens, index)
    ):
        letter = LETTER_WORDS[token.norm]
    if letter is None:
        return None
    last = index
    # "ce de casa", "zeta de Zaragoza": the example word confirms the letter and is consumed.
    if _spelled_with_example(tokens, index):
        last = index + 2
    return Letter(letter, index, last)


@dataclass(frozen=True)
class DigitRun:
    """Adjacent numbers read as one digit string ("seis uno dos", "612 34 56 78", "12.345.678")."""

    digits: str
    start: int
    end: int
    first_token: int
    last_token: int
    groups: tuple[Number, ...]


def digit_runs(tokens: list[Token], numbers: list[Number]) -> list[DigitRun]:
    runs: list[DigitRun] = []
    current: list[Number] = []
    for number in numbers:
        if current:
            gap = tokens[current[-1].last_token + 1 : number.first_token]
            if _joins_groups(gap, current[-1].end, number.start):
                current.append(number)
                continue
            runs.append(_make_run(current))
        current = [number]
    if current:
        runs.append(_make_run(current))
    return runs


_PAUSE_WORDS = {"eh", "em", "mmm", "ehh", "este"}


def _joins_groups(gap: list[Token], left_end: int, right_start: int) -> bool:
    """Whether what stands between two numbers still belongs to one dictated string: nothing, a dash,
    a comma, an ellipsis ("cuatro tres... cuarenta"), a hesitation ("eh"), or a dot inside a written
    number ("12.345.678") — but not a full stop ("…859. 719…")."""
    if len(gap) > 3 or not all(token.norm in _DIGIT_SEPARATORS | _PAUSE_WORDS for token in gap):
        return False
    if len(gap) == 1 and gap[0].text == ".":
        return gap[0].start == left_end and gap[0].end == right_start
    return True


def _make_run(groups: list[Number]) -> DigitRun:
    return DigitRun(
        digits="".join(group.digits for group in groups),
        start=groups[0].start,
        end=groups[-1].end,
        first_token=groups[0].first_token,
        last_token=groups[-1].last_token,
        groups=tuple(groups),
    )


@dataclass(frozen=True)
class DocumentCandidate:
    document_type: str
    number: str
    start: int
    end: int
    first_token: int
    last_token: int


def _letter_after(tokens: list[Token], index: int) -> Letter | None:
    """The check letter following the digits, skipping the few words people put before it."""
    probe = index
    skipped = 0
    while probe < len(tokens) and skipped <= 5:
        found = letter_at(tokens, probe, strict=True)
        if found is None and probe > index and tokens[probe - 1].norm in {"letra", "la", ","}:
            # "…la letra e", "…y al final la de.", "…590, de.": a short letter name closing the phrase
            loose = letter_at(tokens, probe, strict=False)
            closing = loose is not None and (
                loose.last_token + 1 >= len(tokens) or not tokens[loose.last_token + 1].is_word
            )
            if loose is not None and (tokens[probe - 1].norm == "letra" or closing):
                found = loose
        if found is not None and found.letter.isalpha():
            return found
        if tokens[probe].norm not in _LETTER_FILLERS:
            return None
        probe += 1
        skipped += 1
    return None


def _prefix_letter_before(tokens: list[Token], index: int) -> Letter | None:
    """NIE prefix (X, Y, Z) before the digits: "equis", "i griega", "X-", "empieza por la zeta de
    Zaragoza, luego…"."""
    probe = index - 1
    skipped = 0
    while probe >= 0 and skipped <= 4:
        for start in range(max(0, probe - 3), probe + 1):  # letters of several words end at probe
            found = letter_at(tokens, start, strict=True)
            if found is not None and found.last_token == probe and found.letter in NIE_PREFIX_DIGIT:
                return found
        if tokens[probe].norm not in _PREFIX_FILLERS:
            return None
        probe -= 1
        skipped += 1
    return None


_PREFIX_FILLERS = {"-", ".", "guion", ",", "luego", "despues", "y", "seguido", "sigue", "numeros", "el", "la"}


def _check_letter_by_value(tokens: list[Token], index: int, body: str) -> Letter | None:
    """A short letter name right after the digits that is also a common word ("…catorce de mi
    teléfono…") counts only when it is the document's correct check letter."""
    if index >= len(tokens):
        return None
    loose = letter_at(tokens, index, strict=False)
    if loose is None or not loose.letter.isalpha():
        return None
    number = body + loose.letter
    kind = "NIE" if body[:1] in NIE_PREFIX_DIGIT else "DNI"
    return loose if document_is_valid(kind, number) else None


def find_documents(tokens: list[Token], runs: list[DigitRun]) -> list[DocumentCandidate]:
    candidates: list[DocumentCandidate] = []
    for run in runs:
        prefix = _prefix_letter_before(tokens, run.first_token)
        letter = _letter_after(tokens, run.last_token + 1)
        digits = run.digits
        if letter is None and (len(digits) == 8 or (prefix is not None and len(digits) == 7)):
            letter = _check_letter_by_value(
                tokens, run.last_token + 1, (prefix.letter if prefix else "") + digits
            )
        if prefix is not None and len(digits) == 7:
            last = letter.last_token if letter else run.last_token
            number = prefix.letter + digits + (letter.letter if letter else "")
            candidates.append(
                DocumentCandidate(
                    "NIE",
                    number,
                    tokens[prefix.first_token].start,
                    tokens[last].end,
                    prefix.first_token,
                    last,
                )
            )
        elif len(digits) == 8 and (letter is not None or _document_context(tokens, run.first_token)):
            last = letter.last_token if letter else run.last_token
            number = digits + (letter.letter if letter else "")
            candidates.append(
                DocumentCandidate("DNI", number, run.start, tokens[last].end, run.first_token, last)
            )
    return candidates


_DOCUMENT_CUES = {"dni", "nie", "documento", "identidad", "carnet", "carne", "tarjeta", "pasaporte"}


def _document_context(tokens: list[Token], index: int, window: int = 8) -> bool:
    return any(token.norm in _DOCUMENT_CUES for token in tokens[max(0, index - window) : index])


_PASSPORT_TOKEN = re.compile(r"[A-Z0-9]+")


def find_passports(tokens: list[Token], runs: list[DigitRun]) -> list[DocumentCandidate]:
    """The first code after "pasaporte": "pasaporte AB123456", "mi pasaporte es el ZE 966852",
    "¿me dice el número? 554084296". Letters only before the digits, as passports are written."""
    candidates: list[DocumentCandidate] = []
    for index, token in enumerate(tokens):
        if token.norm != "pasaporte":
            continue
        run = next((r for r in runs if index < r.first_token <= index + 25), None)
        if run is None or any(t.norm in _OTHER_NUMBER_CUES for t in tokens[index + 1 : run.first_token]):
            continue
        prefix, first = _passport_letters(tokens, index, run.first_token)
        number = prefix + run.digits
        # a letter glued to the end ("…395A") belongs to it; a separate word ("A ver") does not
        last = run.last_token
        following = run.last_token + 1
        if (
            following < len(tokens)
            and tokens[following].start == tokens[last].end
            and tokens[following].text.isalpha()
            and tokens[following].text.isupper()
            and len(tokens[following].text) == 1
        ):
            number += tokens[following].text
            last = following
        if 6 <= len(number) <= 9 and sum(c.isdigit() for c in number) >= 5:
            candidates.append(
                DocumentCandidate("PASSPORT", number, tokens[first].start, tokens[last].end, first, last)
            )
    return candidates


def _passport_letters(tokens: list[Token], trigger: int, digits_start: int) -> tuple[str, int]:
    """Letters before the digits of a passport: "JV-0321977", "l b 3532992", "las letras ge de gato
    pe y luego…". Returns the letters and the first token they take."""
    letters = ""
    first = digits_start
    probe = digits_start - 1
    # after "las letras", short letter names ("de", "a", "e") are letters, not words
    strict = not any(token.norm == "letras" for token in tokens[trigger:digits_start])
    while probe > trigger and len(letters) < 3:
        text = tokens[probe].text
        if tokens[probe].norm in {"-", "y", "luego", "despues", ","}:
            probe -= 1
            continue
        if text.isalpha() and text.isupper() and 1 < len(text) + len(letters) <= 3:
            letters = text + letters
            first = probe
            probe -= 1
            continue
        found = next(
            (
                letter
                for start in range(max(trigger + 1, probe - 2), probe + 1)
                if (letter := letter_at(tokens, start, strict=strict and len(tokens[start].text) > 1))
                is not None
                and letter.last_token == probe
            ),
            None,
        )
        if found is None:
            break
        letters = found.letter + letters
        first = found.first_token
        probe = found.first_token - 1
    return letters, first


_OTHER_NUMBER_CUES = {
    "llamar",
    "llamarme",
    "localizarme",
    "telefono",
    "movil",
    "whatsapp",
    "dni",
    "nie",
    "expediente",
    "codigo",
    "postal",
    "calle",
    "euros",
    "cita",
}


# --- phones ----------------------------------------------------------------------------------------

# Country calling codes of the countries people most often come from, plus neighbours; used to
# recognise an international number said without "+".
COUNTRY_CALLING_CODES = (
    "212",
    "213",
    "216",
    "218",
    "220",
    "221",
    "222",
    "223",
    "224",
    "225",
    "226",
    "227",
    "228",
    "229",
    "230",
    "231",
    "232",
    "233",
    "234",
    "235",
    "236",
    "237",
    "238",
    "240",
    "241",
    "242",
    "243",
    "244",
    "245",
    "249",
    "250",
    "251",
    "252",
    "253",
    "254",
    "255",
    "256",
    "257",
    "260",
    "261",
    "263",
    "351",
    "352",
    "353",
    "354",
    "355",
    "356",
    "357",
    "358",
    "359",
    "370",
    "371",
    "372",
    "373",
    "374",
    "375",
    "376",
    "377",
    "378",
    "380",
    "381",
    "382",
    "385",
    "386",
    "387",
    "389",
    "420",
    "421",
    "501",
    "502",
    "503",
    "504",
    "505",
    "506",
    "507",
    "509",
    "591",
    "592",
    "593",
    "595",
    "597",
    "598",
    "880",
    "963",
    "964",
    "966",
    "967",
    "970",
    "971",
    "972",
    "974",
    "992",
    "993",
    "994",
    "995",
    "996",
    "998",
    "20",
    "27",
    "30",
    "31",
    "32",
    "33",
    "34",
    "36",
    "39",
    "40",
    "41",
    "43",
    "44",
    "45",
    "46",
    "47",
    "48",
    "49",
    "51",
    "52",
    "53",
    "54",
    "55",
    "56",
    "57",
    "58",
    "60",
    "62",
    "63",
    "66",
    "81",
    "82",
    "84",
    "86",
    "90",
    "91",
    "92",
    "93",
    "94",
    "95",
    "98",
    "1",
    "7",
)


@dataclass(frozen=True)
class PhoneCandidate:
    e164: str
    start: int
    end: int
    first_token: int
    last_token: int


def _international(digits: str) -> str | None:
    for code in COUNTRY_CALLING_CODES:
        if digits.startswith(code) and 8 <= len(digits) - len(code) <= 12:
            return "+" + digits
    return None


def _international_prefix(tokens: list[Token], run: DigitRun) -> bool:
    """The run is said as an international number: "+", "más", "00…", or after "prefijo"."""
    first = run.first_token
    before = {token.norm for token in tokens[max(0, first - 5) : first]}
    return (
        (first > 0 and tokens[first - 1].norm in {"+", "mas"})
        or "prefijo" in before
        or run.digits.startswith("00")
    )


def _join_prefix_and_number(tokens: list[Token], runs: list[DigitRun]) -> list[DigitRun]:
    """'el prefijo de Perú, 0051, y luego 970741979': a short country prefix and the number after it."""
    joined: list[DigitRun] = []
    skip_next = False
    for position, run in enumerate(runs):
        if skip_next:
            skip_next = False
            continue
        following = runs[position + 1] if position + 1 < len(runs) else None
        short_prefix = len(run.digits.lstrip("0")) <= 3 and _international_prefix(tokens, run)
        if following is not None and short_prefix:
            gap = tokens[run.last_token + 1 : following.first_token]
            if len(gap) <= 4 and all(
                token.norm in {",", "y", "luego", "despues", "el", "-", "."} for token in gap
            ):
                joined.append(
                    DigitRun(
                        run.digits + following.digits,
                        run.start,
                        following.end,
                        run.first_token,
                        following.last_token,
                        run.groups + following.groups,
                    )
                )
                skip_next = True
                continue
        joined.append(run)
    return joined


def find_phones(tokens: list[Token], runs: list[DigitRun]) -> list[PhoneCandidate]:
    candidates: list[PhoneCandidate] = []
    for run in _join_prefix_and_number(tokens, runs):
        digits = run.digits
        half = len(digits) // 2
        if len(digits) % 2 == 0 and half >= 9 and digits[:half] == digits[half:]:
            digits = digits[:half]  # "seis seis tres … seis seis tres …": read back without a pause
        first = run.first_token
        plus = first > 0 and tokens[first - 1].norm in {"+", "mas"}
        start = tokens[first - 1].start if plus else run.start
        token_start = first - 1 if plus else first
        e164: str | None = None
        if digits.startswith("00") and len(digits) > 10:
            e164 = _international(digits[2:])
        elif plus or (_international_prefix(tokens, run) and len(digits) >= 10):
            e164 = _international(digits)
        elif len(digits) == 9 and digits[0] in "6789":
            e164 = "+34" + digits
        elif len(digits) == 11 and digits.startswith("34") and digits[2] in "6789":
            e164 = "+" + digits
        if e164 is not None:
            candidates.append(PhoneCandidate(e164, start, run.end, token_start, run.last_token))
    return candidates
