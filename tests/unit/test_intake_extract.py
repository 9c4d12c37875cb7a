"""Extraction of the intake form from Spanish transcripts: one test per difficulty the issue names."""

from __future__ import annotations

import datetime as dt

import pytest

from acogida.intake import StreamingExtractor, extract
from acogida.intake.identifiers import document_is_valid
from acogida.intake.tokens import spoken_numbers, tokenize

TODAY = dt.date(2026, 11, 22)


def values(transcript: str) -> dict[str, object]:
    return {name: field["value"] for name, field in extract(transcript, TODAY).items()}


@pytest.mark.parametrize(
    ("spoken", "digits"),
    [
        ("seis uno dos tres cuatro cinco seis siete ocho", ["6", "1", "2", "3", "4", "5", "6", "7", "8"]),
        ("doce treinta y cuatro cincuenta y seis", ["12", "34", "56"]),
        ("seiscientos doce trescientos cuarenta y cinco", ["612", "345"]),
        ("mil novecientos noventa y dos", ["1992"]),
        ("cero ocho", ["0", "8"]),
        ("tengo un hijo", []),
    ],
)
def test_spoken_numbers_keep_the_groups_people_dictate(spoken, digits):
    assert [number.digits for number in spoken_numbers(tokenize(spoken))] == digits


def test_spans_point_into_the_transcript():
    transcript = "Buenos días. Me llamo Fatou Ndiaye y mi DNI es 12345678Z."
    fields = extract(transcript, TODAY)
    for field in fields.values():
        assert 0 <= field["start"] < field["end"] <= len(transcript)
        assert 0 < field["confidence"] <= 1
    assert transcript[fields["document_number"]["start"] : fields["document_number"]["end"]] == "12345678Z"
    assert transcript[fields["given_name"]["start"] : fields["given_name"]["end"]] == "Fatou"


@pytest.mark.parametrize(
    ("transcript", "number", "valid"),
    [
        ("mi dni es el uno dos tres cuatro cinco seis siete ocho zeta", "12345678Z", True),
        ("el DNI: 12.345.678-Z", "12345678Z", True),
        ("dni doce treinta y cuatro cincuenta y seis setenta y ocho, letra zeta", "12345678Z", True),
        ("mi dni es 12345678 a", "12345678A", False),  # wrong letter: kept, flagged, never corrected
        ("mi nie es equis uno dos tres cuatro cinco seis siete ele", "X1234567L", True),
        ("tarjeta de residencia Y-7654321-G", "Y7654321G", None),
        (
            "el nie empieza por i griega, siete seis cinco cuatro tres dos uno y la letra es la ge",
            "Y7654321G",
            None,
        ),
    ],
)
def test_documents_as_dictated(transcript, number, valid):
    got = values(transcript)
    assert got["document_number"] == number
    expected_valid = document_is_valid(got["document_type"], number) if valid is None else valid
    assert got["document_valid"] is expected_valid
    assert got["document_type"] == ("NIE" if number[0] in "XYZ" else "DNI")


def test_self_correction_of_the_last_digit_wins():
    got = values("mi dni es 1 2 3 4 5 6 7 9 zeta, no, perdona, el último es un 8")
    assert got["document_number"] == "12345678Z"
    assert got["document_valid"] is True


def test_passport():
    got = values("no tengo nie, tengo pasaporte, el número es AB 123456")
    assert got["document_type"] == "PASSPORT"
    assert got["document_number"] == "AB123456"
    assert got["document_valid"] is True


@pytest.mark.parametrize(
    ("transcript", "phone"),
    [
        ("mi móvil es seis uno dos, tres cuatro cinco, seis siete ocho", "+34612345678"),
        ("mi teléfono es el 612 34 56 78", "+34612345678"),
        (
            "me pueden llamar al más dos uno dos seis uno dos tres cuatro cinco seis siete ocho",
            "+212612345678",
        ),
        ("mi número es 0033 6 12 34 56 78", "+33612345678"),
    ],
)
def test_phones(transcript, phone):
    assert values(transcript)["phone"] == phone


def test_office_phone_is_a_distractor():
    got = values(
        "Si necesita algo nos puede llamar al 912 345 678, es el teléfono de la oficina. "
        "Y el suyo? Mi móvil es el 698 765 432."
    )
    assert got["phone"] == "+34698765432"


