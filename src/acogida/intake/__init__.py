"""Intake capture: form fields from Spanish transcripts (``extract``) and redaction (``redact``).

Pure Python, no AWS calls: the Lambdas, the CLI and the tests run the same code.
"""

from acogida.intake.extract import FIELD_NAMES, NEEDS, StreamingExtractor, extract

__all__ = ["FIELD_NAMES", "NEEDS", "StreamingExtractor", "extract"]
