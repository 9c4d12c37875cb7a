"""Acogida: humanitarian intake platform on AWS, with a local mode on the moto emulator."""

__version__ = "0.1.0"
