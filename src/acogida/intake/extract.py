"""Form fields from a Spanish intake transcript.

Each field is ``{"value", "confidence", "start", "end"}`` with the span of the transcript it came
from; a field nobody said is absent. The rules are deterministic: candidates are found everywhere
(documents and phones through spoken digits and dictated letters, dates in words and digits) and the
context around each decides whether it is the person's data or a distractor (the office's phone, an
appointment, a relative, the technician's own name). When the person corrects themselves, the later
statement wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from acogida.intake.dates import DateMention, find_dates
from acogida.intake.identifiers import (
    DocumentCandidate,
    PhoneCandidate,
    digit_runs,
    document_is_valid,
    find_documents,
    find_passports,
    find_phones,
    letter_at,
)
from acogida.intake.lexicon import (
    LOWERCASE_PARTICLES,
    NAME_PARTICLES,
    NEEDS_KEYWORDS,
    RELATIVES,
    RELATIVES_PLURAL,
    STREET_WORDS,
    STRONG_NEED_KEYWORDS,
    common_words,
    country_names,
    demonyms,
    first_names,
    municipalities,
)
from acogida.intake.speakers import Turns, find_turns
from acogida.intake.tokens import NUMBER_WORDS, Number, fold, spoken_numbers, tokenize

FIELD_NAMES = (
    "given_name",
    "surnames",
    "document_type",
    "document_number",
    "document_valid",
    "birth_date",
    "nationality",
    "municipality",
    "phone",
    "household_size",
    "needs",
)
NEEDS = ("food", "housing", "employment", "health", "legal", "financial", "psychological", "education")

_CLAUSE_END = {".", "?", "!", ";", "¿", "¡", ":"}
_CORRECTION_CUES = {
    "perdon",
    "perdona",
    "perdone",
    "espera",
    "espere",
    "equivoque",
    "corrijo",
    "rectifico",
    "error",
    "digo",
    "mejor",
    "no",
    "quiero",
    "disculpa",
    "disculpe",
    "perdoname",
    "corrige",
    "equivocado",
    "equivocada",
    "dicho",
    "lio",
}
_RELATIVE_OWNERS = RELATIVES | {"marido", "mujer"}
_STAFF_WORDS = {
    "tecnica",
    "tecnico",
    "trabajadora",
    "trabajador",
    "social",
    "voluntaria",
    "voluntario",
    "cruz",
    "roja",
    "atender",
    "atenderle",
    "atenderte",
    "preguntas",
    "acogida",
    "entrevista",
    "educadora",
    "educador",
    "mediadora",
    "mediador",
    "coordinadora",
    "coordinador",
}


@dataclass
class Field:
    value: Any
    confidence: float
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "confidence": round(self.confidence, 2),
            "start": self.start,
            "end": self.end,
        }


class Transcript:
    """A transcript with its tokens, numbers and speaker turns, and context helpers."""

    def __init__(self, text: str, today: dt.date) -> None:
        self.text = text
        self.today = today
        self.tokens = tokenize(text)
        self.norms = [token.norm for token in self.tokens]
        self.numbers = spoken_numbers(self.tokens)
        self.runs = digit_runs(self.tokens, self.numbers)
        self.number_starting_at = {number.first_token: number for number in self.numbers}
        self.turns: Turns = find_turns(text)
        # first token of a repeated full name → how many tokens the shorter first statement had
        self.given_hints: dict[int, int] = {}

    def clause_before(self, index: int, limit: int = 10) -> list[str]:
        words: list[str] = []
        probe = index - 1
        while probe >= 0 and len(words) < limit and self.norms[probe] not in _CLAUSE_END:
            words.append(self.norms[probe])
            probe -= 1
        words.reverse()
        return words

    def sentence_before(self, index: int, limit: int = 12) -> list[str]:
        """Words before ``index`` back to the previous full stop or question mark (colons included)."""
        words: list[str] = []
        probe = index - 1
        while probe >= 0 and len(words) < limit and self.norms[probe] not in {".", "?", "!", "¿", "¡"}:
            words.append(self.norms[probe])
            probe -= 1
        words.reverse()
        return words

    def window_before(self, index: int, size: int) -> list[str]:
        return self.norms[max(0, index - size) : index]

    def window_after(self, index: int, size: int) -> list[str]:
        return self.norms[index + 1 : index + 1 + size]

    def longest_phrase(self, index: int, table: Mapping[str, str], max_tokens: int) -> tuple[str, int] | None:
        """The value of the longest phrase of up to ``max_tokens`` tokens from ``index`` that ``table``
        knows (keys folded, as written: "l'hospitalet de llobregat"), and the phrase's last token."""
        for length in range(min(max_tokens, len(self.tokens) - index), 0, -1):
            phrase = fold(self.text[self.tokens[index].start : self.tokens[index + length - 1].end])
            if phrase in table:
                return table[phrase], index + length - 1
        return None

    def speaker(self, index: int) -> str | None:
        if not 0 <= index < len(self.tokens):
            return None
        return self.turns.speaker_at(self.tokens[index].start)

    def is_staff(self, index: int) -> bool:
        return self.speaker(index) == "staff"


def _contains_sequence(words: list[str], sequence: tuple[str, ...]) -> bool:
    length = len(sequence)
    return any(tuple(words[i : i + length]) == sequence for i in range(len(words) - length + 1))


def _relative_owner(words: list[str]) -> bool:
    """'de mi marido', 'mi hijo nació', 'el de mi hermana': the data belongs to somebody else.

    Decided by the last possessive before the data: "con mis padres, mi teléfono es" is the person's.
    """
    recent = words[-10:]
    for position in range(len(recent) - 1, -1, -1):
        if recent[position] in {"mia", "mio", "mias", "mios"}:
            return False  # "esa es la de mi hermana, la mía es…"
        if recent[position] in {"mi", "mis", "su", "sus", "tu", "tus"}:
            following = recent[position + 1] if position + 1 < len(recent) else ""
            return following in _RELATIVE_OWNERS
    return False


# --- documents ---------------------------------------------------------------------------------------


def _correction_follows(transcript: Transcript, start: int, end: int) -> bool:
    return any(word in _CORRECTION_CUES for word in transcript.norms[start:end])


def _corrected_digits(transcript: Transcript, after: int, digits: str, horizon: int = 30) -> tuple[str, int]:
    """Apply "no, perdona, el último es un 3" / "el primero es un 5" said after a number."""
    norms = transcript.norms
    last_index = after
    for index in range(after + 1, min(len(norms), after + horizon)):
        if norms[index] not in {"ultimo", "ultima", "final", "primero", "primera"}:
            continue
        if not _correction_follows(transcript, after + 1, index + 1) and norms[index - 1] not in {"el", "la"}:
            continue
        probe = index + 1
        while probe < len(norms) and norms[probe] in {
            "numero",
            "digito",
            "cifra",
            "es",
            "era",
            "seria",
            "un",
            "una",
            "el",
            "la",
            "no",
            "sino",
        }:
            probe += 1
        number = transcript.number_starting_at.get(probe)
        if number is None or len(number.digits) != 1 or not digits:
            continue
        if norms[index] in {"ultimo", "ultima", "final"}:
            digits = digits[:-1] + number.digits
        else:
            digits = number.digits + digits[1:]
        last_index = number.last_token
    return digits, last_index


def _corrected_letter(transcript: Transcript, after: int, horizon: int = 30) -> tuple[str | None, int]:
    norms = transcript.norms
    for index in range(after + 1, min(len(norms), after + horizon)):
        if norms[index] != "letra" or not _correction_follows(transcript, after + 1, index + 1):
            continue
        probe = index + 1
        while probe < len(norms) and norms[probe] in {"es", "era", "la", "una", "no", "sino", "seria"}:
            probe += 1
        found = letter_at(transcript.tokens, probe, strict=False)
        if found is not None:
            return found.letter, found.last_token
    return None, after


_DOCUMENT_WORDS = {"pasaporte", "dni", "nie", "carnet", "identidad", "residencia", "roja"}


def _nearest_document_word(transcript: Transcript, index: int, window: int = 14) -> str | None:
    for probe in range(index - 1, max(-1, index - window - 1), -1):
        if transcript.norms[probe] in _DOCUMENT_WORDS:
            return transcript.norms[probe]
    return None


