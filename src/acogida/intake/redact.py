"""Find and mask personal data in free Spanish text.

`redact(text)` returns the personal-data spans (sorted, non-overlapping, offsets into `text`) and the
text with each span replaced by `[LABEL]`. Two detectors are combined and their spans merged:

* deterministic rules (`rule_spans`): DNI/NIE and other identifiers, phones, e-mails, street
  addresses and postal codes, dates in digits and in words, ages, names and places after cue
  phrases ("me llamo", "Nombre:", "vivo en", ...), institutions ("Hospital ...") and a gazetteer of
  countries and Spanish provinces and their capitals;
* a small spaCy NER (`model_spans`, ~5 MB, no word vectors) trained from a blank Spanish pipeline on
  MEDDOCAN train only (`scripts/train_redaction_model.py`), shipped in `redaction_model/` next to
  this file and loaded once, lazily and under a lock, on first use. Nothing is downloaded at run time.

Precision is traded for recall on purpose: overlapping detections are merged into one span, and
MEDDOCAN's notion of personal data includes sex ("varón") and relatives ("su madre"), masked as OTHER.

Measured on MEDDOCAN dev by `scripts/bench_redact.py`; see README_redaction.md.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "LABELS",
    "MEDDOCAN_LABELS",
    "MODEL_DIR",
    "Redaction",
    "RedactionSpan",
    "merge_spans",
    "model_spans",
    "redact",
    "rule_spans",
]

LABELS: Final = frozenset(
    {"NAME", "ID", "PHONE", "EMAIL", "ADDRESS", "PLACE", "DATE", "AGE", "INSTITUTION", "OTHER"}
)

#: How MEDDOCAN's 21 labels map onto ours. The shipped model is trained on the mapped labels; a model
#: trained on the original ones (`train_redaction_model.py --labels meddocan`) is mapped at run time.
MEDDOCAN_LABELS: Final[dict[str, str]] = {
    "NOMBRE_SUJETO_ASISTENCIA": "NAME",
    "NOMBRE_PERSONAL_SANITARIO": "NAME",
    "FAMILIARES_SUJETO_ASISTENCIA": "OTHER",
    "ID_SUJETO_ASISTENCIA": "ID",
    "ID_ASEGURAMIENTO": "ID",
    "ID_TITULACION_PERSONAL_SANITARIO": "ID",
    "ID_CONTACTO_ASISTENCIAL": "ID",
    "ID_EMPLEO_PERSONAL_SANITARIO": "ID",
    "NUMERO_TELEFONO": "PHONE",
    "NUMERO_FAX": "PHONE",
    "CORREO_ELECTRONICO": "EMAIL",
    "CALLE": "ADDRESS",
    "TERRITORIO": "PLACE",
    "PAIS": "PLACE",
    "FECHAS": "DATE",
    "EDAD_SUJETO_ASISTENCIA": "AGE",
    "SEXO_SUJETO_ASISTENCIA": "OTHER",
    "HOSPITAL": "INSTITUTION",
    "INSTITUCION": "INSTITUTION",
    "CENTRO_SALUD": "INSTITUTION",
    "PROFESION": "OTHER",
    "OTROS_SUJETO_ASISTENCIA": "OTHER",
}

MODEL_DIR: Final = Path(__file__).with_name("redaction_model")

# When merged spans disagree, the longer one names the result; on a tie, the first label here wins.
_PRIORITY: Final = ("EMAIL", "ID", "PHONE", "DATE", "AGE", "ADDRESS", "INSTITUTION", "NAME", "PLACE", "OTHER")


@dataclass(frozen=True)
class RedactionSpan:
    """Half-open character span `[start, end)` of personal data in the original text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Redaction:
    spans: list[RedactionSpan]
    redacted: str


# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------

_UP = "A-ZÁÉÍÓÚÜÑÀÈÌÒÙÇ"
_LOW = "a-záéíóúüñàèìòùçï"
_APOS = "'\u2019"  # ' and the typographic apostrophe
_CAP_WORD = rf"[{_UP}][{_LOW}{_UP}{_APOS}-]*(?![\wº°ª])"  # "García", "Sánchez-Rubio", "O'Donnell"
_ABBR_WORD = rf"[{_UP}][{_LOW}]{{0,3}}\."  # "Dr.", "Sta.", "A."
_PARTICLE = r"(?:de|del|de[ \t]+la|de[ \t]+las|de[ \t]+los|la|las|los|el|y|i|da|do|dos|van|von|al|bin|ben)"

