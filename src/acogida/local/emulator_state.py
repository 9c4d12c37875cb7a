"""The emulator's state on disk: every loaded moto backend, saved on a clean stop and loaded on start.

Moto keeps everything in memory, so a plain restart would lose the local deployment (and the
Terraform state, which lives in the emulator's own S3 bucket). ``save_state`` pickles the
backends of every service in use (account → region → backend) with a pickler that knows the few
objects moto holds that pickle cannot carry:

- locks, conditions and events (SQS queues, S3 keys, Lambda, the ID generator): recreated fresh;
  the snapshot is taken with no request in flight (``acogida.local.emulator`` quiesces first), so
  none of them is held;
- weak references (Lambda's function index by ARN): rebuilt over the same objects;
- moto's dict subclasses (S3's versioned key store, whose ``items()`` shows only the current
  version of each key): stored as they are, every version kept;
- ``cryptography`` keys (KMS asymmetric keys, Cognito and IAM signing material): written as
  PKCS#8 / SubjectPublicKeyInfo DER and loaded back;
- the backend dictionaries themselves, when a backend refers to another service's: by reference,
  so the restored objects point at the live dictionaries of the new process.

The file is written to a temporary name and renamed, so a crash while saving leaves the previous
snapshot whole. It starts with a small header (format, moto's version) pickled apart from the
backends: a snapshot of another moto version is refused before any of its objects is loaded, as
pickled moto classes need not match across versions.
"""

from __future__ import annotations

import io
import os
import pickle
import threading
import weakref
from collections import defaultdict
from pathlib import Path
from typing import Any

SNAPSHOT_FORMAT = 2

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def _fresh_lock(reentrant: bool) -> Any:  # noqa: ANN401 - a lock
    return threading.RLock() if reentrant else threading.Lock()


def _fresh_event(is_set: bool) -> threading.Event:
    event = threading.Event()
    if is_set:
        event.set()
    return event


