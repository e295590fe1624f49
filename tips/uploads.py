"""An upload handler that encrypts tip attachments as they arrive.

Django's default handlers keep small uploads in memory and write larger ones (over
``FILE_UPLOAD_MAX_MEMORY_SIZE``) to a plaintext temporary file. For the tip form,
:class:`EncryptingUploadHandler` instead encrypts each chunk as it is received, with a
random key that exists only in memory, into an anonymous temporary file: only ciphertext
ever touches the disk, and the file disappears when closed (or when the process dies).

Limits (``TIP_MAX_FILES``, ``TIP_MAX_FILE_BYTES``, ``TIP_MAX_TOTAL_BYTES``, and a minimum
average rate ``TIP_UPLOAD_MIN_BYTES_PER_SECOND`` after ``TIP_UPLOAD_GRACE_SECONDS`` with an
overall ``TIP_UPLOAD_DEADLINE_SECONDS``) are enforced while reading: an offending file is
skipped (its bytes are read and dropped, never stored; a too slow upload stops there) and
the violation recorded on ``request.tip_upload_errors`` as ``(file name, code)``, so the
view can re-show the form with a message instead of failing. The text fields of the form
are still parsed.

Installing the handler: it must be set before anything reads ``request.POST`` or
``request.FILES`` -- and ``CsrfViewMiddleware`` reads ``request.POST`` before the view
runs. So the view is exempted from the middleware and protected by ``csrf_protect``
after the handler is installed; :func:`encrypting_uploads` does exactly this::

    @encrypting_uploads              # outermost: csrf_exempt + handler + csrf_protect
    @sensitive_post_parameters()
    @never_cache
    def submit(request): ...

which is equivalent to::

    @csrf_exempt
    def submit(request):
        request.upload_handlers = [EncryptingUploadHandler(request)]
        return _submit(request)       # decorated with @csrf_protect

Uploaded files arrive as :class:`EncryptedTemporaryUploadedFile`: its ``read()`` and
``chunks()`` return ciphertext; use :meth:`~EncryptedTemporaryUploadedFile.open_plaintext`
to read the plaintext as a (seekable) stream, decrypted one chunk at a time.
"""

from __future__ import annotations

import functools
import io
import logging
import tempfile
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import crypto
from .attachments import discard_staged, stage_attachment
from .sandbox import sanitize_in_sandbox
from .sanitize import CORRUPT, ImageRejected, SanitizedImage

logger = logging.getLogger(__name__)

#: Error codes recorded on ``request.tip_upload_errors``.
TOO_MANY_FILES = "too_many_files"
FILE_TOO_LARGE = "file_too_large"
TOTAL_TOO_LARGE = "total_too_large"
#: The upload came in below the minimum rate or past the overall deadline.
TOO_SLOW = "too_slow"


def _new_spool_file():
    """An anonymous temporary file (no name on disk where the OS supports it)."""
    return tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115