_MONTH_FULL = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep?tiembre|octubre|noviembre|diciembre)"
_MONTH_ABBR = r"(?:ene|feb|mar|abr|may|jun|jul|ago|sep|sept|set|oct|nov|dic)\.?"
_NUM_WORD = (
    r"(?:cero|un[oa]?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince"
    r"|dieci\w+|veinte|veinti\w+|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|ciento"
    r"|doscientos|trescientos|cuatrocientos|quinientos|seiscientos|setecientos|ochocientos|novecientos"
    r"|mil|primero)"
)
_NUM_WORDS = rf"{_NUM_WORD}(?:\s+(?:y\s+)?{_NUM_WORD})*"
_DAY = rf"(?:\d{{1,2}}|{_NUM_WORDS})"
_YEAR = rf"(?:\d{{4}}|\d{{2}}|(?:dos\s+)?mil(?:\s+(?:y\s+)?{_NUM_WORD})*)"
_UNIT_AFTER = r"(?!\s*(?:mg|mcg|µg|ml|cc|g|gr|kg|mm|cm|m|l|ui|u|%|mmhg|h|horas|min|meq|mmol|º|°|x)\b)"

_I = re.IGNORECASE

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", _I)
# DNI: 8 digits + control letter ("12345678Z", "12.345.678-Z"); NIE: X/Y/Z + 7 digits + letter.
_DNI = re.compile(r"(?<![\w.])\d{2}\.?\d{3}\.?\d{3}[\s-]?(?i:[TRWAGMYFPDXBNJZSQVHLCKE])(?!\w)")
_NIE = re.compile(r"(?<!\w)[XYZxyz][\s-]?\d{7}[\s-]?[A-Za-z](?!\w)")
_PASSPORT = re.compile(r"(?<!\w)[A-Z]{2,3}\d{6,7}(?!\w)")
_ID_CUE = re.compile(
    r"\b(?:DNI|NIE|NIF|CIF|pasaporte|passport|NHC|NASS|NUSS|NUHSA|CIP|SIP|TSI|ID|"
    r"historia\s+cl[ií]nica|tarjeta\s+sanitaria|seguridad\s+social|afiliaci[oó]n|colegiad[oa]|"
    r"N\.?\s?[ºo°]\.?\s*(?:de\s+)?col(?:egiad[oa])?\.?|n[úu]m(?:ero)?\.?\s+de\s+(?:historia|colegiad[oa]|"
    r"afiliaci[oó]n|expediente|documento|pasaporte|tarjeta|identidad))"
    r"(?:\s+(?:n[º°o]|n[úu]mero|num\.?))?\s*(?:es\s+(?:el\s+)?)?[:.\-]?\s*"
    r"(?P<v>(?:[A-Za-z]{1,3}[\s.-]?)?\d[\d\s./-]{2,20}\d(?:[\s-]?[A-Za-z](?!\w))?|[A-Za-z]{1,3}\d{4,}[A-Za-z]?)",
    _I,
)
# A run of digit groups ("612 34 56 78", "+34 612345678", "02 08642704 67", "(91) 336-87-85").
_DIGITS = re.compile(
    r"(?<![\w+.,/])(?:(?:\+|00)\s?\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)\s?)?\d{2,}(?:[ .-]?\d{2,})*(?![\w/]|[.,]\d)"
)