def _weak_values(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    return weakref.WeakValueDictionary(items)


def _weak_reference(target: Any) -> Any:  # noqa: ANN401 - a weak reference
    return weakref.ref(target) if target is not None else _dead_reference()


def _dead_reference() -> Any:  # noqa: ANN401 - a weak reference whose object is gone
    class Gone:
        pass

    return weakref.ref(Gone())


def _live_backend_dict(service: str) -> Any:  # noqa: ANN401 - moto's BackendDict
    from moto.backends import get_backend  # noqa: PLC0415 - moto loads only in the emulator

    return get_backend(service)  # type: ignore[call-overload]


def _live_account_backend(service: str, account_id: str) -> Any:  # noqa: ANN401
    return _live_backend_dict(service)[account_id]


def _load_private_key(der: bytes) -> Any:  # noqa: ANN401 - a cryptography private key
    from cryptography.hazmat.primitives.serialization import load_der_private_key  # noqa: PLC0415

    return load_der_private_key(der, password=None)


def _load_public_key(der: bytes) -> Any:  # noqa: ANN401 - a cryptography public key
    from cryptography.hazmat.primitives.serialization import load_der_public_key  # noqa: PLC0415

    return load_der_public_key(der)


class SnapshotError(RuntimeError):
    pass


def loaded_services() -> dict[str, Any]:
    """{service name: BackendDict} of every moto service this process has used."""
    from moto.core.base_backend import BackendDict  # noqa: PLC0415

    services: dict[str, Any] = {}
    # moto's registry of the services in use
    for backend_dict in BackendDict._instances:  # type: ignore[misc]
        if _live_backend_dict(backend_dict.service_name) is not backend_dict:
            raise SnapshotError(f"service {backend_dict.service_name}: its backends cannot be found by name")
        services[backend_dict.service_name] = backend_dict
    return dict(sorted(services.items()))


def _empty_instance(cls: type[dict[Any, Any]]) -> dict[Any, Any]:
    return cls.__new__(cls)


def _fill_raw_dict(obj: dict[Any, Any], state: tuple[list[tuple[Any, Any]], dict[str, Any]]) -> None:
    items, attributes = state
    dict.update(obj, items)
    obj.__dict__.update(attributes)


def _empty_default_dict(factory: type, items: dict[Any, Any]) -> defaultdict[Any, Any]:
    return defaultdict(factory, items)


class _StatePickler(pickle.Pickler):
    def __init__(self, file: io.BufferedWriter, services: dict[str, Any]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        from cryptography.hazmat.primitives.asymmetric.types import (  # noqa: PLC0415
            PrivateKeyTypes,
            PublicKeyTypes,
        )
        from moto.core.base_backend import AccountSpecificBackend, BackendDict  # noqa: PLC0415

        self._private_keys = PrivateKeyTypes.__args__  # type: ignore[attr-defined]
        self._public_keys = PublicKeyTypes.__args__  # type: ignore[attr-defined]
        self._backend_dict_type = BackendDict
        self._account_backend_type = AccountSpecificBackend
        self._service_of = {id(backend_dict): service for service, backend_dict in services.items()}
        self._account_of = {
            id(account_backend): (service, account_id)
            for service, backend_dict in services.items()
            for account_id, account_backend in dict.items(backend_dict)
        }

    def reducer_override(self, obj: Any) -> Any:  # noqa: ANN401, PLR0911, PLR0912 - one case per kind
        from cryptography.hazmat.primitives import serialization  # noqa: PLC0415

        if isinstance(obj, _LOCK_TYPES):
            return _fresh_lock, (isinstance(obj, _LOCK_TYPES[1]),)
        if isinstance(obj, threading.Condition):
            return threading.Condition, ()
        if isinstance(obj, threading.Event):
            return _fresh_event, (obj.is_set(),)
        # Weak references: rebuilt over the same objects (which the snapshot holds strongly).
        if isinstance(obj, weakref.WeakValueDictionary):
            return _weak_values, (dict(obj.items()),)
        if isinstance(obj, weakref.ReferenceType):
            return _weak_reference, (obj(),)
        if isinstance(obj, weakref.WeakSet):
            return weakref.WeakSet, (list(obj),)
        # defaultdict(lambda: {}) and the like: the same default from the plain type.
        if isinstance(obj, defaultdict) and getattr(obj.default_factory, "__name__", "") == "<lambda>":
            sample = obj.default_factory()  # type: ignore[misc]
            if type(sample) in (dict, list, set) and not sample:
                return _empty_default_dict, (type(sample), dict(obj))
        if isinstance(obj, self._private_keys):
            der = obj.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            return _load_private_key, (der,)
        if isinstance(obj, self._public_keys):
            der = obj.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            return _load_public_key, (der,)
        # Moto's own dict subclasses, as stored (S3's versioned key store answers items() with the
        # current version only: pickled through items() it would lose every older version).
        if (
            isinstance(obj, dict)
            and not isinstance(obj, (defaultdict, self._backend_dict_type, self._account_backend_type))
            and type(obj).__module__.startswith("moto.")
        ):
            state = (list(dict.items(obj)), dict(getattr(obj, "__dict__", {})))
            return _empty_instance, (type(obj),), state, None, None, _fill_raw_dict
        if isinstance(obj, self._backend_dict_type) and id(obj) in self._service_of:
            return _live_backend_dict, (self._service_of[id(obj)],)
        if isinstance(obj, self._account_backend_type):
            return self._account_backend_reference(obj)
        return NotImplemented

    def _account_backend_reference(self, obj: Any) -> Any:  # noqa: ANN401
        reference = self._account_of.get(id(obj))
        return (_live_account_backend, reference) if reference else NotImplemented


def save_state(path: Path) -> int:
    """Write every loaded backend to ``path`` (atomically); returns the snapshot's size in bytes."""
    services = loaded_services()
    contents = {
        service: {
            account_id: dict(account_backend.items())
            for account_id, account_backend in dict.items(backend_dict)
        }
        for service, backend_dict in services.items()
    }
    buffer = io.BytesIO()
    pickle.dump(_header(), buffer)
    _StatePickler(buffer, services).dump(contents)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        handle.write(buffer.getbuffer())
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    return buffer.tell()


def _header() -> dict[str, object]:
    from moto import __version__ as moto_version  # noqa: PLC0415

    return {"format": SNAPSHOT_FORMAT, "moto": moto_version}


def load_state(path: Path) -> list[str]:
    """Put the backends saved in ``path`` into this process's moto; returns the services restored.

    Raises SnapshotError for a file of another format or moto version (nothing loaded then)."""
    with path.open("rb") as handle:
        try:
            header = pickle.load(handle)  # noqa: S301 - our own file, written by save_state
        except (pickle.UnpicklingError, EOFError, ValueError) as error:
            raise SnapshotError(f"{path} is not an emulator snapshot ({type(error).__name__})") from None
        if header != _header():
            raise SnapshotError(f"{path} was saved as {header!r}; this emulator reads {_header()!r}")
        services = pickle.load(handle)  # noqa: S301
    for service, accounts in services.items():
        backend_dict = _live_backend_dict(service)
        for account_id, regions in accounts.items():
            account_backend = backend_dict[account_id]  # created empty on first access
            for region, backend in regions.items():
                dict.__setitem__(account_backend, region, backend)
    return sorted(services)
