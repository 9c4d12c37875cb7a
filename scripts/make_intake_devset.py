#!/usr/bin/env python3
"""Generate the intake development set: Spanish intake conversations with gold field labels.

Seeded and reproducible; besides the standard library it only takes the contract's field and need
names from ``acogida.intake`` (never its extraction code). Every conversation is built from a random person
(name, document, birth date, nationality, municipality, phone, household, needs), rendered through
independent phrasing templates per field, in random topic order, in one of three transcript styles
(speaker-labelled, unlabelled with punctuation, unlabelled lower-case ASR), with fillers, repetitions,
self-corrections and distractors whose values must NOT be extracted. The gold labels follow the
extraction contract in ``bench/README.md``.

    python scripts/make_intake_devset.py [--count 500] [--seed 20250602] [--out bench/intake_dev.jsonl]
"""

# A data generator: long template functions with many early returns are the clearest form here.
# Word lists are written as one string split on spaces, which reads better than 30 quoted words.
# ruff: noqa: PLR0911, PLR0912, SIM905

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from acogida.intake import FIELD_NAMES, NEEDS  # the extraction contract: field names and needs

T = TypeVar("T")

DEFAULT_COUNT = 500
DEFAULT_SEED = 20250602
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "bench" / "intake_dev.jsonl"

DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# Ages and "llegué hace N años" are computed against this day, so that age and birth date agree.
REFERENCE_DATE = date(2025, 6, 2)
DIFFICULTIES = ("easy", "medium", "hard")
STYLES = ("labelled", "plain", "asr")
CORRECTION_CUES = (
    "no, perdona",
    "no, perdón",
    "no, espera",
    "me he equivocado",
    "mejor dicho",
    "no, no",
    "digo",
    "bueno, no",
    "corrijo",
    "uy, no",
)

# --------------------------------------------------------------------------------------------------
# Check letters


def dni_letter(number: int) -> str:
    """The DNI check letter of an 8-digit number (mod 23)."""
    return DNI_LETTERS[number % 23]


def nie_letter(prefix: str, digits: str) -> str:
    """The NIE check letter: X/Y/Z stand for 0/1/2 in front of the 7 digits."""
    return dni_letter(int(str("XYZ".index(prefix)) + digits))


def document_is_valid(doc_type: str, number: str) -> bool:
    """The contract's ``document_valid``: check letter for DNI/NIE, well-formedness for passports."""
    if doc_type == "DNI":
        return bool(re.fullmatch(r"\d{8}[A-Z]", number)) and dni_letter(int(number[:8])) == number[8]
    if doc_type == "NIE":
        return (
            bool(re.fullmatch(r"[XYZ]\d{7}[A-Z]", number)) and nie_letter(number[0], number[1:8]) == number[8]
        )
    return bool(re.fullmatch(r"[A-Z0-9]{6,9}", number)) and any(ch.isdigit() for ch in number)


# --------------------------------------------------------------------------------------------------
# Numbers and letters in words

_UNITS = (
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
    "diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco "
    "veintiséis veintisiete veintiocho veintinueve"
).split(" ")
_TENS = {3: "treinta", 4: "cuarenta", 5: "cincuenta", 6: "sesenta", 7: "setenta", 8: "ochenta", 9: "noventa"}
_HUNDREDS = {
    1: "ciento",
    2: "doscientos",
    3: "trescientos",
    4: "cuatrocientos",
    5: "quinientos",
    6: "seiscientos",
    7: "setecientos",
    8: "ochocientos",
    9: "novecientos",
}
MONTHS = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(" ")
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes")


def _words_99(n: int) -> str:
    if n < 30:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] if unit == 0 else f"{_TENS[tens]} y {_UNITS[unit]}"


def _words_999(n: int) -> str:
    if n < 100:
        return _words_99(n)
    if n == 100:
        return "cien"
    hundreds, rest = divmod(n, 100)
    return _HUNDREDS[hundreds] if rest == 0 else f"{_HUNDREDS[hundreds]} {_words_99(rest)}"


def _apocope(words: str) -> str:
    """'veintiuno mil' -> 'veintiún mil', 'treinta y uno mil' -> 'treinta y un mil'."""
    if words.endswith("veintiuno"):
        return words[: -len("veintiuno")] + "veintiún"
    if words.endswith("uno"):
        return words[:-1]
    return words


def number_words(n: int) -> str:
    """Spanish words for 0 <= n < 10**9 ('cuarenta y cinco', 'mil novecientos noventa y dos')."""
    if n < 1000:
        return _words_999(n)
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "mil" if thousands == 1 else f"{_apocope(_words_999(thousands))} mil"
        return head if rest == 0 else f"{head} {_words_999(rest)}"
    millions, rest = divmod(n, 1_000_000)
    head = "un millón" if millions == 1 else f"{_apocope(_words_999(millions))} millones"
    return head if rest == 0 else f"{head} {number_words(rest)}"


def digits_words(digits: str, sep: str = " ") -> str:
    """Digit by digit: '612' -> 'seis uno dos'."""
    return sep.join(_UNITS[int(d)] for d in digits)


def group_words(group: str) -> str:
    """A group of digits as people say it: '34' -> 'treinta y cuatro', '05' -> 'cero cinco',
    '612' -> 'seiscientos doce', '034' -> 'cero treinta y cuatro', '1234' -> 'doce treinta y cuatro'."""
    if len(group) == 1:
        return _UNITS[int(group)]
    if group[0] == "0":
        return "cero " + group_words(group[1:])
    if len(group) == 4:
        return f"{group_words(group[:2])} {group_words(group[2:])}"
    return number_words(int(group))


LETTER_NAMES: dict[str, tuple[str, ...]] = {
    "A": ("a", "a de Alicante"),
    "B": ("be", "be alta", "be larga", "be de Barcelona", "be de burro"),
    "C": ("ce", "ce de casa", "ce de Cádiz"),
    "D": ("de", "de de dedo", "de de Dinamarca"),
    "E": ("e", "e de España"),
    "F": ("efe", "efe de Francia"),
    "G": ("ge", "ge de gato", "ge de Granada"),
    "H": ("hache", "hache de hotel"),
    "I": ("i", "i latina", "i de Italia"),
    "J": ("jota", "jota de Jaén"),
    "K": ("ka", "ka de kilo"),
    "L": ("ele", "ele de Lugo"),
    "M": ("eme", "eme de Madrid"),
    "N": ("ene", "ene de Navarra"),
    "O": ("o", "o de Oviedo"),
    "P": ("pe", "pe de Pamplona"),
    "Q": ("cu", "cu de queso"),
    "R": ("erre", "erre de Roma"),
    "S": ("ese", "ese de Sevilla"),
    "T": ("te", "te de Toledo"),
    "U": ("u", "u de uva"),
    "V": ("uve", "uve de Valencia", "ve baja", "ve corta", "ve chica"),
    "W": ("uve doble", "doble uve", "doble ve"),
    "X": ("equis",),
    "Y": ("i griega", "ye"),
    "Z": ("zeta", "zeta de Zaragoza"),
}

# --------------------------------------------------------------------------------------------------
# Pools: origins, names, municipalities


@dataclass(frozen=True)
class Origin:
    code: str
    countries: tuple[str, ...]  # ways to name the country
    demonym_m: str
    demonym_f: str
    given_f: tuple[str, ...]
    given_m: tuple[str, ...]
    surnames: tuple[str, ...]
    two_surnames: float  # probability of two surnames
    cities: tuple[str, ...]  # birthplaces (distractors for the municipality)
    phone_cc: str
    phone_pattern: str  # national significant number: digits fixed, 'd' random
    passport_pattern: str  # 'L' letter, 'D' digit
    latam: bool = False


_ES_F = (
    "María del Carmen",
    "María José",
    "Ana Belén",
    "Lucía",
    "Carmen",
    "Rosa María",
    "Pilar",
    "Laura",
    "Cristina",
    "Isabel",
    "María de los Ángeles",
    "Encarnación",
    "Raquel",
    "Noelia",
    "Inmaculada",
    "Mari Luz",
    "Rocío",
    "Esperanza",
    "Dolores",
    "Yolanda",
    "Montserrat",
    "Begoña",
    "Nuria",
    "Ana Isabel",
)
_ES_M = (
    "José Luis",
    "Juan Antonio",
    "Francisco Javier",
    "Manuel",
    "Antonio",
    "Jesús",
    "Miguel Ángel",
    "Rafael",
    "David",
    "Sergio",
    "Alejandro",
    "Pedro",
    "Ángel",
    "José María",
    "Juan Carlos",
    "Rubén",
    "Iván",
    "Fernando",
    "Joaquín",
    "Ramón",
    "Juan de Dios",
)
_ES_SURNAMES = (
    "García",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Navarro",
    "Torres",
    "Domínguez",
    "Gil",
    "Vázquez",
    "Serrano",
    "Ramos",
    "Blanco",
    "Molina",
    "Ortega",
    "Delgado",
    "Castro",
    "Cortés",
    "Heredia",
    "de la Fuente",
    "del Río",
    "de la Torre",
    "de los Santos",
    "del Pino",
    "de León",
    "de la Cruz",
    "del Valle",
    "de Miguel",
)
_LATAM_F = (
    "Yesenia",
    "Luz Marina",
    "Yuliana",
    "Ana Lucía",
    "Jennifer Paola",
    "Maryori",
    "Leidy Johana",
    "Sandra Milena",
    "Gladys",
    "Rosa Elvira",
    "Carmen Rosa",
    "Daniela",
    "Valentina",
    "Yamileth",
    "Keila",
    "Wendy",
    "Karla Patricia",
    "María Fernanda",
    "Dayana",
    "Milagros",
    "Yadira",
    "Luz Dary",
)
_LATAM_M = (
    "Jhon Jairo",
    "Wilmer",
    "Carlos Andrés",
    "Luis Fernando",
    "Juan David",
    "Edwin",
    "Yeison",
    "Brayan",
    "José Gregorio",
    "Franklin",
    "Henry",
    "Jorge Luis",
    "Darwin",
    "Kevin",
    "Wilson",
    "Óscar Iván",
    "Néstor",
    "Cristian Camilo",
    "Luis Miguel",
    "Héctor Javier",
)
_LATAM_SURNAMES = (
    "Rodríguez",
    "Quispe",
    "Mamani",
    "Huamán",
    "Vargas",
    "Castro",
    "Ortiz",
    "Rojas",
    "Mendoza",
    "Guerrero",
    "Cárdenas",
    "Zambrano",
    "Chávez",
    "Flores",
    "Suárez",
    "Ramírez",
    "Morales",
    "Reyes",
    "Gutiérrez",
    "Paredes",
    "Villalobos",
    "Peña",
    "Cabrera",
    "de la Cruz",
    "del Castillo",
    "Cedeño",
    "Mejía",
    "Ayala",
    "Condori",
    "Valencia",
    "Toledo",
    "Murillo",
)
_MA_F = (
    "Fatima",
    "Fatima Zahra",
    "Khadija",
    "Nadia",
    "Samira",
    "Aicha",
    "Malika",
    "Zineb",
    "Hanane",
    "Naima",
    "Salma",
    "Meryem",
    "Hafsa",
    "Latifa",
    "Soukaina",
)
_MA_M = (
    "Mohamed",
    "Youssef",
    "Abdelkader",
    "Hassan",
    "Rachid",
    "Mustapha",
    "Said",
    "Karim",
    "Hamza",
    "Omar",
    "Ayoub",
    "Abdellah",
    "Nabil",
    "Driss",
    "Mohammed Amine",
)
_MA_SURNAMES = (
    "El Amrani",
    "Benali",
    "El Idrissi",
    "Bouzid",
    "Alaoui",
    "Benjelloun",
    "El Fassi",
    "Ouali",
    "Tazi",
    "Chakir",
    "El Khatib",
    "Ait Ouali",
    "Bennani",
    "Haddad",
    "Ziani",
    "Lahlou",
    "Belhaj",
    "Mansouri",
    "El Ouardi",
    "Ait Ben Haddou",
)
_WA_F = (
    "Fatou",
    "Aminata",
    "Awa",
    "Mariama",
    "Khady",
    "Ndeye",
    "Coumba",
    "Astou",
    "Aissatou",
    "Sokhna",
    "Oumou",
    "Kadiatou",
    "Fatoumata",
    "Isatou",
)
_WA_M = (
    "Mamadou",
    "Ousmane",
    "Cheikh",
    "Moussa",
    "Abdoulaye",
    "Ibrahima",
    "Modou",
    "Lamine",
    "Babacar",
    "Pape",
    "Serigne",
    "Alioune",
    "Bakary",
    "Sekou",
    "Ebrima",
)
_SN_SURNAMES = (
    "Diop",
    "Ndiaye",
    "Fall",
    "Sow",
    "Ba",
    "Diallo",
    "Sarr",
    "Gueye",
    "Mbaye",
    "Faye",
    "Seck",
    "Cisse",
    "Niang",
    "Thiam",
    "Diouf",
    "Kane",
)
_ML_GM_SURNAMES = (
    "Traoré",
    "Keita",
    "Coulibaly",
    "Konaté",
    "Camara",
    "Touré",
    "Jallow",
    "Ceesay",
    "Bah",
    "Sanneh",
    "Jammeh",
    "Darboe",
)
_UA_F = (
    "Olena",
    "Iryna",
    "Natalia",
    "Oksana",
    "Tetiana",
    "Yulia",
    "Svitlana",
    "Anastasia",
    "Kateryna",
    "Halyna",
)
_UA_M = (
    "Oleksandr",
    "Andriy",
    "Dmytro",
    "Serhiy",
    "Volodymyr",
    "Mykola",
    "Yuriy",
    "Ivan",
    "Bohdan",
    "Taras",
)
_UA_SURNAMES = (
    "Kovalenko",
    "Shevchenko",
    "Bondarenko",
    "Tkachenko",
    "Melnyk",
    "Kravchuk",
    "Boyko",
    "Oliynyk",
    "Polishchuk",
    "Savchenko",
    "Lysenko",
    "Marchenko",
    "Rudenko",
    "Moroz",
)
_RO_F = ("Andreea", "Elena", "Ioana", "Mihaela", "Alina", "Gabriela", "Florentina", "Daniela", "Roxana")
_RO_M = ("Mihai", "Ionut", "Florin", "Gheorghe", "Constantin", "Adrian", "Marian", "Catalin", "Vasile")
_RO_SURNAMES = (
    "Popescu",
    "Ionescu",
    "Dumitru",
    "Stan",
    "Munteanu",
    "Popa",
    "Stoica",
    "Radu",
    "Marin",
    "Dinu",
    "Lungu",
    "Matei",
    "Georgescu",
)

