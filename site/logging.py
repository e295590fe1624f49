"""Logging that never records a client address, a request body or an exception message.

* ``NoClientAddressFilter`` rewrites every record: IPv4/IPv6 addresses in the message are
  replaced and request objects attached by Django are dropped (they carry REMOTE_ADDR).
* ``ExceptionClassFormatter`` prints tracebacks with the exception class only: a message can
  carry a secret (SecureDrop's habit).
* ``RedactingExceptionReporterFilter`` keeps request data out of error reports.
"""

import ipaddress
import logging
import re
import traceback

from django.views.debug import SafeExceptionReporterFilter

_IPV4 = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])"
_IPV6 = r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])"
_ADDRESS = re.compile(f"{_IPV4}|{_IPV6}")
REDACTED = "[address]"
_REQUEST_ATTRIBUTES = ("request", "client_addr", "remote_addr", "ip")


def _looks_like_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def redact_addresses(text: str) -> str:
    """Replace every IPv4/IPv6 address in ``text``."""
    return _ADDRESS.sub(lambda m: REDACTED if _looks_like_address(m.group()) else m.group(), text)


class NoClientAddressFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact_addresses(message)
        record.args = None
        for name in _REQUEST_ATTRIBUTES:
            if hasattr(record, name):
                setattr(record, name, None)
        # gunicorn's access logger passes a dict of atoms; drop the address atoms.
        return True


class ExceptionClassFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 (logging's API)
        exc_type, _exc, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = getattr(exc_type, "__qualname__", str(exc_type))
        return f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{name}"

    def format(self, record: logging.LogRecord) -> str:
        # Never reuse a cached exc_text produced by another formatter with the message.
        record.exc_text = None
        return super().format(record)


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        return {}

    def get_safe_request_meta(self, request):
        return {}

    def get_safe_settings(self):
        return {}

    def get_traceback_frame_variables(self, request, tb_frame):
        return []