class EncryptedTemporaryUploadedFile(UploadedFile):
    """An uploaded file held encrypted in an anonymous temporary file.

    ``size`` is the plaintext size. ``read()``/``chunks()`` give ciphertext; call
    :meth:`open_plaintext` for the plaintext. The key lives only on this object.
    """

    def __init__(self, file, key, name, content_type, size, charset, content_type_extra=None):
        super().__init__(file, name, content_type, size, charset, content_type_extra)
        self._key = key

    def open_plaintext(self) -> crypto.SeekableDecryptingReader:
        """A fresh plaintext reader (at the start of the file) that can also seek, so an
        image decoder reads it in place instead of buffering the whole upload in memory.
        Closing it leaves the encrypted file open (the upload can be re-read)."""
        return crypto.SeekableDecryptingReader(self.file, self._key)

    def close(self):
        try:
            return self.file.close()
        except FileNotFoundError:  # pragma: no cover
            pass


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt every uploaded file chunk by chunk; enforce the tip-line upload limits."""

    def __init__(self, request=None):
        super().__init__(request)
        self.max_files = settings.TIP_MAX_FILES
        self.max_file_bytes = settings.TIP_MAX_FILE_BYTES
        self.max_total_bytes = settings.TIP_MAX_TOTAL_BYTES
        self.errors: list[tuple[str, str]] = []
        if request is not None:
            request.tip_upload_errors = self.errors
        self.files_seen = 0
        self.total_bytes = 0
        self._spool = None
        self._reset_current()
        # A body trickling in holds a worker thread: below the minimum average rate (after
        # a grace period) or past the deadline, the upload stops and the form is shown again
        # with the text received so far (the fields before the photos).
        self._started = time.monotonic()
        self.min_rate = int(settings.TIP_UPLOAD_MIN_BYTES_PER_SECOND)
        self.grace = float(settings.TIP_UPLOAD_GRACE_SECONDS)
        self.deadline = float(settings.TIP_UPLOAD_DEADLINE_SECONDS)

    def _check_pace(self, arriving: int = 0):
        elapsed = time.monotonic() - self._started
        received = self.total_bytes + arriving
        too_slow = elapsed > self.grace and received < self.min_rate * elapsed
        if too_slow or elapsed > self.deadline:
            self.errors.append((self.file_name or "", TOO_SLOW))
            self._discard_current()
            raise StopUpload(connection_reset=True)

    def _reset_current(self):
        self._encryptor = None
        self._key = None
        self._size = 0

    def _refuse(self, code: str):
        self.errors.append((self.file_name or "", code))
        self._discard_current()
        raise SkipFile()

    def _discard_current(self):
        if self._spool is not None:
            self._spool.close()
        self._spool = None
        self._reset_current()

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self._check_pace()
        self.files_seen += 1
        if self.files_seen > self.max_files:
            self._refuse(TOO_MANY_FILES)
        if content_length is not None and content_length > self.max_file_bytes:
            self._refuse(FILE_TOO_LARGE)
        self._key = crypto.new_attachment_key()
        self._encryptor = crypto.AttachmentEncryptor(self._key)
        # Not named ``file``: the multipart parser closes ``handler.file`` on every skip.
        self._spool = _new_spool_file()
        self._spool.write(self._encryptor.header())

    def receive_data_chunk(self, raw_data, start):
        if self._encryptor is None:  # pragma: no cover - file already refused
            raise SkipFile()
        self._check_pace(len(raw_data))
        if self._size + len(raw_data) > self.max_file_bytes:
            self._refuse(FILE_TOO_LARGE)
        if self.total_bytes + len(raw_data) > self.max_total_bytes:
            self._refuse(TOTAL_TOO_LARGE)
        self._size += len(raw_data)
        self.total_bytes += len(raw_data)
        self._spool.write(self._encryptor.update(raw_data))
        return None  # consumed: no later handler sees the plaintext

    def file_complete(self, file_size):
        if self._encryptor is None:
            return None
        self._spool.write(self._encryptor.finalize())
        self._spool.flush()
        self._spool.seek(0)
        uploaded = EncryptedTemporaryUploadedFile(
            file=self._spool,
            key=self._key,
            name=self.file_name,
            content_type=self.content_type,
            size=self._size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        self._spool = None
        self._reset_current()
        return uploaded

    def upload_interrupted(self):
        self._discard_current()


def sanitize_upload(uploaded: EncryptedTemporaryUploadedFile) -> SanitizedImage:
    """Sanitise an encrypted upload in the image sandbox (``tips.sandbox``) under the
    tip-line settings.

    The upload is decrypted 64 KiB at a time straight into the sandbox's pipe: never
    copied whole into this process's memory, never written in clear. Raises
    ``ImageRejected`` or, if the encrypted spool was damaged, ``crypto.CryptoError``.
    """
    with uploaded.open_plaintext() as plaintext:
        return sanitize_in_sandbox(plaintext)


def display_name(index: int, extension: str) -> str:
    """The stored photo's name: ``photo-1.jpg``, ``photo-2.png``... never the citizen's own
    (``IMG_20261130_142200.jpg`` carries the capture time, others a name or a place)."""
    return f"photo-{index}.{extension}"


@dataclass
class PhotoBatch:
    """What :func:`stage_photos` made of the uploaded photos.

    ``staged``: the encrypted files now in storage (empty whenever ``refused`` is not: the
    whole batch is refused). ``refused``: one ``(file name, code)`` pair per refused file,
    the code one of ``tips.sanitize``'s; the view turns them into messages
    (``forms.attachment_error_messages``), as it does ``request.tip_upload_errors``.
    """

    staged: list = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def stage_photos(
    uploaded_files, *, log_label: str, log: logging.Logger | None = None
) -> PhotoBatch:
    """Sanitise every uploaded photo and stage (encrypt into storage) the clean ones.

    The batch is all or nothing: if any photo is refused, the photos already staged are
    deleted and ``PhotoBatch.staged`` is empty; the remaining photos are still checked so
    every refused file is reported. Each clean photo is staged as soon as it is
    sanitised, so at most one re-encoded photo is in memory at a time. If staging raises
    (storage down), the files staged so far are deleted before the exception propagates.

    A damaged encrypted spool is logged (exception class only) on ``log`` as
    ``"<log_label>: unreadable upload spool (<class>)"`` and reported as a corrupt file.
    """
    log = log or logger
    staged = []
    refused = []
    try:
        for uploaded in uploaded_files:
            try:
                image = sanitize_upload(uploaded)
            except ImageRejected as rejected:
                refused.append((uploaded.name, rejected.code))
                continue
            except crypto.CryptoError as exc:  # the encrypted spool file was damaged
                log.error("%s: unreadable upload spool (%s)", log_label, type(exc).__name__)
                refused.append((uploaded.name, CORRUPT))
                continue
            if refused:  # the batch is refused anyway: do not store this one
                continue
            staged.append(
                stage_attachment(
                    io.BytesIO(image.data),
                    name=display_name(len(staged) + 1, image.extension),
                    content_type=image.content_type,
                )
            )
            del image
    except BaseException:
        discard_staged(staged)
        raise
    if refused:
        discard_staged(staged)
        return PhotoBatch(staged=[], refused=refused)
    return PhotoBatch(staged=staged)


def encrypting_uploads(view):
    """Decorate a view so POSTed files go through :class:`EncryptingUploadHandler`,
    keeping CSRF protection (see the module docstring for why both are needed)."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            request.upload_handlers = [EncryptingUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)