_DATE_NUM = re.compile(
    r"(?<![\w/.-])(?P<d>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?:\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_DATE_MY = re.compile(r"(?<![\w/.-])(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}(?![\w/]|\.\d)")
_DATE_WORDS = re.compile(
    rf"\b(?:{_DAY}\s*(?:de\s+|-|/|\s)\s*(?:{_MONTH_FULL}|{_MONTH_ABBR})(?:\s*(?:de|del|-|/|,)?\s*{_YEAR}\b)?"
    rf"|{_MONTH_FULL}(?:\s*(?:de|del|-|/|,)?\s*{_YEAR}\b)?"
    rf"|{_MONTH_ABBR}\s*(?:de|del|-|/|,)?\s*(?:\d{{4}}|\d{{2}})\b)"
    rf"(?!\s+(?:de\s+)?\d+\s*(?:mg|ml))",
    _I,
)
_YEAR_ONLY = re.compile(
    rf"(?<![\w./,-])(?:año\s+|en\s+el\s+)?(?:19|20)\d{{2}}(?![\w/,-]|\.\d){_UNIT_AFTER}", _I
)

_AGE_NUM = rf"(?:\d{{1,3}}|{_NUM_WORDS})"
_AGE_UNIT = r"(?:años|año|meses|mes|semanas|semana|d[ií]as|d[ií]a|a\.)"
_AGE_MORE = rf"(?:\s+y\s+(?:medio|{_AGE_NUM}\s+(?:meses|d[ií]as)))?"  # "un año y cinco meses"
_AGE_VALUE = rf"{_AGE_NUM}(?:\s*(?:,|y)\s*{_AGE_NUM})*\s*{_AGE_UNIT}{_AGE_MORE}"
_AGE = re.compile(
    rf"\b(?:(?:edad(?:\s+de)?\s*:?\s*"
    rf"|(?:tengo|tiene|tenía|tenia|tenemos|tienen|cumpl[oíi]|cumplió|cumple|cumplirá|contaba\s+con)\s+"
    rf"|(?:lactante|beb[ée]|recién\s+nacid[oa]|niñ[oa]|hij[oa])(?:\s+[{_LOW}]+){{0,2}}\s+de\s+)"
    rf"(?P<v>{_AGE_VALUE})"
    rf"|(?:(?:a|hasta|desde)\s+los|con\s+apenas"
    rf"|(?:paciente|var[oó]n|mujer|hombre|chic[oa]|joven|ancian[oa]|señor[a]?|adolescente|persona|individuo"
    rf"|sujeto|gestante|embarazada)(?:\s+[{_LOW}]+){{0,2}}\s+de)\s+"
    rf"(?P<w>{_AGE_NUM}(?:\s*(?:,|y)\s*{_AGE_NUM})*\s*años))"
    rf"(?!\s+de\s+(?:evoluci|duraci|tratamiento|seguimiento|antig|historia))",
    _I,
)
_AGE_DE_EDAD = re.compile(rf"\b(?P<v>{_AGE_VALUE})\s+de\s+edad\b", _I)
_AGE_FIELD = re.compile(r"\bedad\s*:\s*(?P<v>\d{1,3}(?:\s*(?:años|meses|d[ií]as|a\b\.?))?)", _I)

_STREET_WORDS = (
    r"calle|avenida|plaza|paseo|carretera|camino|ronda|traves[ií]a|glorieta|pasaje|urbanizaci[oó]n|"
    r"bulevar|rambla|callej[oó]n|cuesta|plazuela|carrer|r[úu]a|alameda|cam[ií]|barrio"
)
_STREET_ABBR = r"c/|cl\.|avda\.?|av\.|avd\.|pza\.?|p[º°]\.?|ctra\.?|crta\.?|urb\.|trav\.|gta\.|bº"
_STREET_TYPE = rf"(?:(?:{_STREET_WORDS})\b|{_STREET_ABBR})"
# Street types that also start everyday phrases ("vía oral", "camino de 2 km") only count before a name.
_STREET_TYPE_STRONG = (
    r"(?:(?:calle|avenida|plaza|paseo|carretera|ronda|traves[ií]a|glorieta|urbanizaci[oó]n|carrer)\b"
    rf"|{_STREET_ABBR})"
)
_FLOOR = (
    r"(?:\d{1,2}(?!\d)[ \t]?[ºª°o]?\.?|bajo|entresuelo|principal|[aá]tico|primer[oa]?|segund[oa]|tercer[oa]?|"
    r"cuart[oa]|quint[oa]|sext[oa]|s[eé]ptim[oa]|octav[oa]|noven[oa]|d[eé]cim[oa])"
)
_DOOR = (
    r"(?:[A-Za-z](?![\w])|izq(?:uierda|da)?\.?|dcha\.?|der(?:echa)?\.?|centro|puerta[ \t]+\w+"
    r"|ext\.?|int\.?)"
)
_HOUSE_NO = (
    rf"(?:,?[ \t]*(?:n[º°o]\.?|n[úu]m(?:ero)?\.?)?[ \t]*\d{{1,4}}[ \t]?[A-Za-z]?(?![\w/])"
    rf"(?:[ \t]*[-,]?[ \t]*{_FLOOR}(?:[ \t]*[-,]?[ \t]*{_DOOR})?)?(?:[ \t]*[-,]?[ \t]*{_DOOR})?|,?[ \t]*s/n)"
)
_ADDR_CAP = re.compile(
    rf"\b(?i:{_STREET_TYPE})[ \t]*(?:{_PARTICLE}[ \t]+)*(?:{_ABBR_WORD}[ \t]*)?{_CAP_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)*(?:{_ABBR_WORD}|{_CAP_WORD}|[IVXL]+\b))*"
    rf"(?i:{_HOUSE_NO})?",
)
_ADDR_NUM = re.compile(
    rf"\b{_STREET_TYPE_STRONG}[ \t]*(?:[{_LOW}{_UP}'-]+[ \t]+){{1,4}}?{_HOUSE_NO}(?![.,]\d){_UNIT_AFTER}", _I
)
_ADDR_CUE = re.compile(
    r"\b(?:domicilio|direcci[oó]n|dir\.)[ \t]*:[ \t]*(?P<v>[^\n]+?)(?=\.[ \t]|\.?$|\n)", _I | re.M
)
_POSTAL = re.compile(
    rf"(?:\b(?:C\.?[ \t]?P\.?|c[oó]digo[ \t]+postal)[ \t]*:?[ \t]*(?P<v>\d{{5}})\b"
    rf"|(?<![\w.,])(?P<w>(?:0[1-9]|[1-4]\d|5[0-2])\d{{3}})(?=[ \t]*[-,]?[ \t]*[{_UP}]))"
)

# Capitalised words that start the next item after a name or an institution, never part of it.
_SECTION_WORDS = (
    r"(?:Servicio|Unidad|Secci[oó]n|Departamento|Dpto|Planta|[ÁA]rea|Correo|E-?mail|Tel[eé]fono|Tfno|Tlf|Fax"
    r"|Calle|Avda|Avenida|Plaza|Paseo|Carretera|Ctra|Apartado|Edificio|Pabell[oó]n|Consulta|Laboratorio)\b"
)
_ORG_WORDS = (
    rf"(?:{_SECTION_WORDS}|(?:Hospital|Hospitalario|Complejo|Cl[ií]nica|Centro|Universidad|Instituto|Facultad"
    r"|Adjunt[oa]|Forense|Jef[ea]|M[eé]dic[oa]|Fundaci[oó]n|Residencia)\b)"
)
_NAME_TOKEN = rf"(?!{_ORG_WORDS})(?:[{_UP}]\.|M[ªa]\.?(?![\w])|{_CAP_WORD})"
_NAME_PARTICLE = r"(?:de|del|de[ \t]+la|de[ \t]+las|de[ \t]+los|da|do|dos|van|von|bin|ben)"
_NAME_SEQ = rf"{_NAME_TOKEN}(?:[ \t]+(?:{_NAME_PARTICLE}[ \t]+)*{_NAME_TOKEN}){{0,5}}"
_NAME_CUE_STRONG = re.compile(
    r"\b(?:me[ \t]+llamo|mi[ \t]+nombre[ \t]+es|se[ \t]+llama|nos[ \t]+llamamos|ll[aá]mame"
    r"|nombre[ \t]+y[ \t]+apellidos|nombre[ \t]+completo|nombre|apellidos?|mis[ \t]+apellidos[ \t]+son"
    r"|mi[ \t]+apellido[ \t]+es)[ \t]*[:\-]?[ \t]+"
    rf"(?P<v>[^\W\d_][\w{_APOS}-]*(?:[ \t]+(?!(?-i:y|e|que|con|en|soy|tengo|vivo|estoy|es|pero|porque|a|al"
    rf"|para|por|mi|me|no|si|sí|el|la|los|las|un|una|nací|vengo|llevo|trabajo)\b)[^\W\d_][\w{_APOS}-]*){{0,4}})",
    _I,
)
_NAME_CUE_TITLE = re.compile(
    rf"\b(?i:sr|sra|srta|dr|dra|dña)(?:[ \t]*[.:][ \t]*|[ \t]+)(?P<v>{_NAME_SEQ})"
    rf"|\b(?i:(?:señor|señora|señorita|don|doña|doctor|doctora|profesor|profesora|"
    rf"m[eé]dico|remitido[ \t]+por|responsable(?:[ \t]+cl[ií]nico)?|firmado|atendido[ \t]+por|paciente|"
    rf"hij[oa]|herman[oa]|madre|padre|marido|esposa|espos[oa]|mujer|pareja|sobrin[oa]|prim[oa]|ti[oa]|"
    rf"abuel[oa]|niet[oa]|amig[oa]|novi[oa]|vecin[oa]|compañer[oa]|llamad[oa]|apellidad[oa]))"
    rf"(?:[ \t]*:[ \t]*|[ \t]+)(?:(?i:dr|dra|sr|sra|srta|dña)(?:[ \t]*[.:][ \t]*|[ \t]+))?(?P<w>{_NAME_SEQ})",
)
_PLACE_CUE = re.compile(
    r"(?:\b(?i:(?:vivo|vive|viven|vivimos|resido|reside|residimos|residente|nac[ií]|naci[oó]|nacid[oa]"
    r"|empadronad[oa])[ \t]+en"
    r"|(?:natural|soy|es|somos|procedente|proviene|vengo|viene|venimos|llegu[ée]|lleg[oó]|llegamos|huimos"
    r"|hu[ií])[ \t]+de)"
    r"|\b(?i:localidad(?:[ \t]*/[ \t]*provincia)?|provincia|municipio|ciudad|pueblo"
    r"|pa[ií]s(?:[ \t]+de[ \t]+(?:nacimiento|origen|residencia))?"
    r"|lugar[ \t]+de[ \t]+(?:nacimiento|residencia)|nacionalidad)[ \t]*:)[ \t]*"
    r"(?:(?i:la[ \t]+ciudad[ \t]+de|el[ \t]+pueblo[ \t]+de|la[ \t]+provincia[ \t]+de)[ \t]+)?"
    rf"(?P<v>{_NAME_SEQ})",
)
_INSTITUTION_HEAD = (
    r"Hospital|Complejo[ \t]+(?:Hospitalario|Asistencial)|Cl[ií]nica|Policl[ií]nica|Sanatorio|Ambulatorio"
    r"|Consultorio|Centro(?:[ \t]+de)?[ \t]+(?:Salud|Atenci[oó]n|Acogida|Especialidades|Refugiados"
    r"|Internamiento|Estancia[ \t]+Temporal|Servicios[ \t]+Sociales|Transfusi[oó]n|Investigaci[oó]n)"
    r"|Residencia|Universidad|Universitat|Instituto|Institut|Fundaci[oó]n|Asociaci[oó]n|Ayuntamiento|Juzgado|Comisar[ií]a|Colegio"
    r"|Consejer[ií]a|Servicio[ \t]+(?:Andaluz|Madrileño|Navarro|Gallego|Vasco|Canario|Murciano|Extremeño"
    r"|Cántabro|Aragonés|Riojano|Catal[aà]n|Valenciano|de[ \t]+Salud)"
)
_INSTITUTION = re.compile(
    rf"\b(?:{_INSTITUTION_HEAD})(?:[ \t]+(?:{_PARTICLE}[ \t]+)*(?!{_SECTION_WORDS})"
    rf"(?:{_CAP_WORD}|[IVXL]+\b|\d{{1,3}}\b))+"
    r"|\b(?:Cruz[ \t]+Roja(?:[ \t]+Española)?|Media[ \t]+Luna[ \t]+Roja|ACNUR|C[aá]ritas|Accem|CEAR|CETI"
    r"|OIM)\b",
)
_SEX_FIELD = re.compile(r"\bsexo\s*:\s*(?P<v>[^\W\d_]+)", _I)

_COUNTRIES = (
    "Afganistán|Albania|Alemania|Andorra|Angola|Antigua y Barbuda|Arabia Saudí|Arabia Saudita|Argelia|"
    "Argentina|Armenia|Australia|Austria|Azerbaiyán|Bahamas|Bangladés|Bangladesh|Barbados|Baréin|Bélgica|"
    "Belice|Benín|Bielorrusia|Birmania|Bolivia|Bosnia y Herzegovina|Bosnia|Botsuana|Brasil|Brunéi|Bulgaria|"
    "Burkina Faso|Burundi|Bután|Cabo Verde|Camboya|Camerún|Canadá|Catar|Chad|Chile|China|Chipre|Colombia|"
    "Comoras|Congo|Corea del Norte|Corea del Sur|Corea|Costa de Marfil|Costa Rica|Croacia|Cuba|Dinamarca|"
    "Dominica|Ecuador|Egipto|El Salvador|Emiratos Árabes Unidos|Eritrea|Eslovaquia|Eslovenia|España|"
    "Estados Unidos|EEUU|EE\\.UU\\.|Estonia|Esuatini|Etiopía|Filipinas|Finlandia|Fiyi|Francia|Gabón|Gambia|"
    "Georgia|Ghana|Granada|Grecia|Guatemala|Guinea Ecuatorial|Guinea-Bisáu|Guinea Bissau|Guinea|Guyana|"
    "Haití|Honduras|Hungría|India|Indonesia|Irak|Iraq|Irán|Irlanda|Islandia|Israel|Italia|Jamaica|Japón|"
    "Jordania|Kazajistán|Kenia|Kirguistán|Kosovo|Kuwait|Laos|Lesoto|Letonia|Líbano|Liberia|Libia|"
    "Liechtenstein|Lituania|Luxemburgo|Macedonia del Norte|Macedonia|Madagascar|Malasia|Malaui|Maldivas|"
    "Malí|Mali|Malta|Marruecos|Mauricio|Mauritania|México|Méjico|Moldavia|Mónaco|Mongolia|Montenegro|"
    "Mozambique|Namibia|Nepal|Nicaragua|Níger|Nigeria|Noruega|Nueva Zelanda|Omán|Países Bajos|Holanda|"
    "Pakistán|Palestina|Panamá|Papúa Nueva Guinea|Paraguay|Perú|Polonia|Portugal|Puerto Rico|Reino Unido|"
    "Inglaterra|Escocia|Gales|República Centroafricana|República Checa|Chequia|República Democrática del "
    "Congo|República Dominicana|Ruanda|Rumanía|Rumania|Rusia|Sáhara Occidental|Sáhara|Samoa|San Marino|"
    "Santo Tomé y Príncipe|Senegal|Serbia|Seychelles|Sierra Leona|Singapur|Siria|Somalia|Sri Lanka|"
    "Sudáfrica|Sudán del Sur|Sudán|Suecia|Suiza|Surinam|Tailandia|Taiwán|Tanzania|Tayikistán|Timor Oriental|"
    "Togo|Trinidad y Tobago|Túnez|Turkmenistán|Turquía|Ucrania|Uganda|Uruguay|Uzbekistán|Venezuela|Vietnam|"
    "Yemen|Yibuti|Zambia|Zimbabue"
)
_SPAIN = (
    "Álava|Araba|Vitoria|Albacete|Alicante|Alacant|Almería|Asturias|Oviedo|Gijón|Ávila|Badajoz|Mérida|"
    "Barcelona|Burgos|Cáceres|Cádiz|Jerez|Algeciras|Cantabria|Santander|Castellón|Ciudad Real|Córdoba|"
    "Cuenca|Girona|Gerona|Granada|Guadalajara|Gipuzkoa|Guipúzcoa|San Sebastián|Donostia|Huelva|Huesca|"
    "Islas Baleares|Baleares|Illes Balears|Mallorca|Menorca|Ibiza|Palma de Mallorca|Palma|Jaén|A Coruña|"
    "La Coruña|Coruña|Santiago de Compostela|Ferrol|La Rioja|Logroño|Las Palmas de Gran Canaria|Las Palmas|"
    "Gran Canaria|Lanzarote|Fuerteventura|León|Ponferrada|Lleida|Lérida|Lugo|Madrid|Alcalá de Henares|"
    "Getafe|Móstoles|Leganés|Fuenlabrada|Alcorcón|Málaga|Marbella|Murcia|Cartagena|Navarra|Pamplona|Iruña|"
    "Ourense|Orense|Palencia|Pontevedra|Vigo|Salamanca|Santa Cruz de Tenerife|Tenerife|La Laguna|Segovia|"
    "Sevilla|Soria|Tarragona|Reus|Teruel|Toledo|Talavera de la Reina|Valencia|València|Valladolid|Bizkaia|"
    "Vizcaya|Bilbao|Barakaldo|Baracaldo|Zamora|Zaragoza|Ceuta|Melilla|Andalucía|Aragón|Canarias|"
    "Castilla y León|Castilla-La Mancha|Castilla La Mancha|Cataluña|Catalunya|Comunidad Valenciana|"
    "Extremadura|Galicia|País Vasco|Euskadi|Región de Murcia|Elche|Terrassa|Sabadell|Badalona|"
    "L'Hospitalet de Llobregat|Hospitalet|Mataró|Lorca|Almería|Motril|Linares|Lepe|Níjar|El Ejido|"
    "Roquetas de Mar|Tánger|Casablanca|Rabat|Nador|Tetuán|Dakar|Bamako|Conakry|Lagos|Argel|Orán|Kiev|Caracas|"
    "Bogotá|Medellín|Cali|Lima|Quito|Guayaquil|Tegucigalpa|San Pedro Sula|Managua|La Habana|Santo Domingo|"
    "Buenos Aires|Rosario|Montevideo|Asunción|La Paz|Santa Cruz|Santiago|Damasco|Alepo|Kabul|Jartum|Nuakchot"
)
_GAZETTEER = re.compile(
    rf"(?<![\w-])(?:{_COUNTRIES}|{_SPAIN})(?![\w-])",
)

_NOT_NAMES: Final = frozenset(
    {
        "Paciente", "Nombre", "Apellidos", "Apellido", "Edad", "Sexo", "Fecha", "Datos", "Médico", "Hospital",
        "Servicio", "Doctor", "Doctora", "Dr", "Dra", "Informe", "Historia", "No", "Sí", "Si", "El", "La",
        "Los", "Las", "Un", "Una", "Y", "En", "De", "Del", "Con", "Por", "Para", "Que", "Se", "Es",
    }
)  # fmt: skip


def _value(m: re.Match[str], *groups: str) -> tuple[int, int] | None:
    for g in groups:
        if m.group(g) is not None:
            return m.start(g), m.end(g)
    return None


def _finditer_group(pattern: re.Pattern[str], text: str, label: str, *groups: str) -> Iterator[RedactionSpan]:
    for m in pattern.finditer(text):
        if groups:
            where = _value(m, *groups)
            if where is None:
                continue
            yield RedactionSpan(where[0], where[1], label)
        else:
            yield RedactionSpan(m.start(), m.end(), label)


def _trim(text: str, span: RedactionSpan) -> RedactionSpan | None:
    """Drop surrounding blanks and punctuation that are never part of the value."""
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:-(\"'«"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:-)\"'»"):
        end -= 1
    if span.label not in {"ADDRESS", "NAME"}:
        while end > start and text[end - 1] == ".":
            end -= 1
    if end - start < 1:
        return None
    return RedactionSpan(start, end, span.label)