def _document_field(transcript: Transcript) -> tuple[DocumentCandidate | None, set[int]]:
    found = find_documents(transcript.tokens, transcript.runs)
    all_passports = find_passports(transcript.tokens, transcript.runs)
    # Where the person was last talking about a passport, a passport beats a DNI/NIE reading of the
    # same characters ("pasaporte: eme, zeta de Zaragoza 3125681" is not the NIE Z3125681).
    candidates = [
        c
        for c in found
        if not (
            _nearest_document_word(transcript, c.first_token) == "pasaporte"
            and any(abs(p.first_token - c.first_token) <= 4 for p in all_passports)
        )
    ]
    covered = {index for c in candidates for index in range(c.first_token, c.last_token + 1)}
    passports = [p for p in all_passports if p.first_token not in covered]
    # Eight digits said after "pasaporte" are the passport, not a DNI without its letter.
    candidates = [
        c
        for c in candidates
        if not (
            c.number.isdigit()
            and any(p.first_token <= c.first_token <= p.last_token or p.number == c.number for p in passports)
        )
    ]
    candidates += passports
    kept = [c for c in candidates if not _relative_owner(transcript.clause_before(c.first_token, 10))]
    used_tokens = {index for c in candidates for index in range(c.first_token, c.last_token + 1)}
    if not kept:
        return None, used_tokens
    chosen = max(kept, key=lambda c: c.first_token)  # a document said again or corrected: the later wins
    if chosen.document_type in ("DNI", "NIE"):
        body = chosen.number[1:] if chosen.document_type == "NIE" else chosen.number
        digits = "".join(ch for ch in body if ch.isdigit())
        letter = body[len(digits) :]
        new_digits, digits_end = _corrected_digits(transcript, chosen.last_token, digits)
        new_letter, letter_end = _corrected_letter(transcript, chosen.last_token)
        number = (
            (chosen.number[0] if chosen.document_type == "NIE" else "") + new_digits + (new_letter or letter)
        )
        last = max(chosen.last_token, digits_end, letter_end)
        chosen = DocumentCandidate(
            chosen.document_type, number, chosen.start, transcript.tokens[last].end, chosen.first_token, last
        )
    return chosen, used_tokens


# --- phones ------------------------------------------------------------------------------------------

_STRONG_CORRECTIONS = {
    "perdona",
    "perdon",
    "perdone",
    "corrijo",
    "equivoque",
    "equivocado",
    "mejor",
    "digo",
    "rectifico",
    "espera",
    "espere",
}
_OFFICE_CUES = {
    "oficina",
    "nuestro",
    "nuestra",
    "centro",
    "llamarnos",
    "llamenos",
    "llamanos",
    "sede",
    "aqui",
    "nosotros",
    "informacion",
    "cita",
    "centralita",
    "asociacion",
    "cruz",
}
_PHONE_PERSON_CUES = {
    "mi",
    "movil",
    "telefono",
    "llamarme",
    "contactarme",
    "localizarme",
    "whatsapp",
    "celular",
    "numero",
}


def _phone_score(transcript: Transcript, candidate: PhoneCandidate) -> int:
    before = transcript.window_before(candidate.first_token, 10)
    clause = transcript.clause_before(candidate.first_token, 12)
    score = 0
    if _PHONE_PERSON_CUES & set(before):
        score += 2
    if {"mi", "me"} & set(clause):
        score += 1
    if (
        _OFFICE_CUES & set(clause[-6:])
        or _contains_sequence(before, ("nos", "puede", "llamar"))
        or _contains_sequence(before, ("nos", "puedes", "llamar"))
    ):
        score -= 4
    if _relative_owner(transcript.sentence_before(candidate.first_token, 12)):
        # A relative's number is a distractor, unless the person has none and gives it as the
        # contact: "No tengo, apunte el de mi marido, 644 55 66 77".
        given_as_contact = {"apunte", "apunta", "apuntad", "llamen", "llamenme"} & set(before) and (
            _contains_sequence(before, ("no", "tengo"))
        )
        score -= 1 if given_as_contact else 3
    if transcript.is_staff(candidate.first_token) and "su" not in clause:
        # The technician's own line ("mi extensión es el 913…") is never the person's phone.
        score -= 6 if {"mi", "extension", "nuestro"} & set(clause) else 1
    return score


def _phone_field(transcript: Transcript, document_tokens: set[int]) -> Field | None:
    candidates = [
        c
        for c in find_phones(transcript.tokens, transcript.runs)
        if not document_tokens & set(range(c.first_token, c.last_token + 1))
    ]
    scored: list[tuple[int, PhoneCandidate]] = []
    for candidate in candidates:
        score = _phone_score(transcript, candidate)
        if scored and score < scored[-1][0]:
            # "+51 976062885… No, perdona, es el 0051 976062881": a correction keeps the standing
            earlier_score, earlier = scored[-1]
            between = transcript.norms[earlier.last_token + 1 : candidate.first_token]
            if candidate.first_token - earlier.last_token <= 20 and set(between) & _STRONG_CORRECTIONS:
                score = earlier_score + 1
        if score >= -1:
            scored.append((score, candidate))
    if not scored:
        return None
    best_score, best = max(scored, key=lambda pair: (pair[0], pair[1].first_token))
    digits = best.e164[1:]
    corrected, end_token = _corrected_digits(transcript, best.last_token, digits)
    end = transcript.tokens[end_token].end if end_token > best.last_token else best.end
    confidence = 0.95 if best_score >= 2 else 0.75
    return Field("+" + corrected, confidence, best.start, end)


# --- birth date --------------------------------------------------------------------------------------

_BIRTH_CUES = {"naci", "nacimiento", "nacida", "nacido", "cumpleaños", "cumpleanos", "cumplo"}
_NOT_BIRTH_CUES = {
    "cita",
    "vuelva",
    "vuelve",
    "venga",
    "volver",
    "llegue",
    "llegamos",
    "llego",
    "entrada",
    "caduca",
    "caducidad",
    "expedicion",
    "expira",
    "vence",
    "proxima",
    "proximo",
    "semana",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "desde",
    "hasta",
    "manana",
    "hoy",
    "tarde",
    "venir",
    "pasado",
    "cumple",
    "entrevista",
    "vino",
    "vinimos",
    "sali",
    "salimos",
    "solicite",
    "pedi",
    "tengo",
    "hace",
}


def _date_score(transcript: Transcript, mention: DateMention) -> int:
    clause = transcript.clause_before(mention.first_token, 12)
    before = transcript.window_before(mention.first_token, 14)
    score = 0
    if (
        _BIRTH_CUES & set(clause)
        or _contains_sequence(before, ("fecha", "de", "nacimiento"))
        or _contains_sequence(clause[-3:], ("soy", "del"))
        or _contains_sequence(before[-8:], ("que", "ano"))
        or _contains_sequence(before[-6:], ("la", "mia", "es"))
    ):
        score += 3
    if _NOT_BIRTH_CUES & set(clause[-6:]):
        score -= 3
    if _relative_owner(clause):
        score -= 4
    return score


def _birth_date_field(transcript: Transcript) -> Field | None:
    mentions = find_dates(transcript.tokens, transcript.numbers, transcript.today)
    scored: list[tuple[int, DateMention]] = []
    previous: tuple[int, DateMention] | None = None
    for position, said in enumerate(mentions):
        score = _date_score(transcript, said)
        corrected = _corrects_previous(transcript, said, previous)
        mention = said
        if corrected is not None:
            score, mention = corrected
        if score >= 0 and (mention.year or mention.month):
            previous = (score, mention)
        complete = mention
        if mention.iso() is None and score > 0:
            complete = _complete_date(transcript, mentions, position) or mention
        if complete.iso() is None:
            continue
        year = complete.year or 0
        if not transcript.today.year - 110 <= year <= transcript.today.year:
            continue
        if score <= 0 and not (
            transcript.today.year - 100 <= year <= transcript.today.year - 16 and score == 0
        ):
            continue
        scored.append((score, complete))
    if not scored:
        return None
    best_score, best = max(scored, key=lambda pair: (pair[0], pair[1].first_token))
    confidence = 0.95 if best_score >= 3 else 0.6
    return Field(best.iso(), confidence, best.start, best.end)


def _corrects_previous(
    transcript: Transcript, mention: DateMention, previous: tuple[int, DateMention] | None
) -> tuple[int, DateMention] | None:
    """'el 22 de febrero… No, perdona, de junio' / 'del noventa, no, perdón, del ochenta y nueve':
    a date said right after a correction replaces the parts it says of the previous birth date."""
    if previous is None or mention.first_token - previous[1].last_token > 25:
        return None
    window = transcript.norms[previous[1].last_token + 1 : mention.first_token]
    if not set(window) & _CORRECTION_CUES:
        return None
    score, earlier = previous
    merged = DateMention(
        mention.day or earlier.day,
        mention.month or earlier.month,
        mention.year or earlier.year,
        mention.start,
        mention.end,
        mention.first_token,
        mention.last_token,
    )
    return score + 1, merged


