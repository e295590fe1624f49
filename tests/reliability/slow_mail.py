"""A file e-mail backend that is slow to send, so a test can kill the worker mid-send."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(os.environ["RELIABILITY_MAIL_DIR"]).parent / "sending"
        marker.write_text(str(os.getpid()))
        time.sleep(float(os.environ.get("RELIABILITY_MAIL_DELAY", "3")))
        return super().send_messages(email_messages)
