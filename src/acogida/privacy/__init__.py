"""Data protection: the audit trail, the pseudonymisation key ring, and the rights of access and
erasure. Domain code only (no AWS calls); the adapters live in ``acogida.adapters``."""