@pytest.mark.parametrize(
    ("transcript", "date"),
    [
        ("nací el quince de agosto del noventa y dos", "1992-08-15"),
        ("fecha de nacimiento 15/08/1992", "1992-08-15"),
        ("nací en el 85, el 3 de marzo", "1985-03-03"),
        ("mi fecha de nacimiento es el uno de enero de dos mil cinco", "2005-01-01"),
    ],
)
def test_birth_dates(transcript, date):
    assert values(transcript)["birth_date"] == date


def test_appointment_and_age_are_not_birth_dates():
    got = values("Tengo 34 años. Vuelva el martes 12 de mayo de 2026 a las diez.")
    assert "birth_date" not in got


def test_names_with_particles_and_staff_introduction():
    got = values(
        "Técnica: Hola, soy Lucía, la técnica que le va a atender. ¿Cómo se llama? "
        "Usuaria: Me llamo María del Carmen García de la Fuente."
    )
    assert got["given_name"] == "María del Carmen"
    assert got["surnames"] == "García de la Fuente"


def test_surnames_said_apart():
    got = values("me llamo oleksandr. mis apellidos son kovalenko shevchuk")
    assert got["given_name"] == "Oleksandr"
    assert got["surnames"] == "Kovalenko Shevchuk"


@pytest.mark.parametrize(
    ("transcript", "code"),
    [
        ("soy marroquí", "MA"),
        ("vengo de Colombia", "CO"),
        ("de nacionalidad ucraniana", "UA"),
        ("soy senegalesa, mi marido es español", "SN"),
    ],
)
def test_nationality(transcript, code):
    assert values(transcript)["nationality"] == code


def test_language_is_not_nationality():
    assert "nationality" not in values("hablo español y un poco de francés")


@pytest.mark.parametrize(
    ("transcript", "municipality"),
    [
        ("vivo en Getafe", "Getafe"),
        ("vivo sola en sevilla", "Sevilla"),
        ("estoy empadronada en l'hospitalet de llobregat", "L'Hospitalet de Llobregat"),
        ("vivo en la calle Toledo 23, en Alcorcón", "Alcorcón"),
        ("antes vivía en Madrid pero ahora vivo en Móstoles", "Móstoles"),
        ("vivo en valencia", "València"),
    ],
)
def test_municipality(transcript, municipality):
    assert values(transcript)["municipality"] == municipality


@pytest.mark.parametrize(
    ("transcript", "size"),
    [
        ("vivo con mi marido y mis dos hijos", 4),
        ("vivo sola", 1),
        ("en casa somos cinco", 5),
        ("vivo con mi madre", 2),
        ("vivo en Getafe con mi mujer y mis tres hijas", 5),
    ],
)
def test_household(transcript, size):
    assert values(transcript)["household_size"] == size


def test_needs_with_negation():
    got = values("Necesito trabajo y un abogado para los papeles. Comida no necesito, eso ya lo tengo.")
    assert got["needs"] == ["employment", "legal"]


def test_streaming_grows_with_each_segment():
    extractor = StreamingExtractor(TODAY)
    assert extractor.add_segment("me llamo") == {}
    assert extractor.add_segment("Aminata Diallo")["given_name"]["value"] == "Aminata"
    fields = extractor.add_segment("mi móvil es el 612 345 678")
    assert fields["phone"]["value"] == "+34612345678"
    assert fields["surnames"]["value"] == "Diallo"


def test_nothing_said_nothing_extracted():
    assert extract("", TODAY) == {}
    assert extract("buenos días, ¿qué tal?", TODAY) == {}


def test_answers_to_the_technicians_questions():
    got = values(
        "Técnica: ¿Cómo se llama? Usuaria: Fatima Zahra Benali. Técnica: ¿Nacionalidad? Usuaria: Marroquí. "
        "Técnica: ¿Dónde vive? Usuaria: En Getafe. Técnica: ¿Cuántos sois en casa? Usuaria: Cuatro."
    )
    assert got["given_name"] == "Fatima Zahra"
    assert got["surnames"] == "Benali"
    assert got["nationality"] == "MA"
    assert got["municipality"] == "Getafe"
    assert got["household_size"] == 4


def test_corrections_in_lower_case_asr_text():
    got = values(
        "dónde vives vamos en salamanca no espera en granada en salamanca estaba antes "
        "su fecha de nacimiento el dieciséis de enero del mil novecientos noventa no perdón del mil "
        "novecientos ochenta y nueve cuántos sois en casa somos seis mejor dicho cinco"
    )
    assert got["municipality"] == "Granada"
    assert got["birth_date"] == "1989-01-16"
    assert got["household_size"] == 5


