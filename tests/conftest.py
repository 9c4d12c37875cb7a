from __future__ import annotations

import socket

import pytest

from acogida.infra.toolchain import Toolchain, load_toolchain

# Fixtures shared by test modules: the intake stores in moto.
pytest_plugins = ["tests.unit.aws_fixtures"]


@pytest.fixture(scope="session")
def toolchain() -> Toolchain:
    return load_toolchain()


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def free_port() -> int:
    return find_free_port()
