"""Spanish lexicons of the extractor: countries and demonyms, first names, relatives, needs."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from acogida.intake.tokens import fold

# ISO 3166-1 alpha-2 → (country names, demonyms in masculine singular). Feminine and plural forms
# are derived (colombiano → colombiana/colombianos/colombianas; senegalés → senegalesa/senegaleses).
COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ES": (("españa",), ("español",)),
    "MA": (("marruecos",), ("marroquí",)),
    "DZ": (("argelia",), ("argelino",)),
    "TN": (("túnez", "tunez"), ("tunecino",)),
    "LY": (("libia",), ("libio",)),
    "EG": (("egipto",), ("egipcio",)),
    "MR": (("mauritania",), ("mauritano",)),
    "SN": (("senegal",), ("senegalés",)),
    "GM": (("gambia",), ("gambiano",)),
    "ML": (("mali", "malí"), ("maliense", "malí")),
    "GN": (("guinea", "guinea conakry"), ("guineano",)),
    "GW": (("guinea bisáu", "guinea bissau", "guinea-bisáu"), ("bisauguineano",)),
    "GQ": (("guinea ecuatorial",), ("ecuatoguineano",)),
    "CI": (("costa de marfil",), ("marfileño", "ivoriano")),
    "GH": (("ghana",), ("ghanés", "ghaneano")),
    "NG": (("nigeria",), ("nigeriano",)),
    "NE": (("níger",), ("nigerino",)),
    "BF": (("burkina faso", "burkina"), ("burkinés", "burkinabé")),
    "CM": (("camerún",), ("camerunés",)),
    "CD": (("congo", "república democrática del congo"), ("congoleño",)),
    "AO": (("angola",), ("angoleño",)),
    "SD": (("sudán",), ("sudanés",)),
    "ER": (("eritrea",), ("eritreo",)),
    "ET": (("etiopía", "etiopia"), ("etíope",)),
    "SO": (("somalia",), ("somalí",)),
    "KE": (("kenia",), ("keniano", "keniata")),
    "TD": (("chad",), ("chadiano",)),
    "SL": (("sierra leona",), ("sierraleonés",)),
    "LR": (("liberia",), ("liberiano",)),
    "CV": (("cabo verde",), ("caboverdiano",)),
    "UA": (("ucrania",), ("ucraniano",)),
    "RU": (("rusia",), ("ruso",)),
    "BY": (("bielorrusia",), ("bielorruso",)),
    "RO": (("rumanía", "rumania"), ("rumano",)),
    "BG": (("bulgaria",), ("búlgaro",)),
    "MD": (("moldavia",), ("moldavo",)),
    "GE": (("georgia",), ("georgiano",)),
    "AM": (("armenia",), ("armenio",)),
    "PL": (("polonia",), ("polaco",)),
    "AL": (("albania",), ("albanés",)),
    "RS": (("serbia",), ("serbio",)),
    "XK": (("kosovo",), ("kosovar",)),
    "TR": (("turquía", "turquia"), ("turco",)),
    "SY": (("siria",), ("sirio",)),
    "IQ": (("irak", "iraq"), ("iraquí",)),
    "IR": (("irán",), ("iraní",)),
    "AF": (("afganistán",), ("afgano",)),
    "PK": (("pakistán", "paquistán"), ("pakistaní", "paquistaní")),
    "IN": (("india",), ("indio", "hindú")),
    "BD": (("bangladés", "bangladesh"), ("bangladesí",)),
    "CN": (("china",), ("chino",)),
    "PH": (("filipinas",), ("filipino",)),
    "PS": (("palestina",), ("palestino",)),
    "LB": (("líbano",), ("libanés",)),
    "YE": (("yemen",), ("yemení",)),
    "CO": (("colombia",), ("colombiano",)),
    "VE": (("venezuela",), ("venezolano",)),
    "PE": (("perú",), ("peruano",)),
    "EC": (("ecuador",), ("ecuatoriano",)),
    "BO": (("bolivia",), ("boliviano",)),
    "PY": (("paraguay",), ("paraguayo",)),
    "UY": (("uruguay",), ("uruguayo",)),
    "AR": (("argentina",), ("argentino",)),
    "CL": (("chile",), ("chileno",)),
    "BR": (("brasil",), ("brasileño",)),
    "MX": (("méxico", "mejico"), ("mexicano",)),
    "HN": (("honduras",), ("hondureño",)),
    "SV": (("el salvador",), ("salvadoreño",)),
    "NI": (("nicaragua",), ("nicaragüense",)),
    "GT": (("guatemala",), ("guatemalteco",)),
    "CR": (("costa rica",), ("costarricense",)),
    "PA": (("panamá",), ("panameño",)),
    "CU": (("cuba",), ("cubano",)),
    "DO": (("república dominicana", "dominicana"), ("dominicano",)),
    "HT": (("haití",), ("haitiano",)),
    "FR": (("francia",), ("francés",)),
    "IT": (("italia",), ("italiano",)),
    "PT": (("portugal",), ("portugués",)),
    "DE": (("alemania",), ("alemán",)),
    "GB": (("reino unido", "inglaterra", "gran bretaña"), ("británico", "inglés")),
    "US": (("estados unidos",), ("estadounidense", "norteamericano")),
}


def _inflections(demonym: str) -> list[str]:
    word = fold(demonym)
    if word.endswith("o"):
        stem = word[:-1]
        return [word, stem + "a", stem + "os", stem + "as"]
    if word.endswith("es") and demonym.endswith("és"):  # senegalés
        stem = word
        return [stem, stem + "a", stem + "es", stem + "as"]
    if word.endswith("an") and demonym.endswith("án"):  # alemán
        return [word, word + "a", word + "es", word + "as"]
    if word.endswith("i") or word.endswith("u"):  # marroquí, hindú
        return [word, word + "es", word + "s"]
    if word.endswith("e"):  # nicaragüense, etíope
        return [word, word + "s"]
    return [word, word + "a", word + "es", word + "as"]  # kosovar


@cache
def country_names() -> dict[str, str]:
    """Folded country name (possibly several words) → ISO code."""
    return {fold(name): code for code, (names, _) in COUNTRIES.items() for name in names}


@cache
def demonyms() -> dict[str, str]:
    """Folded demonym in any gender/number → ISO code."""
    table: dict[str, str] = {}
    for code, (_, forms) in COUNTRIES.items():
        for form in forms:
            for inflected in _inflections(form):
                table.setdefault(inflected, code)
    return table


@cache
def municipalities() -> dict[str, str]:
    """Folded municipality name (and accepted variants) → official name."""
    table: dict[str, str] = {}
    with (
        resources.files("acogida.intake").joinpath("data/municipalities.csv").open(encoding="utf-8") as handle
    ):
        for row in csv.DictReader(handle):
            official = row["name"]
            table.setdefault(fold(official), official)
            for part in official.split("/"):
                table.setdefault(fold(part.strip()), official)
    for alias, official in MUNICIPALITY_ALIASES.items():
        table[fold(alias)] = official
    return table


# Names people use that differ from the official one.
MUNICIPALITY_ALIASES = {
    "L'Hospitalet": "L'Hospitalet de Llobregat",
    "Cornellà": "Cornellà de Llobregat",
    "Cornella": "Cornellà de Llobregat",
    "Sanse": "San Sebastián de los Reyes",
    "Torrejón": "Torrejón de Ardoz",
    "Rivas": "Rivas-Vaciamadrid",
    "Santa Coloma": "Santa Coloma de Gramenet",
    "Roquetas": "Roquetas de Mar",
    "El Prat": "El Prat de Llobregat",
    "Sant Boi": "Sant Boi de Llobregat",
    "Tarrasa": "Terrassa",
    "Talavera": "Talavera de la Reina",
    "Arganda": "Arganda del Rey",
    "Pozuelo": "Pozuelo de Alarcón",
    "Boadilla": "Boadilla del Monte",
    "Las Rozas": "Las Rozas de Madrid",
    "Chiclana": "Chiclana de la Frontera",
    "Sanlúcar": "Sanlúcar de Barrameda",
    "Vélez": "Vélez-Málaga",
    "El Puerto": "El Puerto de Santa María",
    "Puerto de Santa María": "El Puerto de Santa María",
    "Villalba": "Collado Villalba",
    "Sant Adrià": "Sant Adrià de Besòs",
    "Esplugues": "Esplugues de Llobregat",
    "Alcobendas": "Alcobendas",
    "San Javier": "San Javier",
    "Torre Pacheco": "Torre-Pacheco",
    "Molina": "Molina de Segura",
    "Aguadulce": "Roquetas de Mar",
    "Motril": "Motril",
    "Ceuta": "Ceuta",
    "Valencia": "València",
    "Alicante": "Alicante/Alacant",
    "Castellón": "Castelló de la Plana",
    "Castellón de la Plana": "Castelló de la Plana",
    "Gerona": "Girona",
    "Lérida": "Lleida",
    "La Coruña": "A Coruña",
    "Coruña": "A Coruña",
    "Orense": "Ourense",
    "San Sebastián": "Donostia/San Sebastián",
    "Donosti": "Donostia/San Sebastián",
    "Vitoria": "Vitoria-Gasteiz",
    "Gasteiz": "Vitoria-Gasteiz",
    "Palma de Mallorca": "Palma",
    "Elche": "Elche/Elx",
    "Hospitalet": "L'Hospitalet de Llobregat",
    "Hospitalet de Llobregat": "L'Hospitalet de Llobregat",
    "Las Palmas": "Las Palmas de Gran Canaria",
    "Santa Cruz": "Santa Cruz de Tenerife",
    "Sanxenxo": "Sanxenxo",
    "Pamplona": "Pamplona/Iruña",
    "Iruña": "Pamplona/Iruña",
    "Jerez": "Jerez de la Frontera",
    "Alcalá": "Alcalá de Henares",
}

# Words that start a street, not a town: "vivo en la calle Toledo".
STREET_WORDS = {
    "calle",
    "c",
    "avenida",
    "avda",
    "plaza",
    "paseo",
    "camino",
    "carretera",
    "barrio",
    "ronda",
    "travesia",
    "piso",
    "casa",
    "centro",
    "albergue",
    "habitacion",
    "un",
    "una",
}

RELATIVES_SINGULAR = {
    "marido",
    "mujer",
    "esposo",
    "esposa",
    "pareja",
    "novio",
    "novia",
    "compañero",
    "compañera",
    "hijo",
    "hija",
    "niño",
    "niña",
    "bebe",
    "padre",
    "madre",
    "hermano",
    "hermana",
    "abuelo",
    "abuela",
    "tio",
    "tia",
    "primo",
    "prima",
    "sobrino",
    "sobrina",
    "suegro",
    "suegra",
    "cuñado",
    "cuñada",
    "amigo",
    "amiga",
    "nieto",
    "nieta",
    "hijastro",
    "hijastra",
    "chico",
    "chica",
    "peque",
    "crio",
    "cria",
}
RELATIVES_PLURAL = {
    "hijos",
    "hijas",
    "niños",
    "niñas",
    "padres",
    "hermanos",
    "hermanas",
    "abuelos",
    "abuelas",
    "tios",
    "tias",
    "primos",
    "primas",
    "sobrinos",
    "sobrinas",
    "suegros",
    "cuñados",
    "cuñadas",
    "amigos",
    "amigas",
    "nietos",
    "nietas",
    "compañeros",
    "compañeras",
    "chicos",
    "chicas",
    "peques",
    "crios",
    "bebes",
    "gemelos",
    "mellizos",
}
RELATIVES = RELATIVES_SINGULAR | RELATIVES_PLURAL

NEEDS_KEYWORDS: dict[str, tuple[str, ...]] = {
    "food": (
        "comida",
        "comer",
        "alimentos",
        "alimentacion",
        "banco de alimentos",
        "leche",
        "hambre",
        "cesta",
        "lote de alimentos",
        "tarjeta monedero",
        "pañales",
        "comedor",
    ),
    "housing": (
        "vivienda",
        "alojamiento",
        "donde dormir",
        "dormir en la calle",
        "duermo en la calle",
        "desahucio",
        "desahuciar",
        "techo",
        "albergue",
        "sin hogar",
        "un sitio para vivir",
        "habitacion",
        "piso",
        "casa de acogida",
        "lugar donde vivir",
        "me echan",
        "echar de casa",
        "alquilar",
        "okupa",
    ),
    "employment": (
        "trabajo",
        "trabajar",
        "empleo",
        "curriculum",
        "paro",
        "desempleo",
        "desempleado",
        "desempleada",
        "contrato",
        "buscar trabajo",
        "oferta",
        "entrevista de trabajo",
    ),
    "health": (
        "medico",
        "medica",
        "salud",
        "enfermo",
        "enferma",
        "enfermedad",
        "medicinas",
        "medicamentos",
        "hospital",
        "tarjeta sanitaria",
        "embarazada",
        "embarazo",
        "dolor",
        "centro de salud",
        "diabetes",
        "tratamiento",
        "operacion",
        "dentista",
        "pediatra",
        "vacunas",
    ),
    "legal": (
        "papeles",
        "abogado",
        "abogada",
        "asilo",
        "proteccion internacional",
        "regularizar",
        "regularizacion",
        "permiso de residencia",
        "permiso de trabajo",
        "arraigo",
        "tramites",
        "extranjeria",
        "orden de expulsion",
        "expulsion",
        "juicio",
        "denuncia",
        "refugio",
        "refugiado",
        "refugiada",
        "asesoramiento juridico",
        "juridico",
        "juridica",
        "cita de asilo",
    ),
    "financial": (
        "dinero",
        "ayuda economica",
        "facturas",
        "factura",
        "pagar",
        "deudas",
        "deuda",
        "ingreso minimo",
        "renta minima",
        "la luz",
        "el alquiler",
        "no llego a fin de mes",
        "economica",
        "economicamente",
        "prestacion",
        "subsidio",
        "no tengo ingresos",
        "sin ingresos",
    ),
    "psychological": (
        "psicologo",
        "psicologa",
        "psicologico",
        "psicologica",
        "ansiedad",
        "depresion",
        "triste",
        "tristeza",
        "no puedo dormir",
        "no duermo",
        "pesadillas",
        "trauma",
        "estres",
        "angustia",
        "hablar con alguien",
        "salud mental",
        "agobiado",
        "agobiada",
        "llorar",
        "lloro",
    ),
    "education": (
        "colegio",
        "escuela",
        "estudiar",
        "estudios",
        "clases de español",
        "clases de castellano",
        "aprender español",
        "aprender castellano",
        "curso",
        "cursos",
        "formacion",
        "matricula",
        "matricular",
        "escolarizar",
        "guarderia",
        "instituto",
        "homologar",
        "titulo",
    ),
}


@cache
def common_words() -> frozenset[str]:
    """Folded frequent words of conversation from data/common_words.txt (never part of a name)."""
    text = resources.files("acogida.intake").joinpath("data/common_words.txt").read_text(encoding="utf-8")
    return frozenset(
        fold(word) for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


@cache
def first_names() -> frozenset[str]:
    """Folded given names from data/first_names.txt."""
    text = resources.files("acogida.intake").joinpath("data/first_names.txt").read_text(encoding="utf-8")
    return frozenset(
        fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# Particles that belong inside compound names and surnames ("María del Carmen", "García de la Fuente",
# "El Amrani", "Ben Ali", "Ould Ahmed").
NAME_PARTICLES = {
    "de",
    "del",
    "la",
    "las",
    "los",
    "y",
    "e",
    "el",
    "ben",
    "bin",
    "ould",
    "abu",
    "al",
    "da",
    "dos",
    "do",
    "van",
    "di",
}
LOWERCASE_PARTICLES = {"de", "del", "la", "las", "los", "y", "e", "da", "dos", "do", "van", "di"}

# More ways people say each need (kept apart from the table above for readability).
_MORE_NEEDS_KEYWORDS: dict[str, tuple[str, ...]] = {
    "food": (
        "supermercado",
        "comemos",
        "cenar",
        "vales de comida",
        "alimento",
        "no tenemos para comer",
        "leche para el bebe",
        "comida para los niños",
        "ayuda alimentaria",
    ),
    "housing": (
        "una habitacion",
        "vivienda social",
        "un sitio donde dormir",
        "sitio donde dormir",
        "donde vivir",
        "echar",
        "casero",
        "desahuciar",
        "nos echan",
        "me han echado",
        "nos han echado",
        "sin casa",
        "un techo",
        "acogida temporal",
        "un piso",
        "una casa",
        "alojarnos",
        "alojarme",
    ),
    "employment": (
        "laboral",
        "orientacion laboral",
        "buscar empleo",
        "curro",
        "currar",
        "bolsa de empleo",
        "insercion laboral",
        "de lo que sea",
    ),
    "health": (
        "pastillas",
        "tension",
        "insulina",
        "atencion medica",
        "medicina",
        "enfermedad",
        "ir al medico",
        "consulta",
        "receta",
        "me duele",
        "dolores",
        "cita medica",
        "sanidad",
        "sanitaria",
    ),
    "legal": (
        "situacion administrativa",
        "regularizar mi situacion",
        "permiso",
        "residencia",
        "nacionalidad española",
        "renovar",
        "renovacion",
        "tarjeta roja",
        "abogado de oficio",
        "justicia gratuita",
    ),
    "financial": (
        "ayuda de emergencia",
        "ayuda economica",
        "recibos",
        "el recibo",
        "cortar la luz",
        "dinero",
        "no tengo dinero",
        "ingreso minimo vital",
        "imv",
        "pagar el alquiler",
        "becas",
        "beca comedor",
    ),
    "psychological": (
        "apoyo emocional",
        "emocional",
        "nervios",
        "alguien que me escuche",
        "que me escuche",
        "escucharme",
        "apoyo psicologico",
        "no estoy bien de la cabeza",
        "la cabeza",
        "miedo",
        "solo y triste",
        "sola y triste",
        "me siento",
        "atencion psicologica",
    ),
    "education": (
        "no hablo bien el idioma",
        "el idioma",
        "idioma",
        "cole",
        "clases",
        "aprender",
        "alfabetizacion",
        "estudiar",
        "la escuela",
        "universidad",
        "convalidar",
        "material escolar",
        "libros",
    ),
}
NEEDS_KEYWORDS = {
    # "piso" and "habitacion" alone describe where people live ("la habitación me cuesta 400 euros")
    need: tuple(
        keyword
        for keyword in keywords + _MORE_NEEDS_KEYWORDS.get(need, ())
        if keyword not in {"piso", "habitacion"}
    )
    for need, keywords in NEEDS_KEYWORDS.items()
}

# Keywords that are a need on their own, whatever the sentence around them.
STRONG_NEED_KEYWORDS = {
    "durmiendo en la calle",
    "dormimos en la calle",
    "vivo en la calle",
    "viviendo en la calle",
    "estamos en la calle",
    "estoy en la calle",
    "quedarnos en la calle",
    "quedarme en la calle",
    "nos quedamos en la calle",
    "desahuciado",
    "desahuciada",
    "desahuciados",
    "nos han desahuciado",
    "apoyo emocional",
    "apoyo psicologico",
    "no estoy bien de la cabeza",
    "alguien que me escuche",
    "banco de alimentos",
    "hambre",
    "lote de alimentos",
    "tarjeta monedero",
    "desahucio",
    "desahuciar",
    "dormir en la calle",
    "duermo en la calle",
    "sin hogar",
    "albergue",
    "casa de acogida",
    "psicologo",
    "psicologa",
    "ansiedad",
    "depresion",
    "pesadillas",
    "trauma",
    "salud mental",
    "asilo",
    "proteccion internacional",
    "abogado",
    "abogada",
    "orden de expulsion",
    "arraigo",
    "regularizar",
    "regularizacion",
    "asesoramiento juridico",
    "ingreso minimo",
    "renta minima",
    "no llego a fin de mes",
    "clases de español",
    "clases de castellano",
    "escolarizar",
    "embarazada",
    "tarjeta sanitaria",
    "buscar trabajo",
    "sin ingresos",
    "no tengo ingresos",
    "pañales",
    "comedor",
}
