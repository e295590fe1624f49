"""Decode untrusted photos in a separate, short-lived, limited process.

Image decoders (libjpeg, libpng, libwebp, libheif) are large C libraries fed with files
from anyone. :func:`sanitize_in_sandbox` never runs them in the web process (which holds
the request, the upload key and, for investigators, unlocked desk keys): it starts
``python -I -m tips.sandbox`` for each file, sends the file through a pipe (never a file on
disk) and reads the clean re-encoding back through another pipe.

The child:

* starts from a clean environment (no ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` or
  any other variable of the web process), in isolated mode (``-I``: no ``PYTHON*``
  variables, no user site), with every file descriptor but its three pipes closed, in ``/``;
* limits itself before it reads a byte: CPU time (``RLIMIT_CPU``), address space
  (``RLIMIT_AS``), no core dump (``RLIMIT_CORE`` 0: a crash leaves no image of the photo),
  no file written (``RLIMIT_FSIZE`` 0), and, where the kernel lets an unprivileged process
  do it, no network (a new user and network namespace);
* runs :func:`tips.sanitize.sanitize_image` with the tip line's budgets (scan count, pixels
  from the header, pixels per byte, decoded pixels), which refuse a pathological file
  before decoding it.

The parent kills the child after ``TIP_SANDBOX_WALL_SECONDS``. Whatever happens to the
child (killed for time, out of memory, crashed), the citizen gets a refusal naming the
file (``ImageRejected``), never a 500.

Settings: ``TIP_SANDBOX_CPU_SECONDS`` (default 4), ``TIP_SANDBOX_MEMORY_MB`` (address
space, default 384: the libraries' mappings count, not only the pixels; the budgets keep
any file they allow under 2 s of CPU and 256 MB resident),
``TIP_SANDBOX_WALL_SECONDS`` (default 10), and the budgets ``TIP_MAX_IMAGE_PIXELS``,
``TIP_IMAGE_MAX_DECODED_PIXELS``, ``TIP_IMAGE_MAX_SCANS``, ``TIP_IMAGE_MAX_PIXELS_PER_BYTE``.
"""

from __future__ import annotations

import ctypes
import json
import logging
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from typing import BinaryIO

from . import sanitize
from .sanitize import ImageRejected, SanitizedImage

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024
#: The only variables the child gets. ``MALLOC_ARENA_MAX`` keeps glibc from reserving
#: 64 MB of address space per decoder thread (which ``RLIMIT_AS`` would count).
_CHILD_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "MALLOC_ARENA_MAX": "2",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclass(frozen=True)
class Limits:
    """What the child may spend, and the budgets it applies to the file."""

    cpu_seconds: int = 4
    memory_bytes: int = 384 * 1024 * 1024
    wall_seconds: float = 10.0
    max_pixels: int = 50_000_000
    max_edge: int = sanitize.DEFAULT_MAX_EDGE
    max_decoded_pixels: int = sanitize.DEFAULT_MAX_DECODED_PIXELS
    max_scans: int = sanitize.DEFAULT_MAX_SCANS
    max_pixels_per_byte: int = sanitize.DEFAULT_MAX_PIXELS_PER_BYTE

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings  # the child (python -m tips.sandbox) runs without Django

        return cls(
            cpu_seconds=int(settings.TIP_SANDBOX_CPU_SECONDS),
            memory_bytes=int(settings.TIP_SANDBOX_MEMORY_MB) * 2**20,
            wall_seconds=float(settings.TIP_SANDBOX_WALL_SECONDS),
            max_pixels=int(settings.TIP_MAX_IMAGE_PIXELS),
            max_edge=int(settings.TIP_IMAGE_MAX_EDGE),
            max_decoded_pixels=int(settings.TIP_IMAGE_MAX_DECODED_PIXELS),
            max_scans=int(settings.TIP_IMAGE_MAX_SCANS),
            max_pixels_per_byte=int(settings.TIP_IMAGE_MAX_PIXELS_PER_BYTE),
        )


# --------------------------------------------------------------------------- parent side


def child_command(module: str = "tips.sandbox") -> list[str]:
    return [sys.executable, "-I", "-m", module]


