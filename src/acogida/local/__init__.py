"""Local mode: the moto emulator on 127.0.0.1, and the demo that runs the platform against it."""