def _complete_date(transcript: Transcript, mentions: list[DateMention], position: int) -> DateMention | None:
    """'nací en el 85, el 3 de marzo': a year and a day-month said apart make one date. The nearest
    part that fits wins, an answer to "¿de qué año?" first; a year too recent for an adult never."""
    mention = mentions[position]
    nearby = [
        other
        for other in mentions[max(0, position - 2) : position + 3]
        if other is not mention and abs(other.first_token - mention.first_token) <= 20
    ]

    def preference(other: DateMention) -> tuple[bool, int]:
        asked = _contains_sequence(transcript.window_before(other.first_token, 6), ("que", "ano"))
        return asked, -abs(other.first_token - mention.first_token)

    for other in sorted(nearby, key=preference, reverse=True):
        day = mention.day or other.day
        month = mention.month or other.month
        year = mention.year or other.year
        if day and month and year and year <= transcript.today.year - 14:
            first, last = sorted((mention, other), key=lambda m: m.first_token)
            return DateMention(day, month, year, first.start, last.end, first.first_token, last.last_token)
    return None


# --- names -------------------------------------------------------------------------------------------

_GIVEN_CUES = (
    ("dice", "que", "se", "llama"),
    ("senora", "se", "llama"),
    ("senor", "se", "llama"),
    ("usuaria", "se", "llama"),
    ("usuario", "se", "llama"),
    ("me", "llamo"),
    ("mi", "nombre", "es"),
    ("mi", "nombre", "completo", "es"),
    ("nombre", ":"),
    ("mi", "nombre", "completo", ":"),
    ("me", "llamo", "a"),
    ("nombre", "completo", ":"),
    ("mi", "nombre"),
    ("yo", "me", "llamo"),
    ("nombre", "y", "apellidos", ":"),
)
_SURNAME_CUES = (
    ("mis", "apellidos", "son"),
    ("mi", "apellido", "es"),
    ("apellidos", ":"),
    ("apellido", ":"),
    ("apellidos", "son"),
    ("de", "apellido"),
    ("de", "apellidos"),
    ("me", "apellido"),
    ("mis", "apellidos"),
    ("mi", "apellido"),
    ("el", "apellido", "es"),
    ("los", "apellidos", "son"),
)
_FIRST_SURNAME_CUES = (("primer", "apellido"),)
# "Muy bien, Ayoub Alaoui Ait Ouali, ¿verdad? — No, al revés: Ait Ouali Alaoui."
_SURNAME_CORRECTIONS = (("al", "reves"), ("no", "primero"), ("no", ",", "primero"))
_SECOND_SURNAME_CUES = (("segundo", "apellido"),)
_NAME_STOP = (
    {
        "tengo",
        "soy",
        "vivo",
        "naci",
        "con",
        "que",
        "pero",
        "eh",
        "pues",
        "bueno",
        "vale",
        "mi",
        "mis",
        "años",
        "y",
        "estoy",
        "vengo",
        "hablo",
        "es",
        "son",
        "no",
        "si",
        "para",
        "por",
        "porque",
        "a",
        "en",
        "ya",
        "muy",
        "gracias",
        "entonces",
        "como",
        "aunque",
        "o",
        "u",
        "mire",
        "mira",
        "oiga",
        "ehh",
        "mmm",
        "este",
        "esta",
        "ahora",
        "aqui",
        "desde",
        "hace",
        "nacionalidad",
        "apellido",
        "apellidos",
        "nombre",
        "se",
        "escribe",
        "me",
        "le",
        "lo",
        "su",
        "sus",
        "usted",
        "tu",
        "perdon",
        "perdona",
        "the",
        "dni",
        "nie",
        "pasaporte",
        "telefono",
        "movil",
        "numero",
        "fecha",
        "documento",
        "señora",
        "señor",
        "claro",
        "un",
        "una",
        "llamo",
        "llaman",
        "dicen",
        "segundo",
        "primer",
        "primero",
        "cuando",
        "donde",
        "todo",
        "todos",
        "ok",
        "vamos",
        "sea",
        "ver",
        "verdad",
        "cierto",
        "aja",
        "perfecto",
        "nada",
    }
    | NUMBER_WORDS
    | set(NEEDS_KEYWORDS)
)


def _is_read_back(transcript: Transcript, end: int) -> bool:
    following: list[str] = []
    for word in transcript.norms[end : end + 4]:
        if word in {".", "!"}:
            break
        following.append(word)
    return bool({"verdad", "correcto", "cierto", "?", "¿"} & set(following))


def _collect_name(transcript: Transcript, index: int, limit: int = 6) -> tuple[list[int], int]:
    """The name at ``index``; a repetition that says more wins ("Jorge Luis, Jorge Luis Rodríguez").

    When the first statement was shorter, it was the given name: remembered in ``_GIVEN_HINTS``.
    """
    taken, end = _collect_name_once(transcript, index, limit)
    norms = transcript.norms
    first_statement = len(taken)
    while (
        taken and end + 1 < len(norms) and (norms[end] in {",", "...", "."} or norms[end] == norms[taken[0]])
    ):
        restart = end + 1 if norms[end] in {",", "...", "."} else end
        again, again_end = _collect_name_once(transcript, restart, limit)
        if not again or norms[again[0]] != norms[taken[0]]:
            break
        if norms[end] == "." and (_is_read_back(transcript, again_end) or transcript.is_staff(restart)):
            break  # "Youssef Chakir Benjelloun, ¿verdad?": the technician reading it back, maybe wrongly
        if len(again) >= len(taken):
            taken, end = again, again_end
        else:
            break
    if taken and first_statement < len(taken):
        transcript.given_hints[taken[0]] = first_statement
    return taken, end


def _collect_name_once(transcript: Transcript, index: int, limit: int = 6) -> tuple[list[int], int]:
    taken, end = _collect_name_words(transcript, index, limit)
    deduplicated: list[int] = []
    for position in taken:  # "youssef youssef el ouardi": a stutter, not two names
        if deduplicated and transcript.norms[deduplicated[-1]] == transcript.norms[position]:
            continue
        deduplicated.append(position)
    return deduplicated, end


def _collect_name_words(transcript: Transcript, index: int, limit: int = 6) -> tuple[list[int], int]:
    """Token indexes of the name starting at ``index`` (particles kept only inside the name)."""
    tokens = transcript.tokens
    taken: list[int] = []
    probe = index
    while probe < len(tokens) and len([i for i in taken if tokens[i].norm not in NAME_PARTICLES]) < limit:
        token = tokens[probe]
        if token.text == "-" and taken and probe + 1 < len(tokens) and tokens[probe + 1].is_word:
            taken.append(probe)
            probe += 1
            continue
        if not token.is_word:
            break
        norm = token.norm
        if norm in NAME_PARTICLES and taken:
            following = probe + 1
            while following < len(tokens) and tokens[following].norm in NAME_PARTICLES:
                following += 1
            if (
                following < len(tokens)
                and tokens[following].is_word
                and tokens[following].norm not in _NAME_STOP
                and (tokens[following].norm not in common_words() or tokens[following].norm in first_names())
            ):
                taken.append(probe)
                probe += 1
                continue
            break
        if norm in _NAME_STOP or norm in demonyms() or norm in RELATIVES:
            break
        if norm in common_words() and norm not in first_names() and norm not in NAME_PARTICLES:
            break
        if norm == "cruz" and probe + 1 < len(tokens) and tokens[probe + 1].norm == "roja":
            break  # "soy Nerea, de Cruz Roja": the organisation, not a surname
        if taken and norm == tokens[taken[0]].norm and probe > taken[-1] + 0 and len(taken) > 1:
            break  # "leidy johana mejía cabrera leidy johana…": the name said again
        taken.append(probe)
        probe += 1
    while taken and tokens[taken[-1]].norm in NAME_PARTICLES:
        taken.pop()
    return taken, probe


def _capitalise(transcript: Transcript, indexes: list[int]) -> str:
    words: list[str] = []
    for position, index in enumerate(indexes):
        token = transcript.tokens[index]
        if token.text == "-":
            words.append("-")
            continue
        if token.norm in LOWERCASE_PARTICLES and position > 0:
            words.append(token.text.lower())
        else:
            words.append(
                token.text[:1].upper() + token.text[1:].lower()
                if token.text.islower() or token.text.isupper()
                else token.text
            )
    return " ".join(words).replace(" - ", "-")