def spawn(args: list[str]) -> subprocess.Popen:
    """Start a sandbox child: clean environment, no inherited descriptors, in ``/``."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # a decoder's messages may quote the file: dropped
        env=dict(_CHILD_ENV),
        cwd="/",
        close_fds=True,
        start_new_session=True,  # a signal to the worker's group does not reach it
    )


@dataclass(frozen=True)
class Outcome:
    """One sandbox run: the clean image or the refusal code, and what the child spent
    (``None`` when it was killed before it could say)."""

    image: SanitizedImage | None
    code: str | None
    cpu_seconds: float | None = None
    peak_bytes: int | None = None


def sanitize_in_sandbox(
    source: BinaryIO | bytes, *, limits: Limits | None = None
) -> SanitizedImage:
    """Sanitise ``source`` (bytes or a stream, read in 64 KiB pieces) in a sandbox child.

    Raises ``ImageRejected``: the file's own refusal code, ``TOO_COMPLEX`` when the child
    was killed for time, ``TOO_MANY_PIXELS`` when it ran out of memory, ``CORRUPT`` when
    it crashed, ``PROCESSING_FAILED`` when no child could be started.
    """
    outcome = run(source, limits=limits)
    if outcome.image is None:
        raise ImageRejected(outcome.code)
    return outcome.image


def run(source: BinaryIO | bytes, *, limits: Limits | None = None) -> Outcome:
    """:func:`sanitize_in_sandbox`, returning the refusal and the child's costs."""
    limits = limits or Limits.from_settings()
    try:
        proc = spawn([*child_command(), json.dumps(asdict(limits))])
    except OSError as exc:
        logger.error("image sandbox: could not start (%s)", type(exc).__name__)
        return Outcome(None, sanitize.PROCESSING_FAILED)
    timed_out = threading.Event()

    def kill():
        timed_out.set()
        proc.kill()

    watchdog = threading.Timer(limits.wall_seconds, kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        output = _exchange(proc, source)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return _verdict(output, proc.returncode, timed_out=timed_out.is_set())


def _exchange(proc: subprocess.Popen, source: BinaryIO | bytes) -> bytes:
    """Send the file, then read everything the child answers (empty if it died). The
    watchdog's kill closes the pipes, so neither step outlives the wall-clock limit."""
    try:
        if isinstance(source, bytes | bytearray):
            proc.stdin.write(source)
        else:
            while chunk := source.read(_CHUNK):
                proc.stdin.write(chunk)
        proc.stdin.close()
    except (BrokenPipeError, ValueError, OSError):  # the child died while reading
        pass
    try:
        return proc.stdout.read()
    finally:
        proc.stdout.close()


def _verdict(output: bytes, returncode: int, *, timed_out: bool) -> Outcome:
    header, _, data = output.partition(b"\n")
    try:
        answer = json.loads(header) if header else None
    except ValueError:
        answer = None
    if returncode == 0 and isinstance(answer, dict):
        costs = (float(answer.get("cpu_seconds", 0)), int(answer.get("peak_bytes", 0)))
        if answer.get("ok") and len(data) == answer.get("length"):
            image = SanitizedImage(
                data=data,
                content_type=str(answer["content_type"]),
                extension=str(answer["extension"]),
                width=int(answer["width"]),
                height=int(answer["height"]),
            )
            return Outcome(image, None, *costs)
        if answer.get("code") in sanitize.CODES:
            return Outcome(None, answer["code"], *costs)
    if timed_out or returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        code = sanitize.TOO_COMPLEX  # over its time (wall clock or CPU)
    elif returncode == _EXIT_NO_MEMORY:
        code = sanitize.TOO_MANY_PIXELS
    else:
        code = sanitize.CORRUPT  # the decoder crashed on this file
    logger.warning("image sandbox: refused after the child ended with status %s", returncode)
    return Outcome(None, code)


# --------------------------------------------------------------------------- child side

_EXIT_NO_MEMORY = 3


def _limit_self(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    _leave_network()


def _leave_network() -> None:
    """Best effort: a new user + network namespace (only a loopback that is down), so a
    decoder exploit cannot reach the database or Redis. Kernels that forbid unprivileged
    namespaces leave the child as it is (the other limits still apply)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        clone_newuser, clone_newnet = 0x10000000, 0x40000000
        libc.unshare(clone_newuser | clone_newnet)
    except (OSError, AttributeError):
        pass


def _own_costs() -> dict:
    """CPU seconds and peak resident memory of this child so far (for ``make bench``)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = 0
    try:  # VmHWM: this process's own peak (ru_maxrss also counts the parent before exec)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        peak = usage.ru_maxrss * 1024
    return {"cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_bytes": peak}


def _answer(header: dict, data: bytes = b"") -> None:
    header = {**header, **_own_costs()}
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode() + b"\n")
    out.write(data)
    out.flush()


def main(argv: list[str]) -> int:
    limits = Limits(**json.loads(argv[0]))
    _limit_self(limits)
    try:
        data = sys.stdin.buffer.read()
        image = sanitize.sanitize_image(
            data,
            max_pixels=limits.max_pixels,
            max_edge=limits.max_edge,
            max_decoded_pixels=limits.max_decoded_pixels,
            max_scans=limits.max_scans,
            max_pixels_per_byte=limits.max_pixels_per_byte,
        )
        del data
    except ImageRejected as rejected:
        _answer({"ok": False, "code": rejected.code})
        return 0
    except MemoryError:
        return _EXIT_NO_MEMORY
    _answer(
        {
            "ok": True,
            "content_type": image.content_type,
            "extension": image.extension,
            "width": image.width,
            "height": image.height,
            "length": len(image.data),
        },
        image.data,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