ORIGINS: dict[str, Origin] = {
    o.code: o
    for o in (
        Origin(
            "ES",
            ("España",),
            "español",
            "española",
            _ES_F,
            _ES_M,
            _ES_SURNAMES,
            1.0,
            ("Sevilla", "Badajoz", "Jaén", "Córdoba", "Ceuta", "Melilla"),
            "34",
            "6dddddddd",
            "LLLDDDDDD",
        ),
        Origin(
            "MA",
            ("Marruecos",),
            "marroquí",
            "marroquí",
            _MA_F,
            _MA_M,
            _MA_SURNAMES,
            0.3,
            ("Tánger", "Casablanca", "Nador", "Rabat", "Tetuán", "Fez", "Marrakech", "Beni Mellal"),
            "212",
            "6dddddddd",
            "LLDDDDDDD",
        ),
        Origin(
            "CO",
            ("Colombia",),
            "colombiano",
            "colombiana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Cali", "Medellín", "Bogotá", "Barranquilla", "Pereira"),
            "57",
            "3ddddddddd",
            "LLDDDDDD",
            latam=True,
        ),
        Origin(
            "VE",
            ("Venezuela",),
            "venezolano",
            "venezolana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Caracas", "Maracaibo", "Valencia", "Barquisimeto"),
            "58",
            "414ddddddd",
            "DDDDDDDDD",
            latam=True,
        ),
        Origin(
            "PE",
            ("Perú",),
            "peruano",
            "peruana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Lima", "Arequipa", "Trujillo", "Cusco"),
            "51",
            "9dddddddd",
            "DDDDDDDDD",
            latam=True,
        ),
        Origin(
            "EC",
            ("Ecuador",),
            "ecuatoriano",
            "ecuatoriana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Guayaquil", "Quito", "Cuenca", "Loja"),
            "593",
            "9dddddddd",
            "LDDDDDDD",
            latam=True,
        ),
        Origin(
            "HN",
            ("Honduras",),
            "hondureño",
            "hondureña",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Tegucigalpa", "San Pedro Sula", "La Ceiba"),
            "504",
            "9ddddddd",
            "LDDDDDDD",
            latam=True,
        ),
        Origin(
            "BO",
            ("Bolivia",),
            "boliviano",
            "boliviana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Santa Cruz", "Cochabamba", "La Paz"),
            "591",
            "7ddddddd",
            "DDDDDDD",
            latam=True,
        ),
        Origin(
            "PY",
            ("Paraguay",),
            "paraguayo",
            "paraguaya",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Asunción", "Ciudad del Este"),
            "595",
            "9dddddddd",
            "DDDDDDD",
            latam=True,
        ),
        Origin(
            "DO",
            ("República Dominicana",),
            "dominicano",
            "dominicana",
            _LATAM_F,
            _LATAM_M,
            _LATAM_SURNAMES,
            1.0,
            ("Santo Domingo", "Santiago de los Caballeros"),
            "1",
            "809ddddddd",
            "LLDDDDDDD",
            latam=True,
        ),
        Origin(
            "SN",
            ("Senegal",),
            "senegalés",
            "senegalesa",
            _WA_F,
            _WA_M,
            _SN_SURNAMES,
            0.0,
            ("Dakar", "Thiès", "Ziguinchor", "Kaolack"),
            "221",
            "77ddddddd",
            "LDDDDDDDD",
        ),
        Origin(
            "ML",
            ("Malí",),
            "maliense",
            "maliense",
            _WA_F,
            _WA_M,
            _ML_GM_SURNAMES,
            0.0,
            ("Bamako", "Kayes", "Sikasso"),
            "223",
            "7ddddddd",
            "LLDDDDDDD",
        ),
        Origin(
            "GM",
            ("Gambia",),
            "gambiano",
            "gambiana",
            _WA_F,
            _WA_M,
            _ML_GM_SURNAMES,
            0.0,
            ("Banjul", "Serekunda"),
            "220",
            "7dddddd",
            "LDDDDDDD",
        ),
        Origin(
            "UA",
            ("Ucrania",),
            "ucraniano",
            "ucraniana",
            _UA_F,
            _UA_M,
            _UA_SURNAMES,
            0.0,
            ("Kiev", "Járkov", "Odesa", "Leópolis", "Mariúpol"),
            "380",
            "67ddddddd",
            "LLDDDDDD",
        ),
        Origin(
            "RO",
            ("Rumanía", "Rumania"),
            "rumano",
            "rumana",
            _RO_F,
            _RO_M,
            _RO_SURNAMES,
            0.0,
            ("Bucarest", "Iasi", "Constanza", "Bacau"),
            "40",
            "7dddddddd",
            "DDDDDDDD",
        ),
    )
}
ORIGIN_WEIGHTS = {
    "ES": 24,
    "MA": 18,
    "CO": 9,
    "VE": 6,
    "PE": 4,
    "EC": 3,
    "HN": 4,
    "BO": 2,
    "PY": 2,
    "DO": 2,
    "SN": 8,
    "ML": 3,
    "GM": 2,
    "UA": 9,
    "RO": 6,
}

# (official name as INE writes it with the article in front, ways people say it). Names that INE
# writes bilingually ("València", "Alicante/Alacant", "Pamplona/Iruña") are left out on purpose.
MUNICIPALITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Madrid", ()),
    ("Barcelona", ()),
    ("Sevilla", ()),
    ("Zaragoza", ()),
    ("Málaga", ()),
    ("Murcia", ()),
    ("Bilbao", ()),
    ("Valladolid", ()),
    ("Córdoba", ()),
    ("Granada", ()),
    ("Almería", ()),
    ("Getafe", ()),
    ("Alcalá de Henares", ()),
    ("L'Hospitalet de Llobregat", ("l'Hospitalet", "Hospitalet")),
    ("Las Palmas de Gran Canaria", ("Las Palmas",)),
    ("A Coruña", ("La Coruña",)),
    ("Badalona", ()),
    ("Terrassa", ()),
    ("Sabadell", ()),
    ("Móstoles", ()),
    ("Fuenlabrada", ()),
    ("Leganés", ()),
    ("Alcorcón", ()),
    ("Parla", ()),
    ("Torrejón de Ardoz", ()),
    ("Santa Coloma de Gramenet", ()),
    ("Mataró", ()),
    ("Lleida", ()),
    ("Girona", ()),
    ("Huelva", ()),
    ("Cádiz", ()),
    ("Jerez de la Frontera", ("Jerez",)),
    ("Algeciras", ()),
    ("El Ejido", ()),
    ("Roquetas de Mar", ()),
    ("Níjar", ()),
    ("Cartagena", ()),
    ("Lorca", ()),
    ("Torre-Pacheco", ()),
    ("Logroño", ()),
    ("Santa Cruz de Tenerife", ()),
    ("Salamanca", ()),
    ("Burgos", ()),
    ("León", ()),
    ("Toledo", ()),
    ("Guadalajara", ()),
    ("Albacete", ()),
    ("Badajoz", ()),
    ("Oviedo", ()),
    ("Gijón", ()),
    ("Santander", ()),
    ("Huesca", ()),
    ("Lugo", ()),
    ("Ourense", ()),
    ("Vigo", ()),
    ("Reus", ()),
    ("Torrevieja", ()),
    ("Benidorm", ()),
    ("Lepe", ()),
    ("Coslada", ()),
    ("San Sebastián de los Reyes", ("Sanse",)),
    ("Rivas-Vaciamadrid", ("Rivas",)),
    ("Arganda del Rey", ()),
    ("Dos Hermanas", ()),
    ("Motril", ()),
    ("Vícar", ()),
    ("Cornellà de Llobregat", ("Cornellà",)),
    ("El Prat de Llobregat", ("El Prat",)),
    ("Sant Boi de Llobregat", ()),
    ("Manresa", ()),
    ("Vic", ()),
    ("Telde", ()),
    ("Arrecife", ()),
)
MUNICIPALITY_NAMES = frozenset(name for name, _ in MUNICIPALITIES)

STREETS = (
    "calle Mayor",
    "avenida de la Constitución",
    "calle Real",
    "calle del Olivo",
    "avenida de Andalucía",
    "calle San Juan",
    "paseo de la Estación",
    "calle Nueva",
    "calle de la Paz",
    "avenida de Europa",
    "calle Toledo",
    "calle Madrid",
    "plaza de España",
    "calle Cervantes",
)
STAFF = (
    ("Lucía", "f"),
    ("Marta", "f"),
    ("Javier", "m"),
    ("Pilar", "f"),
    ("Sergio", "m"),
    ("Nerea", "f"),
    ("Álvaro", "m"),
    ("Irene", "f"),
    ("Raúl", "m"),
    ("Carmen", "f"),
    ("Ainhoa", "f"),
    ("Iker", "m"),
    ("Rocío", "f"),
    ("Daniel", "m"),
)
OFFICE_PHONES = ("913354400", "900221122", "932100450", "954223310", "968456700", "915321200")
OFFICE_PLACES = ("Móstoles", "Getafe", "Sevilla", "Zaragoza", "Almería", "Badalona", "Murcia", "Vigo")

# --------------------------------------------------------------------------------------------------
# Person