def _phone_or_id(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    international = raw.startswith(("+", "00"))
    if international and 8 <= len(digits) <= 15:
        return "PHONE"
    if len(digits) == 9 and digits[0] in "6789":
        return "PHONE"
    if len(digits) >= 6 and re.fullmatch(r"\d+(?: \d+)*", raw):  # not 1.000.000 nor ranges 100-200
        return "ID"
    return None


def _names(text: str) -> Iterator[RedactionSpan]:
    for m in _NAME_CUE_STRONG.finditer(text):
        value = m.group("v")
        first = value.split()[0]
        # "nombre" / "apellido" without a colon are ordinary words: require a capitalised value then.
        cue = m.group(0)[: m.start("v") - m.start()].lower()
        weak_cue = cue.strip().startswith(("nombre", "apellido")) and ":" not in cue
        if weak_cue and not first[:1].isupper():
            continue
        if first in _NOT_NAMES:
            continue
        if weak_cue:
            end = m.start("v")
            for word in re.finditer(rf"{_NAME_TOKEN}|\S+", value):
                if not word.group(0)[:1].isupper():
                    break
                end = m.start("v") + word.end()
            yield RedactionSpan(m.start("v"), end, "NAME")
            continue
        yield RedactionSpan(m.start("v"), m.end("v"), "NAME")
    for m in _NAME_CUE_TITLE.finditer(text):
        where = _value(m, "v", "w")
        if where is None or text[where[0] : where[1]].split(maxsplit=1)[0].rstrip(".") in _NOT_NAMES:
            continue
        yield RedactionSpan(where[0], where[1], "NAME")


def rule_spans(text: str) -> list[RedactionSpan]:
    """Spans found by the deterministic rules alone (unmerged, possibly overlapping)."""
    spans: list[RedactionSpan] = []
    spans += _finditer_group(_EMAIL, text, "EMAIL")
    spans += _finditer_group(_URL, text, "OTHER")
    spans += _finditer_group(_DNI, text, "ID")
    spans += _finditer_group(_NIE, text, "ID")
    spans += _finditer_group(_PASSPORT, text, "ID")
    spans += _finditer_group(_ID_CUE, text, "ID", "v")
    dates = [
        *(
            RedactionSpan(m.start(), m.end(), "DATE")
            for m in _DATE_NUM.finditer(text)
            if 1 <= int(m.group("d")) <= 31 and 1 <= int(m.group("m")) <= 31  # d/m or m/d
        ),
        *_finditer_group(_DATE_MY, text, "DATE"),
        *_finditer_group(_DATE_WORDS, text, "DATE"),
        *_finditer_group(_YEAR_ONLY, text, "DATE"),
    ]
    spans += dates
    taken = [(s.start, s.end) for s in spans]
    for m in _DIGITS.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        label = _phone_or_id(m.group(0))
        if label is not None:
            spans.append(RedactionSpan(m.start(), m.end(), label))
    spans += _finditer_group(_AGE, text, "AGE", "v", "w")
    spans += _finditer_group(_AGE_DE_EDAD, text, "AGE", "v")
    spans += _finditer_group(_AGE_FIELD, text, "AGE", "v")
    spans += _finditer_group(_ADDR_CAP, text, "ADDRESS")
    spans += _finditer_group(_ADDR_NUM, text, "ADDRESS")
    spans += _finditer_group(_ADDR_CUE, text, "ADDRESS", "v")
    spans += _finditer_group(_POSTAL, text, "ADDRESS", "v", "w")
    spans += _names(text)
    spans += _finditer_group(_PLACE_CUE, text, "PLACE", "v")
    spans += _finditer_group(_GAZETTEER, text, "PLACE")
    spans += _finditer_group(_INSTITUTION, text, "INSTITUTION")
    spans += _finditer_group(_SEX_FIELD, text, "OTHER", "v")
    out = []
    for span in spans:
        trimmed = _trim(text, span)
        if trimmed is not None:
            out.append(trimmed)
    return out


# --------------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------------

_model_lock = threading.Lock()
_nlp: Language | None = None


def _load_model() -> Language:
    global _nlp  # noqa: PLW0603 - one lazily loaded model per process
    if _nlp is None:
        with _model_lock:
            if _nlp is None:
                if not (MODEL_DIR / "meta.json").is_file():
                    msg = f"redaction model missing at {MODEL_DIR}; run scripts/train_redaction_model.py"
                    raise RuntimeError(msg)
                import spacy  # noqa: PLC0415 - heavy import, only when first needed

                _nlp = spacy.load(MODEL_DIR)
    return _nlp


def model_spans(text: str) -> list[RedactionSpan]:
    """Spans predicted by the NER model alone, labels mapped onto `LABELS`."""
    if not text.strip():
        return []
    nlp = _load_model()
    with _model_lock:  # spaCy pipelines are not documented as thread-safe
        doc = nlp(text)
    out = []
    for ent in doc.ents:
        label = ent.label_ if ent.label_ in LABELS else MEDDOCAN_LABELS.get(ent.label_, "OTHER")
        span = _trim(text, _tidy_proper(text, RedactionSpan(ent.start_char, ent.end_char, label)))
        if span is not None:
            out.append(span)
    return out


# Sentence-initial words the model sometimes pulls into a proper name: "[Soy de] Marruecos". Articles
# stay: "La Paz", "El Salvador", "Las Palmas".
_NOT_LEADING: Final = frozenset(
    {
        "soy", "es", "son", "somos", "eres", "era", "fue", "vivo", "vive", "viven", "vivimos", "vengo",
        "viene", "venimos", "nací", "nació", "estoy", "está", "estamos", "tengo", "tiene", "me", "mi",
        "mis", "su", "sus", "tu", "un", "una", "en", "al", "con", "por", "para", "que",
        "hola", "sí", "si", "no", "yo", "él", "ella", "nosotros", "ellos", "usted", "ustedes", "también",
        "pero", "porque", "cuando", "desde", "hasta",
    }
)  # fmt: skip


def _tidy_proper(text: str, span: RedactionSpan) -> RedactionSpan:
    """Names, places and institutions start and end with a name word: drop "Soy de" in "[Soy de]
    Marruecos" and "la semana" in "Hospital La Paz [la semana]"."""
    if span.label not in {"NAME", "PLACE", "INSTITUTION"}:
        return span
    words = list(re.finditer(r"\S+", text[span.start : span.end]))
    while len(words) > 1 and words[-1].group(0)[0].islower():
        words.pop()
    while len(words) > 1 and words[0].group(0).lower().strip(",.;:") in _NOT_LEADING:
        words.pop(0)
        while len(words) > 1 and words[0].group(0) in {"de", "del", "en"}:
            words.pop(0)
    if not words:
        return span
    return RedactionSpan(span.start + words[0].start(), span.start + words[-1].end(), span.label)


# --------------------------------------------------------------------------------------------------
# Merge and mask
# --------------------------------------------------------------------------------------------------


def merge_spans(spans: Iterable[RedactionSpan]) -> list[RedactionSpan]:
    """Sort and merge overlapping spans (and touching ones of the same label).

    A merged span takes the label of its longest part; on a tie, the one first in `_PRIORITY`.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[RedactionSpan] = []
    group: list[RedactionSpan] = []
    end = -1

    def flush() -> None:
        if group:
            best = max(group, key=lambda s: (s.end - s.start, -_PRIORITY.index(s.label)))
            merged.append(RedactionSpan(group[0].start, max(s.end for s in group), best.label))

    for span in ordered:
        if span.end <= span.start:
            continue
        if group and (span.start < end or (span.start == end and span.label == group[-1].label)):
            group.append(span)
            end = max(end, span.end)
            continue
        flush()
        group = [span]
        end = span.end
    flush()
    return merged


def mask(text: str, spans: list[RedactionSpan]) -> str:
    parts = []
    last = 0
    for span in spans:
        parts.append(text[last : span.start])
        parts.append(f"[{span.label}]")
        last = span.end
    parts.append(text[last:])
    return "".join(parts)


def redact(text: str) -> Redaction:
    """Find personal data in `text` and mask it; spans are sorted, merged and index `text`."""
    spans = merge_spans([*rule_spans(text), *model_spans(text)])
    return Redaction(spans=spans, redacted=mask(text, spans))