def _cue_positions(norms: list[str], cues: Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(cue start, index after the cue) for every occurrence of the longest matching cue."""
    found: dict[int, int] = {}
    for cue in cues:
        length = len(cue)
        for index in range(len(norms) - length + 1):
            if tuple(norms[index : index + length]) == cue:
                found[index] = max(found.get(index, 0), index + length)
    positions = sorted(found.items())
    # drop cues contained in a longer one ("mi nombre" inside "mi nombre es")
    result: list[tuple[int, int]] = []
    for start, end in positions:
        if result and start < result[-1][1]:
            continue
        result.append((start, end))
    return result


_STAFF_ROLES = {
    "tecnica",
    "tecnico",
    "trabajadora",
    "trabajador",
    "voluntaria",
    "voluntario",
    "educadora",
    "educador",
    "mediadora",
    "mediador",
    "coordinadora",
    "coordinador",
}
_BARE_SPEAKER_WORDS = {"tecnico", "tecnica", "usuario", "usuaria"}


def _is_staff_introduction(transcript: Transcript, cue_start: int, name_end: int) -> bool:
    if transcript.is_staff(cue_start):
        return True
    # Only the rest of the same clause: "soy Lucía, la técnica", "me llamo Ana y le voy a atender".
    after: list[str] = []
    for position, word in enumerate(transcript.window_after(name_end - 1, 8)):
        if word in _CLAUSE_END:
            break
        if position == 0 and word in _BARE_SPEAKER_WORDS:
            break  # "…mamadou lamine sarr técnico y de dónde…": the next speaker's label, no colon
        after.append(word)
    before = transcript.sentence_before(cue_start, 4)  # "soy la trabajadora social, me llamo Carmen"
    return (
        bool(set(after) & _STAFF_WORDS)
        or bool(set(before) & _STAFF_ROLES)
        or _contains_sequence(after, ("voy", "a"))
    )


# The technician's question, answered by the name alone: "¿Cómo se llama? — Fatima Benali."
_NAME_QUESTIONS = (
    ("como", "se", "llama"),
    ("como", "te", "llamas"),
    ("cual", "es", "su", "nombre"),
    ("su", "nombre", "?"),
    ("tu", "nombre", "?"),
    ("su", "nombre", ",", "por", "favor"),
    ("tu", "nombre", ",", "por", "favor"),
    ("me", "dice", "su", "nombre"),
    ("me", "dices", "tu", "nombre"),
    ("digame", "su", "nombre"),
    ("dime", "tu", "nombre"),
    ("nombre", "completo", "?"),
    ("nombre", "?"),
    ("nombre", "y", "apellidos"),
    ("primero", "el", "nombre"),
    ("nombre", "y", "apellido"),
    ("nombre", "completo"),
)
_SURNAME_QUESTIONS = (
    ("sus", "apellidos", "?"),
    ("los", "apellidos", "?"),
    ("tus", "apellidos", "?"),
    ("y", "de", "apellido", "?"),
    ("y", "tus", "apellidos"),
    ("y", "sus", "apellidos"),
    ("y", "los", "apellidos"),
    ("y", "de", "apellido"),
    ("y", "de", "apellidos"),
    ("apellidos", "?"),
    ("apellido", "?"),
    ("de", "apellidos", "?"),
    ("de", "apellido", "?"),
    ("como", "se", "apellida"),
)
_ANSWER_FILLERS = {
    "—",
    "\u2013",  # en dash
    "-",
    "por",
    "favor",
    "usuario",
    "usuaria",
    "soy",
    "tal",
    "aja",
    "completo",
    "que",
    "o",
    "este",
    "a",
    "vamos",
    "sea",
    "mmm",
    "ehh",
    "em",
    "ver",
    "?",
    ",",
    ".",
    "pues",
    "eh",
    "bueno",
    "si",
    "vale",
    "mira",
    "mire",
    "me",
    "llamo",
    "mi",
    "nombre",
    "es",
    "yo",
    "ah",
    "claro",
    "apellidos",
    "apellido",
    "mis",
    "son",
    "sus",
    "¿",
    "hola",
    "usted",
    "tu",
}


def _answer_start(transcript: Transcript, index: int, *, surnames: bool = False) -> int | None:
    """First word of the answer after a question: skips fillers and a speaker label ("Usuario:")."""
    norms = transcript.norms
    probe = index
    while probe < len(norms) and probe - index < 14:
        if probe + 1 < len(norms) and norms[probe + 1] == ":" and transcript.tokens[probe].is_word:
            probe += 2
            continue
        if (
            norms[probe] == "y"
            and probe + 1 < len(norms)
            and norms[probe + 1] in {"apellidos", "apellido", "apellidos?"}
            and probe == index
        ):
            probe += 2  # the question goes on: "¿me dice su nombre y apellidos?"
            continue
        if norms[probe] in {"apellidos", "apellido"} and not surnames:
            return None  # "Apellidos El Fassi, nombre Karim": the labels said aloud, read elsewhere
        if norms[probe] in _ANSWER_FILLERS:
            probe += 1
            continue
        return probe if transcript.tokens[probe].is_word else None
    return None


def _staff_names(transcript: Transcript) -> set[str]:
    """First names of the staff: "¿es usted Raúl?", "me dijeron que preguntara por Raúl"."""
    names: set[str] = set()
    for _, end in _cue_positions(
        transcript.norms, (("es", "usted"), ("preguntara", "por"), ("pregunte", "por"))
    ):
        if end < len(transcript.norms) and transcript.tokens[end].is_word:
            names.add(transcript.norms[end])
    return names


_LABEL_BEFORE = {",", ".", "documento", "y", "sea", "bueno", "pues", "vale", ":", "?"}


def _name_fields(transcript: Transcript) -> dict[str, Field]:
    norms = transcript.norms
    full_names: list[list[int]] = []
    weak_names: list[list[int]] = []  # "soy Fatima": used only when nothing stronger was said
    for cue_start, cue_end in _cue_positions(norms, _GIVEN_CUES):
        if _relative_owner(transcript.clause_before(cue_start, 4)):
            continue
        indexes, end = _collect_name(transcript, cue_end)
        if indexes and not _is_staff_introduction(transcript, cue_start, end):
            full_names.append(indexes)
    for index, norm in enumerate(norms):
        # "soy Fatima" (weak cue): only with a known first name, and not the technician.
        if norm == "soy" and index + 1 < len(norms) and transcript.tokens[index + 1].is_word:
            indexes, end = _collect_name(transcript, index + 1, limit=4)
            known = bool(indexes) and norms[indexes[0]] in first_names()
            if indexes and (
                norms[indexes[0]] in NAME_PARTICLES or any(norms[i] in country_names() for i in indexes)
            ):
                continue  # "soy de Venezuela"
            if (
                indexes
                and (known or len(indexes) >= 2)
                and not _is_staff_introduction(transcript, index, end)
            ):
                weak_names.append(indexes)
    for index, norm in enumerate(norms[:-1]):
        # "Nombre Isabel, apellidos de la Fuente": the form's labels said aloud.
        label_like = (
            index == 0
            or norms[index - 1]
            in {
                ".",
                ",",
                "?",
                "¿",
                ":",
                "nombre",
                "sea",
                "bueno",
                "pues",
            }
            or "apellidos" in norms[index + 2 : index + 5]
        )  # "nombre Ionut apellidos Dinu"
        next_is_name = transcript.tokens[index + 1].is_word and norms[index + 1] not in _NAME_STOP
        if (
            norm == "nombre"
            and next_is_name
            and (label_like or norms[index + 1] in first_names())
            and not transcript.is_staff(index)
        ):
            indexes, end = _collect_name(transcript, index + 1)
            if indexes:
                full_names.append(indexes)
    for _, cue_end in _cue_positions(norms, _NAME_QUESTIONS):
        answer = _answer_start(transcript, cue_end)
        if answer is None or transcript.is_staff(answer):
            continue
        indexes, end = _collect_name(transcript, answer)
        if indexes and not _is_staff_introduction(transcript, answer, end):
            full_names.append(indexes)
    surname_sets: list[list[int]] = []
    for index, norm in enumerate(norms[:-1]):
        if (
            norm in {"apellidos", "apellido"}
            and index > 0
            and norms[index - 1] not in {"mis", "sus", "tus", "los", "de", "dos", "tiene", "tengo", "nombre"}
            and not transcript.is_staff(index)
        ):
            indexes, _ = _collect_name(transcript, index + 1, limit=3)
            if indexes:
                surname_sets.append(indexes)
    for _, cue_end in _cue_positions(norms, _SURNAME_CORRECTIONS):
        answer = _answer_start(transcript, cue_end, surnames=True)
        if answer is not None and not transcript.is_staff(answer):
            indexes, _ = _collect_name(transcript, answer, limit=3)
            if indexes:
                surname_sets.append(indexes)
    for cue_start, cue_end in _cue_positions(norms, _SURNAME_QUESTIONS):
        if norms[max(0, cue_start - 2) : cue_start] == ["nombre", "y"]:
            continue  # "¿Nombre y apellidos?" is answered with the full name
        if cue_start > 0 and norms[cue_start - 1] in {"segundo", "primer"}:
            continue  # "¿Segundo apellido?": read with the first and second surname cues
        answer = _answer_start(transcript, cue_end, surnames=True)
        if answer is None or transcript.is_staff(answer):
            continue
        indexes, _ = _collect_name(transcript, answer)
        if indexes:
            surname_sets.append(indexes)
    for cue_start, cue_end in _cue_positions(norms, _SURNAME_CUES):
        if _relative_owner(transcript.clause_before(cue_start, 4)) or transcript.is_staff(cue_start):
            continue
        indexes, _ = _collect_name(transcript, cue_end)
        if indexes:
            surname_sets.append(indexes)
    first = [(_collect_name(transcript, e)[0]) for _, e in _cue_positions(norms, _FIRST_SURNAME_CUES)]
    second = [
        _collect_name(transcript, answer)[0]
        for _, e in _cue_positions(norms, _SECOND_SURNAME_CUES)
        if (answer := _answer_start(transcript, e, surnames=True)) is not None
    ]
    if first and first[-1]:
        surname_sets.append(first[-1] + (second[-1] if second and second[-1] else []))

    staff = _staff_names(transcript)
    full_names = sorted(
        (name for name in full_names if norms[name[0]] not in staff), key=lambda name: name[0]
    )
    if not full_names:
        full_names = [name for name in weak_names if norms[name[0]] not in staff]
    fields: dict[str, Field] = {}
    surname_sets.sort(key=lambda indexes: indexes[0])
    surnames = surname_sets[-1] if surname_sets else []
    # "me llamo Edwin Paredes, y el segundo apellido es Mejía"
    second_surname = second[-1] if second and not first and second[-1] else []
    if full_names:
        name = full_names[-1]
        surname_norms = [norms[i] for i in surnames]
        name_norms = [norms[i] for i in name]
        if surnames and len(name) > len(surnames) and name_norms[-len(surnames) :] == surname_norms:
            given = name[: len(name) - len(surnames)]
        elif surnames:
            given = name[: _given_length(name_norms)] if len(name) > 2 else name
        else:
            split = max(transcript.given_hints.get(name[0], 0), _given_length(name_norms))
            if split >= len(name) > 1:
                split = len(name) - 1
            given, surnames = name[:split], name[split:]
            if (
                second_surname
                and surnames
                and [norms[i] for i in second_surname] != [norms[i] for i in surnames[-len(second_surname) :]]
            ):
                surnames = surnames + second_surname
        while given and norms[given[-1]] in NAME_PARTICLES:
            given.pop()
        if given:
            tokens = transcript.tokens
            fields["given_name"] = Field(
                _capitalise(transcript, given), 0.9, tokens[given[0]].start, tokens[given[-1]].end
            )
    if surnames:
        tokens = transcript.tokens
        fields["surnames"] = Field(
            _capitalise(transcript, surnames), 0.85, tokens[surnames[0]].start, tokens[surnames[-1]].end
        )
    return fields


def _given_length(norms: list[str]) -> int:
    """How many leading words are the given name: known first names, joined by del/de la/de los."""
    length = 1
    position = 1
    while position < len(norms):
        word = norms[position]
        if word in first_names() and norms[position - 1] not in NAME_PARTICLES:
            length = position + 1
            position += 1
            continue
        if word in {"del", "de"}:
            probe = position + 1
            while probe < len(norms) and norms[probe] in {"la", "los", "las"}:
                probe += 1
            if probe < len(norms) and (
                norms[probe]
                in {
                    "angeles",
                    "mar",
                    "pilar",
                    "rosario",
                    "carmen",
                    "sol",
                    "luz",
                    "cielo",
                    "rocio",
                    "remedios",
                    "dolores",
                    "mercedes",
                    "socorro",
                    "montserrat",
                    "dios",
                    "jesus",
                    "fatima",
                }
            ):
                length = probe + 1
                position = probe + 1
                continue
        break
    words = [word for word in norms if word not in NAME_PARTICLES]
    # Two given names and two surnames is the Spanish and Latin American pattern, unless a
    # surname particle ("El", "Ben", "Ait", "Ould") starts right after the first name.
    if length == 1 and len(words) >= 4 and norms[1] not in _SURNAME_STARTERS:
        length = 2
    if length == len(norms) and len(norms) > 1:
        length = 1 if len(norms) <= 3 else 2
    return length


_SURNAME_STARTERS = {
    "el",
    "ben",
    "bin",
    "ait",
    "ould",
    "abu",
    "al",
    "ba",
    "bou",
    "abd",
    "de",
    "del",
    "da",
    "dos",
    "van",
}


# --- nationality -------------------------------------------------------------------------------------

_NATIONALITY_CUES = {
    "vino",
    "viene",
    "soy",
    "somos",
    "nacionalidad",
    "vengo",
    "venimos",
    "naci",
    "pais",
    "natural",
    "origen",
    "procedente",
    "procedo",
    "nacionalidades",
    "nacido",
    "nacida",
    "es",
}
_LANGUAGE_CUES = {
    "hablo",
    "habla",
    "hablamos",
    "idioma",
    "lengua",
    "clases",
    "aprender",
    "entiendo",
    "traductor",
    "en",
}
_TRAVEL_CUES = {
    "vivia",
    "estuve",
    "pase",
    "trabaje",
    "trabajaba",
    "frontera",
    "pasando",
    "atravesando",
    "cruzando",
    "vivi",
    "estuvimos",
    "desde",
    "por",
}


_ORIGIN_QUESTIONS = (
    ("de", "donde", "es"),
    ("de", "donde", "eres"),
    ("de", "que", "pais"),
    ("nacionalidad",),
    ("pais",),
)


def _answers_origin_question(transcript: Transcript, index: int) -> bool:
    """The word answers "¿Nacionalidad?" or "¿De dónde es?": the question closes (?) shortly before."""
    window = transcript.window_before(index, 10)
    for question in _ORIGIN_QUESTIONS:
        for position in range(len(window) - len(question) + 1):
            if tuple(window[position : position + len(question)]) == question:
                rest = window[position + len(question) :]
                if (
                    "?" in rest[:4]
                    or len(rest) <= 2
                    or not set(rest) - set(_ANSWER_FILLERS) - {":", "usted", "usuario", "usuaria"}
                ):
                    return True
    return False


def _nationality_field(transcript: Transcript) -> Field | None:
    tokens = transcript.tokens
    candidates: list[tuple[int, int, int, str]] = []  # score, first, last, code
    names = country_names()
    table = demonyms()
    for index, token in enumerate(tokens):
        code: str | None = None
        last = index
        country = transcript.longest_phrase(index, names, max_tokens=4)
        if country is not None:
            code, last = country
        is_demonym = False
        if code is None and token.norm in table:
            code, is_demonym = table[token.norm], True
        if code is None:
            continue
        clause = transcript.clause_before(index, 8)
        near = clause[-4:]
        score = 0
        if (
            _NATIONALITY_CUES & set(near)
            or {"naci", "nacida", "nacido"} & set(clause)
            or (is_demonym and near and near[-1] in {"pasaporte", "dni", "documento", "nie"})
        ):
            score += 3
        elif _answers_origin_question(transcript, index):
            score += 3  # the answer to "¿Nacionalidad?" / "¿De dónde es usted?"
        if is_demonym and transcript.window_after(last, 4)[:4] == ["de", "toda", "la", "vida"]:
            score += 3  # "española de toda la vida"
        if near and near[-1] == "en" and not {"naci", "nacida", "nacido"} & set(clause):
            score -= 3  # "llevo ocho años en España" is where, not what
        if near and (set(near) & STREET_WORDS or "plaza" in near):
            score -= 5  # "plaza de España"
        if "nacionalidad" in clause or _contains_sequence(clause, ("soy", "de")):
            score += 2
        if near and near[-1] in _LANGUAGE_CUES and is_demonym:
            score -= 6
        if _TRAVEL_CUES & set(near):
            score -= 3
        if _relative_owner(clause):
            score -= 5
        if transcript.is_staff(index) and "usted" not in clause:
            score -= 1
        if score >= 2:
            candidates.append((score, index, last, code))
    if not candidates:
        return None
    score, first, last, code = max(candidates, key=lambda c: (c[0], c[1]))
    return Field(code, 0.9 if score >= 4 else 0.75, tokens[first].start, tokens[last].end)


# --- municipality ------------------------------------------------------------------------------------

_RESIDENCE_CUES: dict[tuple[str, ...], int] = {
    ("vivo", "en"): 3,
    ("vivimos", "en"): 3,
    ("resido", "en"): 3,
    ("residimos", "en"): 3,
    ("viviendo", "en"): 3,
    ("empadronado", "en"): 4,
    ("empadronada", "en"): 4,
    ("empadronados", "en"): 4,
    ("empadronadas", "en"): 4,
    ("municipio",): 3,
    ("localidad",): 3,
    ("ahora", "en"): 3,
    ("mudado", "a"): 3,
    ("mudamos", "a"): 3,
    ("mude", "a"): 3,
    ("alojado", "en"): 2,
    ("alojada", "en"): 2,
    ("estoy", "en"): 1,
    ("estamos", "en"): 1,
    ("vivia", "en"): 1,
    ("viviamos", "en"): 1,
    ("residencia", "en"): 2,
    ("vive", "en"): 1,
    ("vivo", "aqui", "en"): 3,
    ("domicilio", "en"): 3,
    ("municipio", "de"): 3,
    ("municipio", "es"): 3,
    ("vivo", "ahora", "en"): 4,
}


_RESIDENCE_VERBS = {
    "empadronamiento": 4,
    "reside": 3,
    "vivo": 3,
    "vivimos": 3,
    "resido": 3,
    "residimos": 3,
    "viviendo": 3,
    "empadronado": 4,
    "empadronada": 4,
    "empadronados": 4,
    "empadronadas": 4,
    "alojado": 2,
    "alojada": 2,
    "vivia": 1,
    "viviamos": 1,
    "mudado": 3,
    "mudamos": 3,
    "mude": 3,
    "instalado": 2,
    "instalada": 2,
}


_RESIDENCE_ANSWER_SKIP = {
    ":",
    "en",
    "vivo",
    "usuario",
    "usuaria",
    "persona",
    "ahora",
    "actualmente",
    "aqui",
    "vive",
    "vives",
    "reside",
    "resides",
    "usted",
    "esta",
    "empadronado",
    "empadronada",
    "mismo",
    "estoy",
    "resido",
    "vivimos",
}
_RESIDENCE_QUESTIONS = (
    ("donde", "vive"),
    ("donde", "vives"),
    ("donde", "viven"),
    ("donde", "vivis"),
    ("en", "que", "municipio"),
    ("que", "municipio"),
    ("en", "que", "ciudad"),
    ("en", "que", "pueblo"),
    ("en", "que", "localidad"),
    ("que", "localidad"),
    ("donde", "reside"),
    ("donde", "resides"),
    ("direccion", "?"),
    ("direccion",),
    ("municipio", "?"),
    ("localidad", "?"),
    ("su", "direccion"),
    ("tu", "direccion"),
    ("domicilio", "?"),
    ("donde", "esta", "empadronado"),
    ("donde", "esta", "empadronada"),
)


def _residence_cues(norms: list[str]) -> list[tuple[int, int]]:
    """Fixed cues, plus a residence verb followed by "en"/"a" within three words ("vivo sola en Sevilla"),
    plus the answer to "¿Dónde vive?" ("En Getafe")."""
    cues = _cue_positions(norms, _RESIDENCE_CUES)
    for _, end in _cue_positions(norms, _RESIDENCE_QUESTIONS):
        question_end = next((i for i in range(end - 1, min(len(norms), end + 8)) if norms[i] == "?"), end - 1)
        probe = question_end + 1
        while (
            probe < len(norms)
            and probe - question_end < 8
            and (
                norms[probe] in _ANSWER_FILLERS | _RESIDENCE_ANSWER_SKIP
                or (probe + 1 < len(norms) and norms[probe + 1] == ":")
            )
        ):
            probe += 1
        cues.append((probe, probe))  # the answer itself: staff and relative checks look at it
    starts = {start for start, _ in cues}
    for index, norm in enumerate(norms):
        if norm in _RESIDENCE_VERBS and index not in starts:
            # "vivo sola en Sevilla", "vivo con mi marido en la calle Toledo 15, en Madrid"
            for probe in range(index + 1, min(len(norms), index + 9)):
                if norms[probe] in _CLAUSE_END or (norms[probe] == "a" and probe > index + 3):
                    break
                if norms[probe] in {"en", "a"}:
                    cues.append((index, probe + 1))
                    break
    return sorted(cues)


def _municipality_at(transcript: Transcript, index: int) -> tuple[str, int] | None:
    return transcript.longest_phrase(index, municipalities(), max_tokens=6)


_PAST_RESIDENCE = {
    "estaba",
    "antes",
    "vivia",
    "viviamos",
    "estuve",
    "estabamos",
    "trabajaba",
    "trabaje",
    "pase",
}


def _mention_weight(transcript: Transcript, weight: int, first: int, last: int) -> int:
    """'en Huelva, no, perdona, en Zaragoza, en Huelva estaba antes': corrections up, the past down."""
    before = transcript.window_before(first, 5)
    after = transcript.window_after(last, 2)
    # "en Vigo estaba antes" speaks of Vigo; "Torrejón, antes estuve en Cartagena" of Cartagena
    past_after = bool(after) and (
        after[0] in {"estaba", "era", "vivia", "viviamos", "estabamos"} or after == ["antes"]
    )
    if "ahora" in transcript.clause_before(first, 4):  # not the "ahora" of "¿dónde reside ahora?"
        return weight + 2
    if past_after or set(before) & _PAST_RESIDENCE:
        return weight - 3
    if _relative_owner(before):
        return weight - 5
    if set(transcript.window_before(first, 4)) & {
        "no",
        "perdona",
        "perdon",
        "digo",
        "dicho",
        "espera",
        "corrijo",
    }:
        return weight + 1
    return weight


def _later_mentions(transcript: Transcript, weight: int, after: int) -> list[tuple[int, int, int, str]]:
    """Further "en <municipality>" in the same answer ("Calle San Juan 112, bajo, en Lepe")."""
    norms = transcript.norms
    mentions: list[tuple[int, int, int, str]] = []
    probe = after + 1
    while probe < min(len(norms), after + 18) and norms[probe] not in {"?", "¿", ".", "!"}:
        if probe + 1 < len(norms) and norms[probe + 1] == ":" and transcript.tokens[probe].is_word:
            break  # the next speaker
        if norms[probe] == "en":
            found = _municipality_at(transcript, probe + 1)
            if found:
                official, last = found
                mentions.append(
                    (_mention_weight(transcript, weight, probe + 1, last), probe + 1, last, official)
                )
                probe = last
        probe += 1
    return mentions


def _municipality_field(transcript: Transcript) -> Field | None:
    norms = transcript.norms
    candidates: list[tuple[int, int, int, str]] = []
    for cue_start, cue_end in _residence_cues(norms):
        if cue_start >= len(norms):
            continue
        weight = _RESIDENCE_CUES.get(
            tuple(norms[cue_start:cue_end]), _RESIDENCE_VERBS.get(norms[cue_start], 2)
        )
        if _relative_owner(transcript.clause_before(cue_start, 4)) or transcript.is_staff(cue_start):
            continue
        probe = cue_end
        for _ in range(3):  # "vivo en un piso en Getafe", "vivo en la calle Mayor, en Alcorcón"
            while probe < len(norms) and norms[probe] in {"la", "el", ":", ","}:
                probe += 1
            if probe < len(norms) and norms[probe] in STREET_WORDS:
                nxt = next(
                    (
                        i
                        for i in range(probe + 1, min(len(norms), probe + 14))
                        if norms[i] in {"en", "de"} and norms[i - 1] not in STREET_WORDS
                    ),
                    None,
                )
                if nxt is None:
                    candidates += _later_mentions(transcript, weight, probe)
                    break
                probe = nxt + 1
                continue
            found = _municipality_at(transcript, probe)
            if found:
                official, last = found
                candidates.append((_mention_weight(transcript, weight, probe, last), probe, last, official))
                candidates += _later_mentions(transcript, weight, last)
            else:
                candidates += _later_mentions(transcript, weight, probe - 1)
                # "vivo en Usera, Madrid": a district or neighbourhood, then its municipality
                comma = next((i for i in range(probe, min(len(norms), probe + 4)) if norms[i] == ","), None)
                after_comma = _municipality_at(transcript, comma + 1) if comma is not None else None
                if comma is not None and after_comma is not None:
                    official, last = after_comma
                    candidates.append(
                        (_mention_weight(transcript, weight, comma + 1, last), comma + 1, last, official)
                    )
            break
    if not candidates:
        return None
    weight, first, last, official = max(candidates, key=lambda c: (c[0], c[1]))
    tokens = transcript.tokens
    return Field(official, 0.9 if weight >= 3 else 0.7, tokens[first].start, tokens[last].end)


# --- household ---------------------------------------------------------------------------------------

_ALONE = {
    ("vivo", "solo"),
    ("vivo", "sola"),
    ("vivo", "yo", "solo"),
    ("vivo", "yo", "sola"),
    ("estoy", "solo"),
    ("estoy", "sola"),
    ("vivo", "sin", "nadie"),
    ("solo", "yo"),
    ("sola", "yo"),
}


def _number_at(transcript: Transcript, index: int) -> Number | None:
    return transcript.number_starting_at.get(index)


_LIST_CONTINUATIONS = {
    "mi",
    "mis",
    "su",
    "sus",
    "y",
    "la",
    "el",
    "los",
    "las",
    "un",
    "una",
    "unos",
    "unas",
    "e",
}
_HOUSEHOLD_QUESTIONS = (
    ("cuantas", "personas"),
    ("cuantos", "sois"),
    ("cuantos", "son"),
    ("cuantas", "sois"),
    ("cuantas", "son"),
    ("cuantos", "viven"),
    ("con", "quien", "vive"),
    ("con", "quien", "vives"),
    ("con", "quien", "viven"),
    ("y", "con", "quien"),
    ("con", "quien", "?"),
    ("vive", "usted", "solo"),
    ("vive", "con", "alguien"),
    ("vives", "con", "alguien"),
    ("vive", "solo"),
    ("vive", "sola"),
    ("vive", "usted", "sola"),
    ("vives", "solo"),
    ("vives", "sola"),
)
_SOLO_WORDS = {"solo", "sola", "nadie"}


_COUNT_CORRECTIONS = {
    "mejor",
    "dicho",
    "no",
    "corrijo",
    "digo",
    "equivocado",
    "perdona",
    "perdon",
    "espera",
    "perdone",
    "quiero",
    "decir",
    "bueno",
    "rectifico",
    "me",
    "he",
    "uy",
    "ay",
    "ah",
}


def _corrected_count(transcript: Transcript, last_token: int, value: int) -> tuple[int, int]:
    """'somos seis, mejor dicho, cinco' / 'somos dos. No, espera, tres': the later count wins;
    'uno sin contarme a mí' adds the person."""
    norms = transcript.norms
    window = range(last_token + 1, min(len(norms), last_token + 9))
    saw_correction = False
    for probe in window:
        if norms[probe] in _COUNT_CORRECTIONS:
            saw_correction = True
            continue
        number = _number_at(transcript, probe)
        if number is not None and saw_correction and 1 <= number.value <= 20:
            return _corrected_count(transcript, number.last_token, number.value)
        if norms[probe] in {",", ".", ":"} or norms[probe] in _CLAUSE_END:
            continue
        if norms[probe] == "sin" and probe + 1 < len(norms) and norms[probe + 1] in {"contarme", "contar"}:
            return value + 1, probe + 1
        if not saw_correction:
            break
    return value, last_token


_QUESTION_TAIL = {
    "viven",
    "vive",
    "en",
    "el",
    "la",
    "domicilio",
    "casa",
    "sois",
    "son",
    "hay",
    "unidad",
    "familiar",
    "personas",
    "usted",
    "acompañado",
    "acompañada",
    "o",
    "con",
    "vivis",
}


def _household_answer(transcript: Transcript) -> list[tuple[int, int, int, float]]:
    """Answers to "¿Cuántos sois en casa?" / "¿Con quién vive?": "Yo sola", "Seis personas", "6",
    "Mi esposo, los 2 niñas y mi cuñado y yo"."""
    norms = transcript.norms
    found: list[tuple[int, int, int, float]] = []
    for _, end in _cue_positions(norms, _HOUSEHOLD_QUESTIONS):
        question_end = next((i for i in range(end, min(len(norms), end + 10)) if norms[i] == "?"), None)
        probe = (question_end + 1) if question_end is not None else end
        if question_end is None:
            while probe < len(norms) and norms[probe] in _QUESTION_TAIL and probe - end < 6:
                probe += 1
        while probe < len(norms) and (
            norms[probe]
            in _ANSWER_FILLERS | {":", "pues", "en", "casa", "aqui", "vivo", "vivimos", "con", "yo", "no"}
            or (probe + 1 < len(norms) and norms[probe + 1] == ":")
        ):
            if norms[probe] == "yo" and probe + 1 < len(norms) and norms[probe + 1] in _SOLO_WORDS:
                break
            probe += 1
        if probe >= len(norms) or transcript.is_staff(probe):
            continue
        word = norms[probe]
        if word in _SOLO_WORDS or (
            word == "yo" and probe + 1 < len(norms) and norms[probe + 1] in _SOLO_WORDS
        ):
            found.append((1, probe, min(probe + 1, len(norms) - 1), 0.9))
            continue
        number = _number_at(transcript, probe)
        after_number = number.last_token + 1 if number else probe
        if (
            number is not None
            and 1 <= number.value <= 20
            and (after_number >= len(norms) or norms[after_number] not in RELATIVES)
        ):
            value, last = _corrected_count(transcript, number.last_token, number.value)
            found.append((value, probe, last, 0.85))
            continue
        members, last, certain = _members_after(transcript, probe)
        if not members:
            # "¿Dónde vive y con quién? — En Getafe, con mi marido y mis dos hijos."
            con = next(
                (
                    i
                    for i in range(probe, min(len(norms), probe + 8))
                    if norms[i] == "con" or norms[i] in _CLAUSE_END
                ),
                None,
            )
            if con is not None and norms[con] == "con":
                members, last, certain = _members_after(transcript, con + 1)
        if members:
            found.append((1 + members, probe, last, 0.85 if certain else 0.6))
    return found


def _members_after(transcript: Transcript, index: int) -> tuple[int, int, bool]:
    """Count the people listed after "vivo con": (members, last token, certain)."""
    norms = transcript.norms
    members = 0
    certain = True
    last = index
    probe = index
    count: int | None = None
    while probe < len(norms) and probe - index < 20:
        word = norms[probe]
        if word in _CLAUSE_END or word == ",":
            continues = probe + 1 < len(norms) and (
                norms[probe + 1] in _LIST_CONTINUATIONS
                or norms[probe + 1] in RELATIVES
                or _number_at(transcript, probe + 1) is not None
            )
            if word != "," or not continues:
                break
            probe += 1
            continue
        number = _number_at(transcript, probe)
        if number is not None and number.value < 20:
            count = number.value
            probe = number.last_token + 1
            continue
        if word in {"ellos", "ellas"}:
            # "tengo tres hijos y vivo con ellos": the count said just before
            said = _count_before(transcript, index)
            members += said if said is not None else 2
            certain = certain and said is not None
            last = probe
            probe += 1
            continue
        if word in RELATIVES or word in {"personas", "persona", "amigos", "compañeros"}:
            if count is not None:
                members += count
            elif (said := _count_said_elsewhere(transcript, word)) is not None:
                members += said
            elif word in RELATIVES_PLURAL or word in {"personas"}:
                members += 2
                certain = certain and word in {"padres", "suegros", "abuelos", "gemelos", "mellizos"}
            else:
                members += 1
            count = None
            last = probe
            probe += 1
            continue
        if word in {
            "mi",
            "mis",
            "con",
            "su",
            "sus",
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "unos",
            "unas",
            "y",
            "e",
            "de",
            "pequeños",
            "pequeñas",
            "mayores",
            "menores",
            "otros",
            "otras",
            "yo",
            "nuestros",
            "nuestras",
            "nuestro",
            "nuestra",
        }:
            if word in {"unos", "unas"}:
                count = None
            probe += 1
            continue
        if word in {"novio", "novia"}:
            probe += 1
            continue
        break
    return members, last, certain


def _count_before(transcript: Transcript, index: int, window: int = 15) -> int | None:
    """The number of a plural relative said shortly before ``index`` ("tengo tres hijos")."""
    for number in reversed(transcript.numbers):
        if number.last_token >= index or index - number.last_token > window:
            continue
        following = number.last_token + 1
        if following < len(transcript.norms) and transcript.norms[following] in RELATIVES_PLURAL:
            return number.value if 1 <= number.value <= 15 else None
    return None


def _count_said_elsewhere(transcript: Transcript, plural: str) -> int | None:
    """'vivo con mis hijos … tengo tres hijos': the count said in another sentence."""
    if plural not in RELATIVES_PLURAL:
        return None
    for number in transcript.numbers:
        following = number.last_token + 1
        before = number.first_token - 1
        if (
            following < len(transcript.norms)
            and transcript.norms[following] == plural
            and before >= 0
            and transcript.norms[before] in {"tengo", "tenemos", "son", "mis", "los", "las"}
            and 1 <= number.value <= 15
        ):
            return number.value
    return None


def _household_field(transcript: Transcript) -> Field | None:
    norms = transcript.norms
    tokens = transcript.tokens
    found: list[tuple[int, int, int, float]] = []  # size, first, last, confidence
    for index in range(len(norms)):
        window = tuple(norms[index : index + 3])
        alone = any(window[: len(phrase)] == phrase for phrase in _ALONE)
        if alone and not (index + 2 < len(norms) and norms[index + 2] == "con"):
            found.append((1, index, index + 1, 0.9))
        if not alone and norms[index] in {"solo", "sola"}:
            # "vivo en Móstoles yo solo": the place between the verb and "solo"
            clause = transcript.clause_before(index, 6)
            following = norms[index + 1] if index + 1 < len(norms) else "."
            if "vivo" in clause and "no" not in clause and following not in {"con", "que", "un", "una"}:
                found.append((1, index, index, 0.85))
        if norms[index] in {"somos", "seremos"}:
            number = _number_at(transcript, index + 1)
            if number is not None and 1 <= number.value <= 20:
                after = transcript.window_after(number.last_token, 3)
                before = transcript.window_before(index, 3)
                plain = not after or after[0] in _CLAUSE_END | _COUNT_CORRECTIONS | _LIST_CONTINUATIONS | {
                    ",",
                    "que",
                    "uy",
                }
                counted = {"casa", "total", "personas", "familia", "piso", "miembros", "contandome"} & set(
                    after + before
                )
                if (plain or counted) and not (
                    after and after[0] in RELATIVES_PLURAL and after[0] != "personas"
                ):
                    value, last = _corrected_count(transcript, number.last_token, number.value)
                    found.append((value, index, last, 0.9))
        if norms[index] == "familia" and index + 1 < len(norms) and norms[index + 1] == "de":
            number = _number_at(transcript, index + 2)  # "somos una familia de cuatro"
            if number is not None and 1 <= number.value <= 20:
                found.append((number.value, index, number.last_token, 0.85))
        if norms[index] == "familiar" and index > 0 and norms[index - 1] == "unidad":
            for probe in range(index + 1, min(len(norms), index + 5)):
                if norms[probe] in _SOLO_WORDS:
                    found.append((1, index - 1, probe, 0.9))
                    break
                number = _number_at(transcript, probe)
                if number is not None and 1 <= number.value <= 20:
                    value, last = _corrected_count(transcript, number.last_token, number.value)
                    found.append((value, index - 1, last, 0.9))
                    break
        if norms[index] in {
            "vivo",
            "vivimos",
            "convivo",
            "convivimos",
            "estoy",
            "vive",
            "viviendo",
            "estamos",
        }:
            # "vivo con …", also "vivo en Getafe con …"
            con = next(
                (
                    i
                    # long enough for "vivo en Sevilla, en la calle Feria número 12, con mi hijo"
                    for i in range(index + 1, min(len(norms), index + 14))
                    if norms[i] == "con" or norms[i] in _CLAUSE_END
                ),
                None,
            )
            if (
                con is not None
                and norms[con] == "con"
                and (
                    (
                        norms[index] == "vive" and index > 0 and norms[index - 1] == "que"
                    )  # "dice que vive en X con…"
                    or not (norms[index] in {"estoy", "vive"} and con != index + 1)
                )
            ):
                members, last, certain = _members_after(transcript, con + 1)
                if members and not (
                    norms[index] == "vive"
                    and not _contains_sequence(transcript.window_before(index, 3), ("que",))
                ):
                    found.append((1 + members, index, last, 0.85 if certain else 0.6))
        if (
            norms[index] in {"vivimos", "convivimos", "somos"}
            and index + 1 < len(norms)
            and norms[index + 1] in _LIST_CONTINUATIONS
        ):
            # "vivimos mi marido, mis tres hijos y yo"
            members, last, certain = _members_after(transcript, index + 1)
            if members:
                found.append((1 + members, index, last, 0.85 if certain else 0.6))
        if norms[index] == "conmigo" and index > 0 and norms[index - 1] in {"viven", "vive"}:
            probe = index - 2
            while probe >= 0 and norms[probe] in {"que", ","}:
                probe -= 1
            if probe >= 0 and norms[probe] in RELATIVES:
                start = probe
                while start > 0 and norms[start - 1] not in _CLAUSE_END and probe - start < 4:
                    start -= 1
                members, _, certain = _members_after(transcript, start)
                if members:
                    found.append((1 + members, start, index, 0.8 if certain else 0.6))
    found += _household_answer(transcript)
    if not found:
        return None
    size, first, last, confidence = max(found, key=lambda f: (f[3] >= 0.85, f[1]))
    return Field(size, confidence, tokens[first].start, tokens[last].end)


# --- needs -------------------------------------------------------------------------------------------

_NEEDS_PATTERNS = {
    need: re.compile(r"\b(?:" + "|".join(re.escape(keyword) for keyword in keywords) + r")\b")
    for need, keywords in NEEDS_KEYWORDS.items()
}
_NEGATIONS_AFTER = (
    "ya esta",
    "ya estan",
    "tenemos",
    "tengo",
    "de momento tenemos",
    "de momento tengo",
    "vamos bien",
    "estamos bien",
    "estoy bien",
    "voy bien",
    "no nos falta",
    "no me falta",
    "eso si",
    "si tenemos",
    "si tengo",
    "ya tenemos",
    "nos ayuda",
    "bien, gracias",
    "no necesit",
    "no hace falta",
    "no me hace falta",
    "ya tengo",
    "ya lo tengo",
    "no, ya",
    "no la necesit",
    "no lo necesit",
    "tampoco",
)
_NEGATIONS = (
    "ya estan en el",
    "ya esta en el",
    "ya van al",
    "no necesito",
    "no necesitamos",
    "no hace falta",
    "ya tengo",
    "ya tenemos",
    "no me hace falta",
    "de momento no",
    "no es necesario",
    "eso no",
    "no quiero",
)


_NEED_CUES = re.compile(
    r"\b(?:necesit\w*|necesidad\w*|busc\w*|ayuda\w*|ayuden|ayudar\w*|falta|faltan|no tengo|no tenemos|"
    r"sin|quiero|querria|quisiera|"
    r"problema\w*|me gustaria|nos gustaria|solicitar|pedir|apoyo|orientacion|informacion|me cuesta|no puedo|"
    r"no podemos|no llego|no llegamos|urgente|urge|urgen|preocupa\w*|hace falta|conseguir|encontrar|"
    r"tramitar|acceso|"
    r"derivar|cita con|cita para|mal|perdido|perdi|echado|echaron|debo|debemos|me van a|nos van a)\b"
)


_NEED_QUESTIONS = re.compile(
    r"que necesita|que necesitais|que necesitan|en que le (?:puedo|podemos) ayudar|por que viene|que le urge|"
    r"lo que mas le urge|en que (?:te|le|os) (?:puedo|podemos) ayudar|cuenteme|que le trae|motivo"
)


def _need_cue_near(folded: str, start: int, end: int) -> bool:
    """A need is asked for in the same clause ("necesito…", "no tengo…", "ayuda con…"), or it
    answers the technician's question ("¿Qué necesita? — Medicinas")."""
    if _NEED_QUESTIONS.search(folded, max(0, start - 90), start):
        return True
    clause_start = max(folded.rfind(mark, 0, start) for mark in ".?!;") + 1
    clause_end = min((i for i in (folded.find(mark, end) for mark in ".?!;") if i != -1), default=len(folded))
    clause_start = max(clause_start, start - 70)
    clause_end = min(clause_end, end + 40)
    return bool(_NEED_CUES.search(folded, clause_start, clause_end))


def _needs_field(transcript: Transcript) -> Field | None:
    folded = fold(transcript.text)  # same length as the text: fold keeps one character per character
    if len(folded) != len(transcript.text):
        folded = transcript.text.lower()
    spans: list[tuple[int, int]] = []
    needs: set[str] = set()
    for need, pattern in _NEEDS_PATTERNS.items():
        for match in pattern.finditer(folded):
            preceding = folded[max(0, match.start() - 25) : match.start()]
            following = folded[match.end() : match.end() + 25].lstrip(" ,")
            if any(negation in preceding for negation in _NEGATIONS) or following.startswith(
                _NEGATIONS_AFTER
            ):
                continue
            if match.group() not in STRONG_NEED_KEYWORDS and not _need_cue_near(
                folded, match.start(), match.end()
            ):
                continue  # "vivo en un piso compartido" describes, it does not ask
            needs.add(need)
            spans.append((match.start(), match.end()))
    if not needs:
        return None
    ordered = sorted(needs)
    return Field(ordered, 0.75, min(s for s, _ in spans), max(e for _, e in spans))


# --- entry points ------------------------------------------------------------------------------------


def extract(transcript: str, today: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The form fields said in ``transcript`` (see the module docstring for the format)."""
    parsed = Transcript(transcript, today or dt.date.today())
    fields: dict[str, Field] = {}
    document, document_tokens = _document_field(parsed)
    if document is not None:
        valid = document_is_valid(document.document_type, document.number)
        confidence = 0.97 if valid else 0.8
        fields["document_type"] = Field(document.document_type, confidence, document.start, document.end)
        fields["document_number"] = Field(document.number, confidence, document.start, document.end)
        fields["document_valid"] = Field(valid, 0.97, document.start, document.end)
    fields.update(_name_fields(parsed))
    for name, field in (
        ("birth_date", _birth_date_field(parsed)),
        ("nationality", _nationality_field(parsed)),
        ("municipality", _municipality_field(parsed)),
        ("phone", _phone_field(parsed, document_tokens)),
        ("household_size", _household_field(parsed)),
        ("needs", _needs_field(parsed)),
    ):
        if field is not None:
            fields[name] = field
    return {name: fields[name].as_dict() for name in FIELD_NAMES if name in fields}


class StreamingExtractor:
    """Fields of a transcript that grows segment by segment, as Transcribe streaming delivers it."""

    def __init__(self, today: dt.date | None = None) -> None:
        self._segments: list[str] = []
        self._today = today

    @property
    def transcript(self) -> str:
        return " ".join(self._segments)

    def add_segment(self, text: str) -> dict[str, dict[str, Any]]:
        self._segments.append(text.strip())
        return extract(self.transcript, self._today)
