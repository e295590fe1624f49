import logging

import pytest

from mostwanted.logging import ExceptionClassFormatter, NoClientAddressFilter, redact_addresses

pytestmark = pytest.mark.django_db

CLIENT_V4 = "203.0.113.77"
CLIENT_V6 = "2001:db8:abcd:12::77"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(NoClientAddressFilter())
        self.setFormatter(ExceptionClassFormatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))
        self.lines.append(repr(vars(record)))


@pytest.fixture
def captured():
    handler = _Capture()
    root = logging.getLogger()
    loggers = [root, logging.getLogger("django"), logging.getLogger("django.request")]
    old_level = root.level
    for logger in loggers:
        logger.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    root.setLevel(old_level)


def test_redaction_replaces_v4_and_v6_but_keeps_versions_and_times():
    text = f"from {CLIENT_V4} and [{CLIENT_V6}] at 12:30:01 wagtail 7.4.4"
    redacted = redact_addresses(text)
    assert CLIENT_V4 not in redacted and CLIENT_V6 not in redacted
    assert "12:30:01" in redacted and "7.4.4" in redacted


def test_requests_from_a_known_address_leave_it_in_no_log_record(client, captured):
    for path in ("/", "/healthz", "/missing-page/", "/admin/"):
        client.get(
            path,
            REMOTE_ADDR=CLIENT_V4,
            HTTP_X_FORWARDED_FOR=f"{CLIENT_V4}, {CLIENT_V6}",
            HTTP_X_REAL_IP=CLIENT_V4,
        )
    logging.getLogger("django.request").warning("Not Found: from %s", CLIENT_V4)
    logging.getLogger("mostwanted").info("client %s via %s", CLIENT_V6, CLIENT_V4)
    assert captured.lines, "the capture saw no record at all"
    everything = "\n".join(captured.lines)
    assert CLIENT_V4 not in everything
    assert CLIENT_V6 not in everything


def test_exception_messages_are_not_logged(captured):
    secret = "canary-secret-in-exception-message"
    try:
        raise ValueError(secret)
    except ValueError:
        logging.getLogger("mostwanted").exception("it failed")
    everything = "\n".join(captured.lines)
    assert "ValueError" in everything
    assert secret not in captured.lines[0]
