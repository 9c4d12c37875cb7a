"""Reader of the MEDDOCAN de-identification corpus (brat format), for training and benchmarking
the redactor: ``NAME.txt`` holds a document, ``NAME.ann`` one ``T1<TAB>LABEL START END<TAB>text``
line per personal-data span."""

from __future__ import annotations

from pathlib import Path

# ../shared/data/meddocan beside the checkout (src/acogida/intake → repository → its parent)
DEFAULT_MEDDOCAN = Path(__file__).resolve().parents[4] / "shared" / "data" / "meddocan"

Span = tuple[int, int, str]
Document = tuple[str, str, list[Span]]


def read_brat(folder: Path) -> list[Document]:
    """(name, text, [(start, end, label)]) of every document in ``folder``, sorted by name."""
    documents: list[Document] = []
    for text_file in sorted(folder.glob("*.txt")):
        text = text_file.read_text(encoding="utf-8")
        spans: list[Span] = []
        for line in text_file.with_suffix(".ann").read_text(encoding="utf-8").splitlines():
            if not line.startswith("T"):
                continue  # relations and notes carry no span
            _, label_and_offsets, _surface = line.split("\t", 2)
            label, start, end = label_and_offsets.split(" ")
            spans.append((int(start), int(end), label))
        documents.append((text_file.stem, text, spans))
    return documents