def test_spoken_millions_and_spelled_letters():
    got = values(
        "mi dni es el diecinueve millones setecientos sesenta y siete mil ochocientos trece a de alicante"
    )
    assert got["document_number"] == "19767813A"


def test_passport_with_dictated_letters():
    got = values("apunta el pasaporte las letras ge de gato pe y luego ocho cinco uno nueve seis nueve siete")
    assert got["document_type"] == "PASSPORT"
    assert got["document_number"] == "GP8519697"


def test_phone_with_prefix_said_apart_and_staff_name_ignored():
    got = values(
        "Hola, ¿es usted Raúl? Sí, soy Raúl. Mi teléfono es el prefijo de Perú, 0051, y luego 970741979."
    )
    assert got["phone"] == "+51970741979"
    assert "given_name" not in got


def test_relatives_document_is_not_the_persons():
    got = values(
        "mi marido se llama ahmed y tiene el nie x uno dos tres cuatro cinco seis siete ele yo me llamo salma"
    )
    assert got["given_name"] == "Salma"
    assert "document_number" not in got


def test_reported_speech_and_family_size():
    got = values(
        "la señora dice que se llama fátima zahra el amrani que vino de marruecos hace dos años "
        "que vive en getafe con sus tres hijos"
    )
    assert got["given_name"] == "Fátima Zahra"
    assert got["surnames"] == "El Amrani"
    assert got["nationality"] == "MA"
    assert got["household_size"] == 4
    assert values("somos una familia de cuatro")["household_size"] == 4


def test_office_phone_appointment_and_childs_birth_are_distractors():
    got = values(
        "Técnica: Apunte, si necesita algo, el teléfono de la oficina es el 915 555 123. Usuario: Vale. "
        "El mío es el 602 334 455. Técnica: Su cita es el 14 de enero de 2026 a las 10. Usuario: Muy bien. "
        "Yo nací el 2 de febrero de 1995. Mi hijo nació el 3 de marzo de 2019."
    )
    assert got["phone"] == "+34602334455"
    assert got["birth_date"] == "1995-02-02"


def test_household_pronoun_and_residence_after_an_address():
    got = values(
        "tengo tres hijos y vivo con ellos y con mi marido en la calle Toledo 15, "
        "código postal 28005, en Madrid"
    )
    assert got["household_size"] == 5
    assert got["municipality"] == "Madrid"


def test_bare_answers_to_name_and_with_whom_questions():
    got = values(
        "Técnico: Soy Marta, la técnica de acogida. ¿Su nombre, por favor?\nPersona: Oksana Kovalenko. "
        "Soy ucraniana.\nTécnico: ¿Dónde vive y con quién?\nPersona: En Getafe, con mi madre y mi hija."
    )
    assert (got["given_name"], got["surnames"]) == ("Oksana", "Kovalenko")
    assert got["household_size"] == 3
    assert got["municipality"] == "Getafe"
    assert (
        values("Persona: Vivo en Sevilla, en la calle Feria número 12, con mi hijo.")["household_size"] == 2
    )


def test_urgent_bills_and_school_material_are_needs():
    got = values("Lo que más nos urge es pagar la luz, y que los niños tengan material del colegio.")
    assert got["needs"] == ["education", "financial"]


def test_the_technicians_own_line_is_never_the_persons_phone_but_a_relatives_given_as_contact_is():
    got = values(
        "T: Soy Carmen, la trabajadora social; mi extensión es el 913 456 789. ¿Su nombre? P: Khadija Ouali. "
        "T: ¿Teléfono? P: No tengo, apunte el de mi marido, 644 55 66 77."
    )
    assert got["phone"] == "+34644556677"
    assert "phone" not in values("T: Si necesita algo, mi extensión es el 913 456 789. P: Gracias.")


def test_living_alone_said_after_the_place():
    assert values("vivo en móstoles yo solo.")["household_size"] == 1
    assert values("vivo en Madrid, no solo, con mi hermano.")["household_size"] == 2
    assert "household_size" not in values("vivo en Getafe solo un mes")


def test_a_district_then_its_municipality():
    assert values("Persona: vivo en Usera, Madrid.")["municipality"] == "Madrid"
    assert values("vivo en Getafe, Madrid.")["municipality"] == "Getafe"  # Madrid the province