@dataclass
class Household:
    partner: str | None = None  # "mi marido"
    children: int = 0
    child_noun: str = "hijos"
    extras: list[tuple[str, int]] = field(default_factory=list)  # ("mi madre", 1), ("mis padres", 2)

    @property
    def size(self) -> int:
        return 1 + (1 if self.partner else 0) + self.children + sum(n for _, n in self.extras)


@dataclass
class Person:
    gender: str  # "f" | "m"
    origin: Origin
    given: str
    surname_parts: list[str]
    birth: date
    doc_type: str | None
    doc_number: str | None
    municipality: str
    phone_cc: str
    phone_national: str
    household: Household
    needs: list[str]

    @property
    def surnames(self) -> str:
        return " ".join(self.surname_parts)

    @property
    def phone(self) -> str:
        return f"+{self.phone_cc}{self.phone_national}"

    @property
    def age(self) -> int:
        ref = REFERENCE_DATE
        return ref.year - self.birth.year - ((ref.month, ref.day) < (self.birth.month, self.birth.day))

    def adj(self, masculine: str, feminine: str) -> str:
        return feminine if self.gender == "f" else masculine


def _fill_pattern(rng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch in "dD":
            out.append(str(rng.randint(0, 9)))
        elif ch == "L":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVXYZ"))
        else:
            out.append(ch)
    return "".join(out)


def make_dni(rng: random.Random, valid: bool) -> str:
    number = rng.randint(0, 99_999_999) if rng.random() < 0.1 else rng.randint(10_000_000, 79_999_999)
    letter = dni_letter(number)
    if not valid:
        letter = rng.choice(DNI_LETTERS.replace(letter, ""))
    return f"{number:08d}{letter}"


def make_nie(rng: random.Random, valid: bool) -> str:
    prefix = rng.choices("XYZ", weights=(3, 6, 1))[0]
    digits = f"{rng.randint(0, 9_999_999):07d}"
    letter = nie_letter(prefix, digits)
    if not valid:
        letter = rng.choice(DNI_LETTERS.replace(letter, ""))
    return f"{prefix}{digits}{letter}"


def _household(rng: random.Random, gender: str, latam: bool) -> Household:
    partner_nouns: tuple[str, ...] = (
        ("mi marido", "mi pareja", "mi novio", "mi compañero")
        if gender == "f"
        else ("mi mujer", "mi pareja", "mi novia", "mi compañera")
    )
    if latam:
        partner_nouns = ("mi esposo", "mi pareja") if gender == "f" else ("mi esposa", "mi pareja")
    kind = rng.choices(
        ("alone", "partner", "family", "single_parent", "parents", "family_extra", "sibling"),
        weights=(18, 10, 30, 18, 8, 8, 8),
    )[0]
    child_noun = rng.choice(("hijos", "hijos", "hijas", "niños", "niñas", "críos", "peques"))
    if kind == "alone":
        return Household()
    if kind == "partner":
        return Household(partner=rng.choice(partner_nouns))
    if kind == "family":
        return Household(partner=rng.choice(partner_nouns), children=rng.randint(1, 4), child_noun=child_noun)
    if kind == "single_parent":
        return Household(children=rng.randint(1, 4), child_noun=child_noun)
    if kind == "parents":
        return Household(extras=[rng.choice((("mi madre", 1), ("mi padre", 1), ("mis padres", 2)))])
    if kind == "family_extra":
        extra = rng.choice((("mi suegra", 1), ("mi madre", 1), ("mi cuñado", 1), ("mis suegros", 2)))
        return Household(
            partner=rng.choice(partner_nouns),
            children=rng.randint(1, 3),
            child_noun=child_noun,
            extras=[extra],
        )
    sibling = rng.choice((("mi hermana", 1), ("mi hermano", 1), ("mi prima", 1)))
    return Household(extras=[sibling], children=rng.choice((0, 0, 1, 2)), child_noun=child_noun)


def make_person(rng: random.Random, invalid_rate: float) -> Person:
    code = rng.choices(list(ORIGIN_WEIGHTS), weights=list(ORIGIN_WEIGHTS.values()))[0]
    origin = ORIGINS[code]
    gender = rng.choice("fm")
    given = rng.choice(origin.given_f if gender == "f" else origin.given_m)
    parts = [rng.choice(origin.surnames)]
    if rng.random() < origin.two_surnames:
        second = rng.choice(origin.surnames)
        while second == parts[0]:
            second = rng.choice(origin.surnames)
        parts.append(second)
    age_days = rng.randint(18 * 365 + 5, 78 * 365)
    birth = REFERENCE_DATE - timedelta(days=age_days)
    valid = rng.random() >= invalid_rate
    doc_type: str | None
    doc_type = "DNI" if code == "ES" else rng.choices(("NIE", "PASSPORT", None), weights=(62, 32, 6))[0]
    doc_number: str | None = None
    if doc_type == "DNI":
        doc_number = make_dni(rng, valid)
    elif doc_type == "NIE":
        doc_number = make_nie(rng, valid)
    elif doc_type == "PASSPORT":
        doc_number = _fill_pattern(rng, origin.passport_pattern)
    municipality = rng.choice(MUNICIPALITIES)[0]
    if code != "ES" and rng.random() < 0.15:
        phone_cc, national = origin.phone_cc, _fill_pattern(rng, origin.phone_pattern)
    else:
        phone_cc = "34"
        national = _fill_pattern(
            rng, rng.choices(("6dddddddd", "7dddddddd", "91ddddddd", "95ddddddd"), weights=(80, 10, 6, 4))[0]
        )
    needs = sorted(rng.sample(NEEDS, rng.choices((1, 2, 3), weights=(4, 4, 2))[0]))
    return Person(
        gender=gender,
        origin=origin,
        given=given,
        surname_parts=parts,
        birth=birth,
        doc_type=doc_type,
        doc_number=doc_number,
        municipality=municipality,
        phone_cc=phone_cc,
        phone_national=national,
        household=_household(rng, gender, origin.latam),
        needs=needs,
    )


# --------------------------------------------------------------------------------------------------
# Conversation context


@dataclass
class Turn:
    speaker: str  # "T" technician | "U" user
    text: str
    fillers: bool = True  # may get fillers/repetitions added


@dataclass
class Ctx:
    rng: random.Random
    person: Person
    difficulty: str
    style: str
    tech_name: str
    tech_gender: str
    words_rate: float  # probability of saying numbers in words
    correction_rate: float
    monologue: bool  # the person volunteers everything; few technician questions
    gold: dict[str, Any] = field(default_factory=dict)
    tags: set[str] = field(default_factory=set)

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    @property
    def asr(self) -> bool:
        return self.style == "asr"

    @property
    def hard(self) -> bool:
        return self.difficulty == "hard"

    def words(self) -> bool:
        """Whether to say the next number in words."""
        return (self.asr and self.chance(0.85)) or self.chance(self.words_rate)

    def ask(self, *questions: str) -> list[Turn]:
        """A technician question, unless the person volunteers the data."""
        if self.monologue and self.chance(0.75):
            return []
        return [Turn("T", self.pick(questions))]

    def correcting(self) -> bool:
        return self.chance(self.correction_rate)

    def cue(self) -> str:
        return str(self.pick(CORRECTION_CUES))


def _join_items(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " y " + items[-1]


def say_count_noun(ctx: Ctx, n: int) -> str:
    """A count before a noun: 'veintiún años', 'treinta y un días'."""
    return _apocope(say_count(ctx, n))


def say_count(ctx: Ctx, n: int) -> str:
    return number_words(n) if ctx.words() or (n < 10 and ctx.chance(0.6)) else str(n)


# --------------------------------------------------------------------------------------------------
# Value renderers (how a value is said)


def say_letter(ctx: Ctx, letter: str) -> str:
    """A letter as dictated: 'Z', 'zeta', 'la zeta de Zaragoza'..."""
    if not ctx.asr and not ctx.words() and ctx.chance(0.7):
        return letter
    names = LETTER_NAMES[letter]
    name = names[0] if ctx.difficulty == "easy" and ctx.chance(0.6) else ctx.pick(names)
    return str(name)


def say_digits(ctx: Ctx, digits: str, groups: Sequence[int], words: bool) -> str:
    parts, i = [], 0
    for size in groups:
        parts.append(digits[i : i + size])
        i += size
    if not words:
        sep = ctx.pick((" ", " ", ", ")) if not ctx.asr else " "
        return sep.join(parts)
    rendered = []
    for part in parts:
        if len(part) > 1 and ctx.chance(0.12 if ctx.difficulty == "easy" else 0.25):
            rendered.append(digits_words(part))
        else:
            rendered.append(group_words(part))
    sep = ", " if not ctx.asr else " "
    out = rendered[0]
    for piece in rendered[1:]:
        if ctx.hard and ctx.chance(0.12):
            out += f"{sep}eh{sep}{piece}"
        elif not ctx.asr and ctx.chance(0.1):
            out += f"... {piece}"
        else:
            out += sep + piece
    return out


def _digit_groups(ctx: Ctx, n: int) -> list[int]:
    options: dict[int, tuple[tuple[int, ...], ...]] = {
        7: ((3, 2, 2), (1, 2, 2, 2), (3, 4), (7,)),
        8: ((2, 3, 3), (2, 2, 2, 2), (4, 4), (8,)),
        9: ((3, 3, 3), (3, 2, 2, 2), (3, 3, 3), (9,)),
        10: ((3, 3, 4), (3, 3, 2, 2), (3, 7)),
    }
    return list(ctx.pick(options.get(n, ((n,),))))


def say_phone_body(ctx: Ctx, national: str, own: bool = True) -> str:
    n = len(national)
    mode = ctx.rng.random()
    if ctx.words():
        if mode < 0.35:
            sep = ctx.pick((" ", ", ")) if not ctx.asr else " "
            if own:
                ctx.tags.add("phone:digit_by_digit")
            return digits_words(national, sep)
        if own:
            ctx.tags.add("phone:grouped_words")
        return say_digits(
            ctx, national, _digit_groups(ctx, n) if n != 9 else ctx.pick(([3, 2, 2, 2], [3, 3, 3])), True
        )
    if ctx.asr:
        return say_digits(ctx, national, _digit_groups(ctx, n), False)
    if mode < 0.3:
        return national
    if mode < 0.45 and n == 9:
        return "-".join((national[:3], national[3:6], national[6:]))
    if mode < 0.5 and n == 9:
        return ".".join((national[:3], national[3:5], national[5:7], national[7:]))
    groups = _digit_groups(ctx, n) if n != 9 else ctx.pick(([3, 2, 2, 2], [3, 3, 3]))
    return " ".join(_split(national, groups))


def _split(digits: str, groups: Sequence[int]) -> list[str]:
    out, i = [], 0
    for size in groups:
        out.append(digits[i : i + size])
        i += size
    return out


def say_country_code(ctx: Ctx, cc: str) -> str:
    if ctx.asr:
        return str(ctx.pick((f"más {number_words(int(cc))}", f"más {digits_words(cc)}", f"{cc}")))
    if ctx.words():
        return str(
            ctx.pick(
                (f"más {number_words(int(cc))}", f"más {digits_words(cc)}", f"cero cero {digits_words(cc)}")
            )
        )
    return str(ctx.pick((f"+{cc}", f"00{cc}", f"+{cc}", f"00 {cc}")))


def say_phone(ctx: Ctx, cc: str, national: str, own: bool = True) -> str:
    body = say_phone_body(ctx, national, own)
    if cc != "34":
        if own:
            ctx.tags.add("phone:foreign")
        country = next((o.countries[0] for o in ORIGINS.values() if o.phone_cc == cc), "")
        if ctx.chance(0.3) and country:
            return f"el prefijo de {country}, {say_country_code(ctx, cc)}, y luego {body}"
        return f"{say_country_code(ctx, cc)} {body}"
    if ctx.chance(0.15):
        if own:
            ctx.tags.add("phone:with_prefix")
        return f"{say_country_code(ctx, cc)} {body}"
    return body


def say_document(ctx: Ctx, doc_type: str, number: str) -> str:
    """The document number as said: compact, dotted, dashed, spaced, digits in words, dictated letters."""
    words = ctx.words()
    if doc_type == "DNI":
        digits, letter = number[:8], number[8]
        if words:
            ctx.tags.add("document:words")
            if ctx.chance(0.08):
                body = number_words(int(digits))
            else:
                body = say_digits(ctx, digits, _digit_groups(ctx, 8), True)
                if ctx.chance(0.3):
                    body = digits_words(digits, ctx.pick((" ", ", ")) if not ctx.asr else " ")
            return (
                f"{body}{ctx.pick((', ', ' ', ', letra ', ' y la letra ', ', la '))}{say_letter(ctx, letter)}"
            )
        if ctx.asr:
            return f"{say_digits(ctx, digits, _digit_groups(ctx, 8), False)} {say_letter(ctx, letter)}"
        ctx.tags.add("document:digits")
        return str(
            ctx.pick(
                (
                    number,
                    f"{digits[:2]}.{digits[2:5]}.{digits[5:]}-{letter}",
                    f"{digits[:2]} {digits[2:5]} {digits[5:]} {letter}",
                    f"{digits}-{letter}",
                    f"{digits} letra {say_letter(ctx, letter)}",
                    f"{digits}, la {say_letter(ctx, letter)}",
                    f"{digits} {letter}",
                )
            )
        )
    if doc_type == "NIE":
        prefix, digits, letter = number[0], number[1:8], number[8]
        if words:
            ctx.tags.add("document:words")
            head = str(ctx.pick(LETTER_NAMES[prefix]))
            body = say_digits(ctx, digits, _digit_groups(ctx, 7), True)
            if ctx.chance(0.35):
                body = digits_words(digits, ctx.pick((" ", ", ")) if not ctx.asr else " ")
            if ctx.chance(0.2):
                return f"empieza por la {head}, luego {body}, y la letra {say_letter(ctx, letter)}"
            return f"{head}, {body}{ctx.pick((', ', ', letra ', ' y al final la '))}{say_letter(ctx, letter)}"
        if ctx.asr:
            return (
                f"{prefix} {say_digits(ctx, digits, _digit_groups(ctx, 7), False)} {say_letter(ctx, letter)}"
            )
        ctx.tags.add("document:digits")
        return str(
            ctx.pick(
                (
                    number,
                    f"{prefix}-{digits}-{letter}",
                    f"{prefix} {digits} {letter}",
                    f"{prefix}{digits}-{letter}",
                    f"{prefix} {digits[:3]} {digits[3:5]} {digits[5:]} {letter}",
                    f"{prefix}.{digits}.{letter}",
                    f"{say_letter(ctx, prefix)} {digits} {say_letter(ctx, letter)}",
                )
            )
        )
    # passport
    letters = "".join(ch for ch in number if ch.isalpha())
    digits = "".join(ch for ch in number if ch.isdigit())
    if words:
        ctx.tags.add("document:words")
        spoken_letters = ", ".join(str(ctx.pick(LETTER_NAMES[ch])) for ch in letters)
        body = (
            digits_words(digits)
            if ctx.chance(0.6)
            else say_digits(ctx, digits, _digit_groups(ctx, len(digits)), True)
        )
        if not letters:
            return body
        return str(
            ctx.pick(
                (
                    f"{spoken_letters}, {body}",
                    f"las letras {spoken_letters} y luego {body}",
                    f"{spoken_letters} {body}",
                )
            )
        )
    if ctx.asr:
        return f"{' '.join(letters)} {digits}".strip().lower()
    ctx.tags.add("document:digits")
    if not letters:
        return str(ctx.pick((digits, " ".join(_split(digits, _digit_groups(ctx, len(digits)))))))
    return str(
        ctx.pick(
            (number, f"{letters} {digits}", f"{letters}-{digits}", f"{letters} {digits[:3]} {digits[3:]}")
        )
    )


def say_date(ctx: Ctx, d: date, own: bool = True) -> str:
    """A full date, in digits or words."""
    day_w = "primero" if d.day == 1 and ctx.person.origin.latam and ctx.chance(0.6) else number_words(d.day)
    month = MONTHS[d.month - 1]
    yy = d.year % 100
    short_year_ok = d.year < 2000
    if ctx.words():
        if own:
            ctx.tags.add("birth_date:words")
        options = [
            f"el {day_w} de {month} de {number_words(d.year)}",
            f"{day_w} de {month} de {number_words(d.year)}",
            f"el {day_w} del {number_words(d.month)} del {number_words(d.year)}",
        ]
        if short_year_ok:
            options += [
                f"el {day_w} de {month} del {number_words(yy)}",
                f"{day_w} de {month} del {number_words(yy)}",
                f"el {day_w} del {number_words(d.month)} del {number_words(yy)}",
            ]
        return str(ctx.pick(options))
    options = [f"{d.day} de {month} de {d.year}", f"el {d.day} de {month} de {d.year}"]
    if short_year_ok:
        options += [f"el {d.day} de {month} del {yy:02d}", f"{d.day} del {d.month} del {yy:02d}"]
    if not ctx.asr:
        if own:
            ctx.tags.add("birth_date:digits")
        options += [
            f"{d.day:02d}/{d.month:02d}/{d.year}",
            f"{d.day}/{d.month}/{d.year}",
            f"{d.day:02d}-{d.month:02d}-{d.year}",
            f"{d.day:02d}/{d.month:02d}/{d.year}",
        ]
        if short_year_ok:
            options.append(f"{d.day}/{d.month}/{yy:02d}")
    return str(ctx.pick(options))


def say_year(ctx: Ctx, year: int) -> str:
    if year < 2000 and ctx.chance(0.6):
        return number_words(year % 100) if ctx.words() else f"{year % 100:02d}"
    return number_words(year) if ctx.words() else str(year)


# --------------------------------------------------------------------------------------------------
# Topic renderers: each returns technician/user turns and records the gold value


def topic_name(ctx: Ctx, given_only: bool = False) -> list[Turn]:
    p = ctx.person
    g, s = p.given, p.surnames
    ctx.gold["given_name"] = g
    if given_only:
        turns = ctx.ask("¿Cómo se llama?", "¿Su nombre?", "¿Cómo te llamas?")
        answers = (f"me llamo {g}.", f"soy {g}.", f"mi nombre es {g}.") + ((f"{g}.",) if turns else ())
        return [*turns, Turn("U", ctx.pick(answers))]
    ctx.gold["surnames"] = surnames_gold(s)
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask("¿Cómo se llama?", "¿Su nombre?"), Turn("U", f"me llamo {g} {s}.")],
        lambda: [Turn("U", f"mi nombre es {g} y mis apellidos son {s}.")],
        lambda: [
            Turn("T", ctx.pick(("¿Nombre?", "¿Me dice su nombre?", "Primero el nombre."))),
            Turn("U", f"{g}."),
            Turn("T", ctx.pick(("¿Y los apellidos?", "¿Apellidos?", "Vale, ¿y de apellidos?"))),
            Turn("U", f"{s}."),
        ],
        lambda: [*ctx.ask("¿Nombre completo?", "¿Cómo te llamas?"), Turn("U", f"soy {g} {s}.")],
        lambda: [*ctx.ask("¿Cómo se llama usted?"), Turn("U", f"{g}, {g} {s}.")],
        lambda: [Turn("U", f"nombre {g}, apellidos {s}.")],
        lambda: [
            *ctx.ask("¿Nombre y apellidos?", "¿Me dice nombre y apellidos, tal como salen en el documento?"),
            Turn("U", f"apellidos {s}, nombre {g}."),
        ],
        lambda: [
            Turn("U", f"me llamo {g}, de {'apellidos' if len(p.surname_parts) > 1 else 'apellido'} {s}.")
        ],
        lambda: [Turn("U", f"mi nombre completo es {g} {s}.")],
        lambda: [
            *ctx.ask("¿Cómo se llama?"),
            Turn("U", f"{g} {s}."),
            Turn("T", f"{g} {s}, ¿correcto?"),
            Turn("U", ctx.pick(("sí, eso es.", "sí.", "exacto."))),
        ],
        lambda: [
            Turn("T", "¿Cómo te llamas?"),
            Turn("U", f"{g}."),
            Turn("T", ctx.pick(("¿Y de apellido?", "¿Y tus apellidos?"))),
            Turn("U", f"{s}, {s}."),
        ],
        lambda: [Turn("U", f"yo me llamo {g}, {g} {s}, para servirle.")],
    ]
    if len(p.surname_parts) == 2 and "de" not in s.split() and "del" not in s.split():
        first, second = p.surname_parts

        def swapped() -> list[Turn]:
            ctx.tags.add("correction:surnames")
            return [
                *ctx.ask("¿Nombre y apellidos?"),
                Turn("U", f"{g} {first} {second}."),
                Turn("T", f"{g} {second} {first}, ¿verdad?"),
                Turn(
                    "U",
                    f"{ctx.pick(('no, al revés', 'no, no, al revés', 'no, primero ' + first))}: "
                    f"{first} {second}.",
                ),
            ]

        def split_surnames() -> list[Turn]:
            return [Turn("U", f"me llamo {g} {first}, y el segundo apellido es {second}.")]

        variants.append(split_surnames)
        if ctx.correcting():
            return swapped()
    if ctx.monologue:
        variants = [variants[i] for i in (0, 1, 3, 5, 7, 8, 11)]
    return ctx.pick(variants)()


def surnames_gold(surnames: str) -> str:
    """Surnames as a form field: a leading particle takes a capital, since the given name is not in front
    of it (RAE: "el señor De la Fuente", but "Juan de la Fuente"); inner particles stay lower case."""
    return surnames[:1].upper() + surnames[1:]


def _document_intro(ctx: Ctx, doc_type: str) -> str:
    names = {
        "DNI": (
            "mi DNI es el",
            "el DNI es",
            "mi carnet de identidad es el",
            "el documento de identidad,",
            "DNI:",
        ),
        "NIE": (
            "mi NIE es",
            "el NIE es el",
            "tengo NIE, es el",
            "la tarjeta de residencia, el número es",
            "NIE:",
            "mi tarjeta roja, el número es el",
        ),
        "PASSPORT": (
            "mi pasaporte es el",
            "el número de pasaporte es",
            "tengo pasaporte, es el",
            "pasaporte:",
            "el pasaporte, número",
        ),
    }
    return str(ctx.pick(names[doc_type]))


def topic_document(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    if p.doc_type is None or p.doc_number is None:
        ctx.tags.add("no_document")
        return [
            Turn("T", ctx.pick(("¿Tiene algún documento de identidad?", "¿Tiene DNI, NIE o pasaporte?"))),
            Turn(
                "U",
                ctx.pick(
                    (
                        "no, ahora mismo no tengo ningún documento.",
                        "no tengo nada, me lo quitaron todo.",
                        "no, todavía no tengo ningún documento de aquí.",
                    )
                ),
            ),
        ]
    doc_type, number = p.doc_type, p.doc_number
    ctx.gold["document_type"] = doc_type
    ctx.gold["document_number"] = number
    ctx.gold["document_valid"] = document_is_valid(doc_type, number)
    ctx.tags.add(f"doc:{doc_type}")
    if not ctx.gold["document_valid"]:
        ctx.tags.add("invalid_check_letter")
    questions = (
        "¿Tiene DNI o NIE?",
        "¿Me dice el número de documento?",
        "¿Qué documento tiene?",
        "¿Número de documento?",
        "¿Me deja el documento?",
    )
    if ctx.correcting() and doc_type in ("DNI", "NIE"):
        return _document_with_correction(ctx, doc_type, number, questions)
    spoken = say_document(ctx, doc_type, number)
    type_word = {"DNI": "DNI", "NIE": "NIE", "PASSPORT": "pasaporte"}[doc_type]
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask(*questions), Turn("U", f"{_document_intro(ctx, doc_type)} {spoken}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{type_word}. {spoken}.")],
        lambda: [Turn("U", f"{_document_intro(ctx, doc_type)} {spoken}, {spoken}.")],
        lambda: [
            Turn("T", "¿Qué documento tiene?"),
            Turn("U", f"{ctx.pick(('el', 'tengo el', 'tengo'))} {type_word}."),
            Turn("T", "¿Me dice el número?"),
            Turn("U", f"sí, a ver... {spoken}."),
        ],
        lambda: [
            *ctx.ask(*questions),
            Turn("U", f"{_document_intro(ctx, doc_type)} {spoken}."),
            Turn("T", ctx.pick(("Repítamelo despacio, por favor.", "¿Me lo repite?", "Otra vez, perdona."))),
            Turn("U", f"{spoken}."),
        ],
        lambda: [Turn("U", f"apunta el {type_word}: {spoken}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"el número de mi {type_word} es {spoken}.")],
        lambda: [Turn("U", f"te digo el {type_word}, que lo tengo aquí: {spoken}.")],
    ]
    if doc_type == "PASSPORT":
        variants.append(
            lambda: [
                Turn("T", "¿Me dice el número del NIE?"),
                Turn("U", f"NIE no tengo todavía, tengo pasaporte: {spoken}."),
            ]
        )
    return ctx.pick(variants)()


def _document_with_correction(ctx: Ctx, doc_type: str, number: str, questions: Sequence[str]) -> list[Turn]:
    ctx.tags.add("correction:document_number")
    digits_end = 8
    last = number[digits_end - 1]
    kind = ctx.pick(("last_digit", "letter", "full"))
    if kind == "last_digit":
        wrong_last = str(ctx.pick([d for d in "0123456789" if d != last]))
        wrong = number[: digits_end - 1] + wrong_last + number[digits_end:]
        said_last = number_words(int(last)) if ctx.words() else last
        return [
            *ctx.ask(*questions),
            Turn("U", f"{_document_intro(ctx, doc_type)} {say_document(ctx, doc_type, wrong)}."),
            Turn(
                "U",
                f"{ctx.cue()}, el último número es un {said_last}, no un {number_words(int(wrong_last))}.",
            ),
        ]
    if kind == "letter":
        letter = number[8]
        wrong_letter = str(ctx.pick([ch for ch in DNI_LETTERS if ch != letter]))
        wrong = number[:8] + wrong_letter
        right = str(ctx.pick(LETTER_NAMES[letter]))
        return [
            *ctx.ask(*questions),
            Turn("U", f"{_document_intro(ctx, doc_type)} {say_document(ctx, doc_type, wrong)}."),
            Turn(
                "U",
                f"{ctx.cue()}, la letra es la {right}, {LETTER_NAMES[letter][0]}, "
                f"no la {LETTER_NAMES[wrong_letter][0]}.",
            ),
        ]
    position = ctx.rng.randint(1 if doc_type == "NIE" else 0, 7)
    wrong_digit = str(ctx.pick([d for d in "0123456789" if d != number[position]]))
    wrong = number[:position] + wrong_digit + number[position + 1 :]
    return [
        *ctx.ask(*questions),
        Turn("U", f"{_document_intro(ctx, doc_type)} {say_document(ctx, doc_type, wrong)}..."),
        Turn(
            "U", f"{ctx.cue()}, {ctx.pick(('es el', 'sería', 'es'))} {say_document(ctx, doc_type, number)}."
        ),
    ]


def topic_birth(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    d = p.birth
    if ctx.chance(0.12 if ctx.difficulty != "easy" else 0.04):
        ctx.tags.add("distractor:age_only")
        age = say_count_noun(ctx, p.age)
        return [
            Turn("T", ctx.pick(("¿Qué edad tiene?", "¿Cuántos años tiene?", "¿Fecha de nacimiento?"))),
            Turn(
                "U",
                ctx.pick(
                    (
                        f"tengo {age} años.",
                        f"{age} años.",
                        f"{age}, cumplo {say_count(ctx, p.age + 1)} este año.",
                        f"pues {age} años tengo, la fecha exacta no me la sé.",
                    )
                ),
            ),
        ]
    ctx.gold["birth_date"] = d.isoformat()
    questions = (
        "¿Fecha de nacimiento?",
        "¿Cuándo nació?",
        "¿Su fecha de nacimiento?",
        "¿Me dices tu fecha de nacimiento?",
        "¿Y la fecha de nacimiento?",
    )
    if ctx.correcting():
        return _birth_with_correction(ctx, questions)
    spoken = say_date(ctx, d)
    month = MONTHS[d.month - 1]
    day = say_count(ctx, d.day)
    nacido = p.adj("nacido", "nacida")
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [
            *ctx.ask(*questions),
            Turn("U", f"nací {spoken if spoken.startswith('el ') else 'el ' + spoken}."),
        ],
        lambda: [*ctx.ask(*questions), Turn("U", f"mi fecha de nacimiento es {spoken}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{spoken}.")],
        lambda: [
            *ctx.ask(*questions),
            Turn("U", f"nací en el {say_year(ctx, d.year)}, el {day} de {month}."),
        ],
        lambda: [*ctx.ask(*questions), Turn("U", f"soy del {say_year(ctx, d.year)}, del {day} de {month}.")],
        lambda: [
            Turn("T", ctx.pick(questions)),
            Turn("U", f"el {day} de {month}."),
            Turn("T", "¿De qué año?"),
            Turn("U", f"del {say_year(ctx, d.year)}."),
        ],
        lambda: [
            Turn("U", f"{nacido} el {day} de {month} de {number_words(d.year) if ctx.words() else d.year}.")
        ],
        lambda: [Turn("U", f"cumplo años el {day} de {month}, y nací en el {say_year(ctx, d.year)}.")],
        lambda: [
            Turn("T", ctx.pick(("¿Qué edad tiene?", "¿Cuántos años tiene?"))),
            Turn(
                "U",
                f"{say_count(ctx, p.age)}. Nací {spoken if spoken.startswith('el ') else 'el ' + spoken}.",
            ),
        ],
        lambda: [*ctx.ask(*questions), Turn("U", f"pues mira, {spoken}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"fecha de nacimiento {spoken}.")],
    ]
    if ctx.monologue:
        variants = [variants[i] for i in (0, 1, 3, 4, 6, 7, 10)]
    return ctx.pick(variants)()


def _birth_with_correction(ctx: Ctx, questions: Sequence[str]) -> list[Turn]:
    ctx.tags.add("correction:birth_date")
    d = ctx.person.birth
    kind = ctx.pick(("month", "year", "full"))
    if kind == "month" and d.day <= 28:
        wrong_month = ctx.rng.choice([m for m in range(1, 13) if m != d.month])
        return [
            *ctx.ask(*questions),
            Turn(
                "U",
                f"el {say_count(ctx, d.day)} de {MONTHS[wrong_month - 1]}... {ctx.cue()}, "
                f"de {MONTHS[d.month - 1]}, "
                f"el {say_count(ctx, d.day)} de {MONTHS[d.month - 1]} de "
                f"{number_words(d.year) if ctx.words() else d.year}.",
            ),
        ]
    if kind in ("year", "month"):
        wrong_year = d.year + ctx.pick((-1, 1))
        return [
            *ctx.ask(*questions),
            Turn(
                "U", f"el {say_count(ctx, d.day)} de {MONTHS[d.month - 1]} del {say_year(ctx, wrong_year)}."
            ),
            Turn("U", f"{ctx.cue()}, del {say_year(ctx, d.year)}, que siempre me lío."),
        ]
    wrong = d - timedelta(days=ctx.rng.randint(2, 400))
    return [
        *ctx.ask(*questions),
        Turn("U", f"{say_date(ctx, wrong, own=False)}."),
        Turn("U", f"{ctx.cue()}, esa es la de mi hermana. La mía es {say_date(ctx, d)}."),
    ]


def topic_nationality(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    o = p.origin
    ctx.gold["nationality"] = o.code
    dem = p.adj(o.demonym_m, o.demonym_f)
    country = str(ctx.pick(o.countries))
    questions = (
        "¿Nacionalidad?",
        "¿De dónde es usted?",
        "¿De qué país es?",
        "¿Y su nacionalidad?",
        "¿De dónde eres?",
    )
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask(*questions), Turn("U", f"soy {dem}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"soy de {country}.")],
        lambda: (
            [Turn("U", f"vengo de {country}.")] if o.code != "ES" else [Turn("U", "soy de aquí, de España.")]
        ),
        lambda: [*ctx.ask(*questions), Turn("U", f"nacionalidad {o.demonym_f}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"de {country}.")],
        lambda: [Turn("U", f"nací en {ctx.pick(o.cities)}, en {country}.")],
        lambda: [Turn("U", f"tengo la nacionalidad {o.demonym_f}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"mi país es {country}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{dem}, sí, {dem}.")],
        lambda: [Turn("U", f"yo soy {dem}, de {ctx.pick(o.cities)}.")],
    ]
    if o.code == "ES":
        variants.append(lambda: [Turn("U", f"{p.adj('español', 'española')} de toda la vida.")])
    choice = ctx.pick(variants)
    turns: list[Turn] = choice()
    if any(city in t.text for t in turns for city in o.cities):
        ctx.tags.add("distractor:birthplace_city")
    if ctx.chance(0.25 if ctx.difficulty != "easy" else 0.05):
        other = ORIGINS[str(ctx.pick([c for c in ORIGINS if c != o.code]))]
        partner = "mi marido" if p.gender == "f" else "mi mujer"
        relative = ctx.pick((partner, "mi madre", "mi padre", "mi pareja", "mi abuela"))
        female = relative in ("mi madre", "mi mujer", "mi abuela")
        other_dem = other.demonym_f if female else other.demonym_m
        extra = Turn(
            "U",
            ctx.pick(
                (
                    f"{relative} es {other_dem}, eso sí.",
                    f"bueno, {relative} es de {other.countries[0]}.",
                    f"{relative} sí es {other_dem}.",
                )
            ),
        )
        turns.append(extra)
        ctx.tags.add("distractor:relative_nationality")
    return turns


def _say_municipality(ctx: Ctx, official: str) -> str:
    aliases = dict(MUNICIPALITIES)[official]
    if aliases and ctx.difficulty != "easy" and ctx.chance(0.7):
        ctx.tags.add("municipality_alias")
        return str(ctx.pick(aliases))
    return official


def topic_municipality(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    m = p.municipality
    ctx.gold["municipality"] = m
    said = _say_municipality(ctx, m)
    empadronado = p.adj("empadronado", "empadronada")
    questions = (
        "¿Dónde vive?",
        "¿En qué municipio está empadronado?",
        "¿Y dónde reside ahora?",
        "¿Dónde vives?",
        "¿Dirección?",
        "¿En qué localidad vive?",
    )
    street = str(ctx.pick(STREETS))
    number = ctx.rng.randint(1, 160)
    number_said = say_count(ctx, number)
    if ctx.correcting():
        ctx.tags.add("correction:municipality")
        old = str(ctx.pick([name for name, _ in MUNICIPALITIES if name != m]))
        return [
            *ctx.ask(*questions),
            Turn(
                "U",
                ctx.pick(
                    (
                        f"en {old}... bueno, {ctx.cue()}, ahora en {said}, que me mudé el mes pasado.",
                        f"vivo en {old}. Uy, no, {ctx.pick(('vivía', 'eso era antes'))}, "
                        f"ahora estoy en {said}.",
                        f"en {old}, {ctx.cue()}, en {said}, en {old} estaba antes.",
                    )
                ),
            ),
        ]
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask(*questions), Turn("U", f"vivo en {said}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"estoy {empadronado} en {said}.")],
        lambda: _with_street(
            ctx, [*ctx.ask(*questions), Turn("U", f"vivimos en {said}, en la {street} {number_said}.")]
        ),
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{said}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"ahora mismo estoy en {said}.")],
        lambda: _with_street(
            ctx,
            [
                Turn("T", "¿Dirección?"),
                Turn(
                    "U",
                    f"{street}, número {number_said}, "
                    f"{ctx.pick(('tercero B', 'bajo', 'segundo izquierda', 'primero'))}, en {said}.",
                ),
            ],
        ),
        lambda: [*ctx.ask(*questions), Turn("U", f"resido en {said}.")],
        lambda: [Turn("U", f"me he mudado a {said} hace poco.")],
        lambda: [Turn("U", f"el empadronamiento lo tengo en {said}.")],
        lambda: [Turn("T", "¿Dónde vive?"), Turn("U", f"en {said}, {said}.")],
        lambda: [Turn("U", f"nosotros estamos viviendo en {said}.")],
    ]
    turns: list[Turn] = ctx.pick(variants)()
    if ctx.chance(0.3 if ctx.difficulty != "easy" else 0.05):
        other = str(ctx.pick([name for name, _ in MUNICIPALITIES if name != m]))
        turns.append(
            Turn(
                "U",
                ctx.pick(
                    (
                        f"trabajaba en {other}, en el campo.",
                        f"de la oficina de {other} me dijeron que viniera aquí.",
                        f"antes estuve un tiempo en {other}.",
                        f"mi hermana vive en {other}.",
                    )
                ),
            )
        )
        ctx.tags.add("distractor:other_municipality")
    if ctx.person.origin.code == "ES" and ctx.chance(0.15):
        birthplace = str(ctx.pick(ctx.person.origin.cities))
        if birthplace != m:
            turns.append(Turn("U", f"soy de {birthplace}, pero llevo años aquí."))
            ctx.tags.add("distractor:birthplace_city")
    return turns


def _with_street(ctx: Ctx, turns: list[Turn]) -> list[Turn]:
    ctx.tags.add("distractor:street_number")
    return turns


def topic_phone(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    ctx.gold["phone"] = p.phone
    questions = (
        "¿Un teléfono de contacto?",
        "¿Me da un teléfono?",
        "¿Su móvil?",
        "¿Tiene teléfono?",
        "¿Un número para llamarle?",
    )
    if ctx.correcting():
        return _phone_with_correction(ctx, questions)
    spoken = say_phone(ctx, p.phone_cc, p.phone_national)
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask(*questions), Turn("U", f"mi teléfono es el {spoken}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"mi móvil, {spoken}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{spoken}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"apunta: {spoken}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"el número es el {spoken}.")],
        lambda: [Turn("U", f"me puede llamar al {spoken}.")],
        lambda: [Turn("U", f"tengo WhatsApp en el {spoken}.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"sí, a ver, que no me lo sé... {spoken}.")],
        lambda: [
            Turn("T", ctx.pick(questions)),
            Turn("U", f"{spoken}."),
            Turn("T", f"{say_phone(ctx, p.phone_cc, p.phone_national, own=False)}, ¿verdad?"),
            Turn("U", "sí, ese."),
        ],
        lambda: [*ctx.ask(*questions), Turn("U", f"teléfono {spoken}.")],
        lambda: [Turn("U", f"el mío es el {spoken}, es el único que tengo.")],
    ]
    if ctx.monologue:
        variants = [variants[i] for i in (0, 1, 3, 4, 5, 6, 9, 10)]
    turns: list[Turn] = ctx.pick(variants)()
    if ctx.chance(0.15 if ctx.hard else 0.05) and ctx.style == "labelled":
        relative = ctx.pick(("mi hija", "mi hermano", "mi marido", "mi prima"))
        other = _fill_pattern(ctx.rng, "6dddddddd")
        turns.append(
            Turn("U", f"y si no, el de {relative}, por si acaso: {say_phone(ctx, '34', other, own=False)}.")
        )
        ctx.tags.add("distractor:relative_phone")
    return turns


def _phone_with_correction(ctx: Ctx, questions: Sequence[str]) -> list[Turn]:
    p = ctx.person
    ctx.tags.add("correction:phone")
    if p.phone_cc != "34":
        ctx.tags.add("phone:foreign")
    national = p.phone_national
    kind = ctx.pick(("last_digit", "full", "readback"))
    if kind == "last_digit":
        wrong_last = str(ctx.pick([d for d in "0123456789" if d != national[-1]]))
        wrong = national[:-1] + wrong_last
        said = number_words(int(national[-1])) if ctx.words() else national[-1]
        return [
            *ctx.ask(*questions),
            Turn("U", f"mi teléfono es el {say_phone(ctx, p.phone_cc, wrong, own=False)}."),
            Turn("U", f"{ctx.cue()}, el último es un {said}."),
        ]
    position = ctx.rng.randint(1, len(national) - 1)
    wrong_digit = str(ctx.pick([d for d in "0123456789" if d != national[position]]))
    wrong = national[:position] + wrong_digit + national[position + 1 :]
    if kind == "full":
        return [
            *ctx.ask(*questions),
            Turn(
                "U",
                f"{say_phone(ctx, p.phone_cc, wrong, own=False)}... {ctx.cue()}, "
                f"es el {say_phone(ctx, p.phone_cc, national)}.",
            ),
        ]
    return [
        Turn("T", ctx.pick(questions)),
        Turn("U", f"{say_phone(ctx, p.phone_cc, national)}."),
        Turn("T", f"{say_phone(ctx, p.phone_cc, wrong, own=False)}, ¿no?"),
        Turn("U", f"no, no: {say_phone(ctx, p.phone_cc, national)}."),
    ]


def _children_phrase(ctx: Ctx, h: Household) -> str:
    noun = h.child_noun
    if h.children == 1:
        singular = {
            "hijos": "mi hijo",
            "hijas": "mi hija",
            "niños": "el niño",
            "niñas": "la niña",
            "críos": "mi crío",
            "peques": "el peque",
        }
        return str(ctx.pick((singular[noun], "mi bebé" if ctx.chance(0.2) else singular[noun])))
    k = say_count(ctx, h.children)
    return str(ctx.pick((f"mis {k} {noun}", f"los {k} {noun}", f"mis {k} {noun}")))


def _household_items(ctx: Ctx, h: Household) -> list[str]:
    items = []
    if h.partner:
        items.append(h.partner)
    if h.children:
        items.append(_children_phrase(ctx, h))
    items += [phrase for phrase, _ in h.extras]
    return items


def topic_household(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    h = p.household
    n = h.size
    ctx.gold["household_size"] = n
    sola = p.adj("solo", "sola")
    questions = (
        "¿Con quién vive?",
        "¿Cuántas personas viven en casa?",
        "¿Cuántos son en la unidad familiar?",
        "¿Vive usted solo o acompañado?",
        "¿Cuántos sois en casa?",
    )
    if n == 1:
        variants: list[Callable[[], list[Turn]]] = [
            lambda: [*ctx.ask(*questions), Turn("U", f"vivo {sola}.")],
            lambda: [*ctx.ask(*questions), Turn("U", f"yo {sola}, no tengo a nadie aquí.")],
            lambda: [Turn("T", ctx.pick(questions)), Turn("U", "solo yo.")],
            lambda: [*ctx.ask(*questions), Turn("U", f"estoy {sola} en España.")],
            lambda: [*ctx.ask(*questions), Turn("U", f"{sola}, vivo {sola} en una habitación.")],
            lambda: [
                Turn("T", "¿Cuántas personas viven en el domicilio?"),
                Turn("U", ctx.pick(("una, yo.", "uno, yo nada más.", "1."))),
            ],
            lambda: _kids_elsewhere(ctx, f"aquí vivo {sola}"),
            lambda: [Turn("U", f"la unidad familiar soy yo {sola}.")],
        ]
        return ctx.pick(variants)()
    items = _household_items(ctx, h)
    enum = _join_items(items)
    count = say_count(ctx, n)
    if ctx.correcting():
        ctx.tags.add("correction:household_size")
        if h.extras and n - h.extras[-1][1] == 1:
            phrase = h.extras[-1][0]
            return [
                *ctx.ask(*questions),
                Turn("U", f"vivo {sola}... {ctx.cue()}, somos {count}, que {phrase} vive conmigo ahora."),
            ]
        if h.extras:
            phrase = h.extras[-1][0]
            before = say_count(ctx, n - h.extras[-1][1])
            return [
                *ctx.ask(*questions),
                Turn(
                    "U",
                    f"somos {before}... {ctx.pick(('bueno, no', 'no, espera', 'ay, no'))}, {count}, "
                    f"que {phrase} vive con nosotros ahora.",
                ),
            ]
        return [
            *ctx.ask(*questions),
            Turn("U", f"somos {say_count(ctx, n + 1)}, {ctx.cue()}, {count}, que mi hijo mayor ya se fue."),
        ]
    variants = [
        lambda: [*ctx.ask(*questions), Turn("U", f"vivo con {enum}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"somos {count} en casa.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"somos {count}: {enum} y yo.")],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"{enum} y yo.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"la unidad familiar somos {count} personas.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"{count} personas, contándome a mí.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"vivimos {enum} y yo.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"en casa somos {count}, {enum} y yo.")],
        lambda: [Turn("T", "¿Cuántas personas viven en el domicilio?"), Turn("U", f"{count}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"estoy con {enum}, somos {count}.")],
    ]
    if ctx.hard:

        def without_me() -> list[Turn]:
            ctx.tags.add("household:without_me")
            return [
                *ctx.ask(*questions),
                Turn("U", f"{enum}, o sea, {say_count(ctx, n - 1)} sin contarme a mí."),
            ]

        if ctx.chance(0.2):
            return without_me()
        if h.partner and not h.children and not h.extras and ctx.chance(0.4):
            return _kids_elsewhere(ctx, f"aquí vivo con {h.partner}")
    return ctx.pick(variants)()


def _kids_elsewhere(ctx: Ctx, here: str) -> list[Turn]:
    ctx.tags.add("distractor:family_elsewhere")
    k = ctx.rng.randint(2, 4)
    where = ctx.pick(
        (
            f"en {ctx.person.origin.countries[0]}",
            "con su padre",
            "con mi madre, allí",
            "ya mayores, cada uno en su casa",
        )
    )
    if ctx.person.origin.code == "ES":
        where = ctx.pick(("con su padre", "ya mayores, cada uno en su casa"))
    return [Turn("U", f"tengo {say_count(ctx, k)} hijos, pero están {where}; {here}.")]


NEED_NOUNS: dict[str, tuple[str, ...]] = {
    "food": (
        "comida",
        "alimentos",
        "el banco de alimentos",
        "una tarjeta para el supermercado",
        "leche para el bebé",
        "algo de comida para los niños",
        "la cesta de alimentos",
        "ayuda alimentaria",
        "vales de comida",
    ),
    "housing": (
        "una vivienda",
        "un sitio donde dormir",
        "una vivienda social",
        "un piso",
        "una habitación",
        "un albergue",
        "alojamiento",
        "un techo para mis hijos",
    ),
    "employment": (
        "trabajo",
        "un empleo",
        "buscar trabajo",
        "orientación laboral",
        "hacer el currículum",
        "cualquier trabajo, de limpieza, de lo que sea",
        "un trabajo, aunque sea de cuidar mayores",
        "la bolsa de empleo",
    ),
    "health": (
        "la tarjeta sanitaria",
        "un médico",
        "medicinas",
        "ir al médico",
        "atención médica",
        "las pastillas de la tensión",
        "un dentista",
        "la insulina",
    ),
    "legal": (
        "papeles",
        "un abogado",
        "asesoría jurídica",
        "ayuda con los papeles",
        "pedir asilo",
        "la protección internacional",
        "regularizar mi situación",
        "renovar la tarjeta de residencia",
        "el arraigo",
    ),
    "financial": (
        "ayuda económica",
        "una ayuda para pagar la luz",
        "el ingreso mínimo vital",
        "dinero para las facturas",
        "una prestación",
        "ayuda para pagar el agua y la luz",
        "una ayuda de emergencia",
        "algo de dinero",
    ),
    "psychological": (
        "un psicólogo",
        "apoyo psicológico",
        "hablar con alguien, con un psicólogo",
        "ayuda con los nervios",
        "apoyo emocional",
        "una psicóloga para mi hija",
        "alguien que me escuche, un psicólogo",
    ),
    "education": (
        "clases de español",
        "colegio para los niños",
        "escolarizar a mis hijos",
        "aprender el idioma",
        "plaza en la guardería",
        "material escolar",
        "clases de castellano",
        "homologar mis estudios",
    ),
}
NEED_CLAUSES: dict[str, tuple[str, ...]] = {
    "food": (
        "no tenemos para comer",
        "la nevera está vacía",
        "los niños a veces se van a dormir sin cenar",
        "no tengo para comprar comida",
        "hace días que no comemos bien",
    ),
    "housing": (
        "nos van a desahuciar",
        "estoy durmiendo en la calle",
        "nos echan del piso el mes que viene",
        "vivimos todos en una habitación",
        "el casero nos quiere echar",
    ),
    "employment": (
        "estoy en paro",
        "me quedé sin trabajo",
        "quiero trabajar",
        "llevo meses buscando trabajo",
        "me echaron del trabajo",
    ),
    "health": (
        "mi salud no está bien",
        "tengo diabetes y no tengo la insulina",
        "me duele mucho la espalda y no tengo médico",
        "tengo la tensión muy alta y no me ha visto un médico",
        "estoy muy enfermo del corazón",
    ),
    "legal": (
        "no tengo papeles",
        "me han denegado el asilo",
        "se me caducó la tarjeta",
        "tengo una orden de expulsión",
    ),
    "financial": (
        "no llego a fin de mes",
        "tengo muchas deudas",
        "nos van a cortar la luz",
        "no tengo ningún ingreso",
        "no me llega el dinero para las facturas",
    ),
    "psychological": (
        "estoy muy mal de los nervios",
        "tengo mucha ansiedad",
        "no duermo por las noches, estoy muy triste",
        "desde que salimos de la guerra no estoy bien de la cabeza",
        "tengo depresión",
    ),
    "education": (
        "los niños no están yendo al colegio",
        "quiero aprender español",
        "mi hijo no tiene plaza en el instituto",
        "no hablo bien el idioma",
    ),
}
NEED_NEGATIONS: dict[str, tuple[str, ...]] = {
    "food": ("comida de momento tenemos, nos ayuda la parroquia", "de comida vamos bien, eso no"),
    "housing": ("piso tenemos, eso sí", "casa sí tengo, gracias a Dios"),
    "health": ("de salud estamos bien, gracias a Dios", "médico ya tengo, eso no"),
    "legal": ("los papeles los tengo en regla", "papeles ya tengo"),
    "education": ("los niños ya están en el colegio", "el colegio de los niños ya está arreglado"),
    "psychological": ("de ánimo estoy bien, no se preocupe",),
}


def topic_needs(ctx: Ctx) -> list[Turn]:
    p = ctx.person
    needs = list(p.needs)
    ctx.gold["needs"] = sorted(needs)
    ctx.rng.shuffle(needs)
    nouns = [str(ctx.pick(NEED_NOUNS[n])) for n in needs]
    clauses = [str(ctx.pick(NEED_CLAUSES[n])) for n in needs]
    if p.gender == "f":
        clauses = [c.replace("muy enfermo", "muy enferma") for c in clauses]
    questions = (
        "¿En qué le podemos ayudar?",
        "¿Qué necesita?",
        "¿Qué es lo que más le urge?",
        "Cuénteme, ¿qué necesitáis?",
        "¿Por qué viene hoy?",
    )
    mixed = [clauses[0], *("necesito " + x for x in nouns[1:])]
    variants: list[Callable[[], list[Turn]]] = [
        lambda: [*ctx.ask(*questions), Turn("U", f"necesito {_join_items(nouns)}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"vengo porque {_join_items(clauses)}.")],
        lambda: [
            *ctx.ask(*questions),
            Turn(
                "U",
                f"lo que más me urge es {nouns[0]}"
                + (f", y luego {_join_items(nouns[1:])}." if len(nouns) > 1 else "."),
            ),
        ],
        lambda: [Turn("T", ctx.pick(questions)), Turn("U", f"pues {', '.join(nouns)}...")],
        lambda: [*ctx.ask(*questions), Turn("U", f"me hace falta {_join_items(nouns)}.")],
        lambda: [*ctx.ask(*questions), Turn("U", ". ".join(mixed) + ".")],
        lambda: [
            *ctx.ask(*questions),
            Turn(
                "U",
                f"sobre todo {nouns[0]}."
                + (f" Y también {_join_items(nouns[1:])}." if len(nouns) > 1 else ""),
            ),
        ],
        lambda: [*ctx.ask(*questions), Turn("U", f"quería pedir {_join_items(nouns)}.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"mire, {_join_items(clauses)}, y no sé a quién acudir.")],
        lambda: [*ctx.ask(*questions), Turn("U", f"busco {_join_items(nouns)}.")],
    ]
    turns: list[Turn] = ctx.pick(variants)()
    negatable = [n for n in NEED_NEGATIONS if n not in needs]
    if negatable and ctx.chance(0.25 if ctx.difficulty != "easy" else 0.05):
        neg = str(ctx.pick(NEED_NEGATIONS[str(ctx.pick(negatable))]))
        turns.append(Turn("U", f"{neg}, lo que necesito es {nouns[0]}."))
        ctx.tags.add("distractor:negated_need")
    return turns


# --------------------------------------------------------------------------------------------------
# Openings, closings, distractors


def _tech_role(ctx: Ctx) -> str:
    return str(
        ctx.pick(("la técnica de acogida", "trabajadora social", "de Cruz Roja", "la voluntaria"))
        if ctx.tech_gender == "f"
        else ctx.pick(("el técnico de acogida", "trabajador social", "de Cruz Roja", "el voluntario"))
    )


def opening(ctx: Ctx) -> list[Turn]:
    tech = ctx.tech_name
    options: list[list[Turn]] = [
        [
            Turn("T", "Hola, buenas. Siéntese, siéntese. Vamos a rellenar la ficha, ¿vale?"),
            Turn("U", "vale."),
        ],
        [
            Turn("T", "Buenas tardes. Le voy a hacer unas preguntas para la ficha de acogida."),
            Turn("U", "sí, claro."),
        ],
        [Turn("U", "hola, buenos días."), Turn("T", "Buenos días, cuénteme.")],
    ]
    named: list[list[Turn]] = [
        [Turn("T", f"Buenos días, soy {tech}, {_tech_role(ctx)}. ¿En qué le puedo ayudar?")],
        [Turn("T", f"Hola, yo soy {tech}, {_tech_role(ctx)}, y voy a hacerte la acogida.")],
        [
            Turn("U", f"hola, ¿es usted {tech}? Me dijeron que preguntara por {tech}."),
            Turn("T", f"Sí, soy {tech}. Siéntese."),
        ],
    ]
    if ctx.hard:
        named.append(
            [
                Turn(
                    "T",
                    f"Hola, me llamo {tech} y voy a ser tu "
                    f"{'técnica' if ctx.tech_gender == 'f' else 'técnico'} de referencia.",
                )
            ]
        )
    if ctx.chance(0.25 if ctx.difficulty == "easy" else 0.55):
        ctx.tags.add("distractor:staff_name")
        return list(ctx.pick(named))
    return list(ctx.pick(options))


def closing(ctx: Ctx) -> list[Turn]:
    turns: list[Turn] = []
    pool = ["appointment", "office_phone", "plain"]
    weights = (3, 2, 3) if ctx.difficulty != "easy" else (1, 1, 5)
    for kind in dict.fromkeys(ctx.rng.choices(pool, weights=weights, k=ctx.rng.randint(1, 2))):
        if kind == "appointment":
            turns.append(_appointment(ctx))
        elif kind == "office_phone":
            office = str(ctx.pick(OFFICE_PHONES))
            said = say_phone(ctx, "34", office, own=False)
            turns.append(
                Turn(
                    "T",
                    ctx.pick(
                        (
                            f"Si tiene cualquier problema, llame a la oficina al {said}.",
                            f"Le apunto nuestro teléfono, el {said}, por si acaso.",
                            f"El teléfono de aquí es el {said}, de nueve a dos.",
                        )
                    ),
                    fillers=False,
                )
            )
            ctx.tags.add("distractor:office_phone")
        else:
            turns.append(
                Turn(
                    "T",
                    ctx.pick(
                        (
                            "Pues ya estaría. Muchas gracias.",
                            "Vale, pues ya lo tenemos todo.",
                            "Perfecto, eso es todo por hoy.",
                        )
                    ),
                )
            )
    turns.append(
        Turn("U", ctx.pick(("muchas gracias.", "gracias, de verdad.", "vale, gracias.", "muy amable.")))
    )
    return turns


def _appointment(ctx: Ctx) -> Turn:
    ctx.tags.add("distractor:appointment_date")
    day = ctx.rng.randint(1, 28)
    weekday = str(ctx.pick(WEEKDAYS))
    month = MONTHS[ctx.rng.randint(0, 11)]
    hour = ctx.rng.choice((9, 10, 11, 12, 13))
    day_said = say_count(ctx, day)
    return Turn(
        "T",
        ctx.pick(
            (
                f"Vuelva el {weekday} {day_said} y le damos la tarjeta.",
                f"La próxima cita es el {day_said} de {month} a las {say_count(ctx, hour)}.",
                f"Le doy cita para el {weekday} {day_said} de {month}, ¿le viene bien?",
                f"Tiene cita con la trabajadora social el {day:02d}/{ctx.rng.randint(1, 12):02d}/2025."
                if not ctx.asr
                else f"Tiene cita el {day_said} de {month} del dos mil veinticinco.",
                f"Pásese el {day_said} a las {say_count(ctx, hour)} y media.",
            )
        ),
    )


DISTRACTOR_KINDS = ("arrival", "rent", "family_name", "expediente", "street", "appointment", "years_here")


def distractor(ctx: Ctx, kind: str) -> list[Turn]:
    """A mid-conversation aside whose numbers, names, dates and places are not the person's data."""
    p = ctx.person
    o = p.origin
    if kind == "arrival":
        ctx.tags.add("distractor:arrival_date")
        arrived = REFERENCE_DATE - timedelta(days=ctx.rng.randint(60, 2500))
        return [
            Turn(
                "U",
                ctx.pick(
                    (
                        f"llegué a España el {say_date(ctx, arrived, own=False).removeprefix('el ')}.",
                        f"vine en {number_words(arrived.year) if ctx.words() else arrived.year}, "
                        f"en {MONTHS[arrived.month - 1]}.",
                        f"estoy aquí desde el {say_count(ctx, arrived.day)} de {MONTHS[arrived.month - 1]} "
                        "del año pasado.",
                    )
                ),
            )
        ]
    if kind == "rent":
        ctx.tags.add("distractor:amount")
        amount = ctx.rng.choice((250, 300, 350, 400, 450, 480, 520, 600, 650, 750))
        return [
            Turn(
                "U",
                ctx.pick(
                    (
                        f"pago {say_count(ctx, amount)} euros de alquiler.",
                        f"cobro {say_count(ctx, amount)} euros al mes de la limpieza.",
                        f"la habitación me cuesta {say_count(ctx, amount)} euros.",
                    )
                ),
            )
        ]
    if kind == "family_name":
        ctx.tags.add("distractor:family_name")
        boy = str(ctx.pick([n for n in o.given_m if n != p.given]))
        girl = str(ctx.pick([n for n in o.given_f if n != p.given]))
        man = str(ctx.pick([n for n in o.given_m if n not in (p.given, boy)]))
        woman = str(ctx.pick([n for n in o.given_f if n not in (p.given, girl)]))
        neighbour = f"{woman} {ctx.pick(o.surnames)}"
        h = p.household
        # Only relatives the household has, so that the aside never contradicts it.
        options = [
            f"vengo de parte de {neighbour}, que es vecina mía.",
            f"mi hermano {man} me dijo que viniera.",
        ]
        if h.children:
            options += [
                f"mi hijo se llama {boy}, por si pregunta.",
                f"la niña se llama {girl}, tiene {say_count_noun(ctx, ctx.rng.randint(2, 12))} años.",
            ]
        if h.children >= 2:
            options.append(f"mis hijos son {boy} y {girl}.")
        if h.partner:
            spouse = f"mi marido, {man}," if p.gender == "f" else f"mi mujer, {woman},"
            options.append(f"{spouse} está esperando fuera.")
        return [Turn("U", ctx.pick(options))]
    if kind == "expediente":
        ctx.tags.add("distractor:case_number")
        return [
            Turn(
                "T",
                ctx.pick(
                    (
                        f"Le apunto el número de expediente: {ctx.rng.randint(2020, 2025)}/"
                        f"{ctx.rng.randint(100, 9999):04d}.",
                        f"Su número de expediente es el {say_count(ctx, ctx.rng.randint(100, 999))} "
                        f"{say_count(ctx, ctx.rng.randint(10, 99))}.",
                        f"Esto va con el código {ctx.rng.randint(10000, 99999)}.",
                    )
                ),
                fillers=False,
            )
        ]
    if kind == "street":
        ctx.tags.add("distractor:street_number")
        return [
            Turn(
                "U",
                f"la dirección es {ctx.pick(STREETS)} {say_count(ctx, ctx.rng.randint(1, 200))}, "
                f"{ctx.pick(('portal 3', 'piso segundo', 'bajo B', 'cuarto izquierda'))}, "
                f"código postal {ctx.rng.randint(10, 52):02d}{ctx.rng.randint(0, 999):03d}.",
            )
        ]
    if kind == "appointment":
        return [_appointment(ctx)]
    ctx.tags.add("distractor:duration")
    return [
        Turn(
            "U",
            ctx.pick(
                (
                    f"llevo {say_count_noun(ctx, ctx.rng.randint(2, 15))} años en España.",
                    f"hace {say_count_noun(ctx, ctx.rng.randint(2, 11))} meses que llegué.",
                    f"llevo {say_count_noun(ctx, ctx.rng.randint(2, 30))} días esperando esta cita.",
                )
            ),
        )
    ]


# --------------------------------------------------------------------------------------------------
# Surface: fillers, casing, labels, segments

FILLERS_ES = ("eh", "pues", "vale", "a ver", "bueno", "mmm", "o sea", "mira", "vamos", "es que")
FILLERS_LATAM = ("este", "pues", "o sea", "mire", "ajá", "bueno", "eh", "a ver")
TECH_FILLERS = ("vale", "perfecto", "muy bien", "de acuerdo", "a ver", "genial", "ajá")


def add_fillers(ctx: Ctx, turns: list[Turn], rate: float) -> None:
    fillers = FILLERS_LATAM if ctx.person.origin.latam else FILLERS_ES
    for turn in turns[1:]:
        if not turn.fillers:
            continue
        words = turn.text.split()
        if turn.speaker == "U" and words and ctx.chance(rate * 0.2):
            # repetition of the first word or two: "mi, mi teléfono es..."
            n = 2 if len(words) > 3 and ctx.chance(0.3) else 1
            rep = " ".join(words[:n]).rstrip(",.:;")
            if rep and not any(ch.isdigit() for ch in rep):
                turn.text = f"{rep}, {turn.text}"
                ctx.tags.add("surface:repetition")
        if ctx.chance(rate):
            pool = fillers if turn.speaker == "U" else TECH_FILLERS
            lead = str(ctx.pick(pool))
            if turn.speaker == "U" and ctx.chance(0.3):
                lead = f"{lead}, {ctx.pick(pool)}"
            turn.text = f"{lead}, {_lower_first(turn.text)}"
            ctx.tags.add("surface:filler")


def _proper_words() -> frozenset[str]:
    words: set[str] = set()
    for origin in ORIGINS.values():
        for name in (*origin.given_f, *origin.given_m, *origin.surnames, *origin.cities, *origin.countries):
            words.update(name.split())
    for name, aliases in MUNICIPALITIES:
        for alias in (name, *aliases):
            words.update(alias.split())
    words.update(name for name, _ in STAFF)
    return frozenset(w for w in words if w[:1].isupper()) - {
        "El",
        "La",
        "Las",
        "A",
        "San",
        "Santa",
        "Sant",
        "Ciudad",
    }


PROPER_WORDS = _proper_words()


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the turn starts with a name, a place or an acronym."""
    words = [w.strip(",.:;¿?¡!") for w in text.split()[:2]]
    if not words or not words[0][:1].isupper():
        return text
    if words[0] in PROPER_WORDS or words[0][:2].isupper():
        return text
    if words[0] in ("El", "La", "Las", "A") and len(words) > 1 and words[1] in PROPER_WORDS:
        return text
    i = 0
    while i < len(text) and text[i] in "¿¡":
        i += 1
    return text[:i] + text[i].lower() + text[i + 1 :]


def _capitalise_sentences(text: str) -> str:
    out = []
    start = True
    for ch in text:
        if start and ch.isalpha():
            out.append(ch.upper())
            start = False
            continue
        out.append(ch)
        if ch in ".?!":
            start = True
        elif ch.isalnum() or ch in "¿¡":
            start = start and ch in "¿¡"
    return "".join(out)


_PUNCT_ASR = re.compile(r"[¿?¡!,;:()/]|\.{2,}|(?<!\d)\.|\.(?!\d)")


def surface(ctx: Ctx, text: str) -> str:
    if ctx.asr:
        text = _PUNCT_ASR.sub(" ", text).lower()
        return re.sub(r"\s+", " ", text).strip()
    return _capitalise_sentences(text.strip())


def segment_turn(ctx: Ctx, text: str) -> list[str]:
    """Split one turn into streaming segments of a few words to a sentence."""
    words = text.split()
    if not words:
        return []
    if ctx.asr:
        chunks, i = [], 0
        while i < len(words):
            size = ctx.rng.randint(3, 12)
            chunks.append(" ".join(words[i : i + size]))
            i += size
        return chunks
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text) if s]
    chunks = []
    for sentence in sentences:
        sw = sentence.split()
        limit = ctx.rng.randint(9, 18)
        if len(sw) <= limit:
            chunks.append(sentence)
            continue
        i = 0
        while i < len(sw):
            size = ctx.rng.randint(5, limit)
            chunks.append(" ".join(sw[i : i + size]))
            i += size
    # glue very short sentences to the previous one sometimes ("Sí. Ese.")
    merged: list[str] = []
    for chunk in chunks:
        if merged and len(chunk.split()) <= 2 and ctx.chance(0.5):
            merged[-1] = f"{merged[-1]} {chunk}"
        else:
            merged.append(chunk)
    return merged


def label(ctx: Ctx, speaker: str) -> str:
    if speaker == "T":
        return "Técnica:" if ctx.tech_gender == "f" else "Técnico:"
    return "Usuaria:" if ctx.person.gender == "f" else "Usuario:"


# --------------------------------------------------------------------------------------------------
# Conversation


DIFFICULTY_PARAMS: dict[str, dict[str, Any]] = {
    "easy": {
        "styles": (6, 4, 0),
        "words": 0.25,
        "correction": 0.0,
        "distractors": (0, 1),
        "invalid": 0.06,
        "fillers": 0.12,
    },
    "medium": {
        "styles": (4, 3, 3),
        "words": 0.5,
        "correction": 0.12,
        "distractors": (1, 2),
        "invalid": 0.14,
        "fillers": 0.3,
    },
    "hard": {
        "styles": (2, 3, 5),
        "words": 0.7,
        "correction": 0.25,
        "distractors": (2, 4),
        "invalid": 0.2,
        "fillers": 0.5,
    },
}
TOPICS: dict[str, Callable[[Ctx], list[Turn]]] = {
    "name": topic_name,
    "document": topic_document,
    "birth": topic_birth,
    "nationality": topic_nationality,
    "municipality": topic_municipality,
    "phone": topic_phone,
    "household": topic_household,
    "needs": topic_needs,
}


def make_conversation(rng: random.Random, index: int) -> dict[str, Any]:
    difficulty = rng.choices(DIFFICULTIES, weights=(30, 40, 30))[0]
    params = DIFFICULTY_PARAMS[difficulty]
    style = rng.choices(STYLES, weights=params["styles"])[0]
    person = make_person(rng, params["invalid"])
    tech_name, tech_gender = rng.choice(STAFF)
    partial = rng.random() < 0.15
    ctx = Ctx(
        rng=rng,
        person=person,
        difficulty=difficulty,
        style=style,
        tech_name=tech_name,
        tech_gender=tech_gender,
        words_rate=params["words"],
        correction_rate=params["correction"],
        monologue=style != "labelled" and rng.random() < 0.3,
    )
    ctx.tags.add(f"style:{style}")
    if ctx.monologue:
        ctx.tags.add("monologue")
    topics = list(TOPICS)
    if partial:
        ctx.tags.add("partial")
        topics = rng.sample(topics, rng.randint(1, 4))
    else:
        topics = [t for t in topics if rng.random() < 0.93]
    rng.shuffle(topics)
    if "name" in topics and rng.random() < 0.7:
        topics.remove("name")
        topics.insert(0, "name")
    blocks: list[list[Turn]] = []
    for topic in topics:
        if topic == "name" and partial and rng.random() < 0.35:
            blocks.append(topic_name(ctx, given_only=True))
        else:
            blocks.append(TOPICS[topic](ctx))
    low, high = params["distractors"]
    for kind in rng.sample(DISTRACTOR_KINDS, rng.randint(low, high)):
        blocks.insert(rng.randint(0, len(blocks)), distractor(ctx, kind))
    turns: list[Turn] = opening(ctx) + [t for block in blocks for t in block]
    if not partial or rng.random() < 0.5:
        turns += closing(ctx)
    add_fillers(ctx, turns, params["fillers"])
    # merge consecutive turns of the same speaker
    merged: list[Turn] = []
    for turn in turns:
        if merged and merged[-1].speaker == turn.speaker:
            merged[-1] = Turn(turn.speaker, f"{merged[-1].text} {turn.text}")
        else:
            merged.append(turn)
    segments: list[str] = []
    for turn in merged:
        text = surface(ctx, turn.text)
        if not text:
            continue
        chunks = segment_turn(ctx, text)
        if style == "labelled":
            chunks[0] = f"{label(ctx, turn.speaker)} {chunks[0]}"
        segments += chunks
    gold = {name: ctx.gold[name] for name in FIELD_NAMES if name in ctx.gold}
    return {
        "id": f"dev-{index:04d}",
        "segments": segments,
        "transcript": " ".join(segments),
        "fields": gold,
        "difficulty": difficulty,
        "tags": sorted(ctx.tags),
    }


def generate(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """``count`` conversations, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    return [make_conversation(rng, i) for i in range(1, count + 1)]


def write_devset(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def coverage(records: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Counts for the README: per difficulty, per tag, per gold field."""
    return {
        "difficulty": Counter(r["difficulty"] for r in records),
        "tags": Counter(tag for r in records for tag in r["tags"]),
        "fields": Counter(name for r in records for name in r["fields"]),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--stats", action="store_true", help="print coverage counts")
    args = parser.parse_args(argv)
    records = generate(args.count, args.seed)
    write_devset(args.out, records)
    print(f"wrote {len(records)} conversations to {args.out}")
    if args.stats:
        for name, counts in coverage(records).items():
            print(f"\n{name}:")
            for key, value in sorted(counts.items()):
                print(f"  {key:40s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
