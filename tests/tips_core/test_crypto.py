"""The crypto module: round trips, absence of plaintext, and failures as the module's errors."""

import io
import os

import pytest

from tips import crypto

FAST = {"memory_cost": 64, "iterations": 1, "lanes": 1}
CANARY = b"CANARY-7f3a-the-suspect-drives-a-blue-van"


@pytest.fixture(scope="module")
def desk():
    return crypto.generate_keypair()


@pytest.fixture(scope="module")
def recovery():
    return crypto.generate_keypair()


def test_default_suite_is_hybrid_post_quantum():
    assert crypto.DEFAULT_SUITE == crypto.SUITE_HYBRID
    assert set(crypto.supported_suites()) == {crypto.SUITE_HYBRID, crypto.SUITE_X25519}


@pytest.mark.parametrize("suite", [crypto.SUITE_HYBRID, crypto.SUITE_X25519])
def test_keypair_public_matches_private(suite):
    kp = crypto.generate_keypair(suite)
    assert kp.suite == suite
    assert crypto.public_key_for(suite, kp.private_key) == kp.public_key
    assert "private_key" not in repr(kp)


def test_seal_round_trip_for_every_recipient(desk, recovery):
    env = crypto.seal(CANARY, [desk.recipient, recovery.recipient], context=b"tip:T-1")
    for kp in (desk, recovery):
        out = crypto.open_sealed(
            env, key_id=kp.recipient.key_id, private_key=kp.private_key, context=b"tip:T-1"
        )
        assert out == CANARY
    assert CANARY not in env
    assert crypto.envelope_recipients(env) == [
        (desk.recipient.key_id, desk.suite),
        (recovery.recipient.key_id, recovery.suite),
    ]


def test_seal_with_classical_suite_round_trip():
    kp = crypto.generate_keypair(crypto.SUITE_X25519)
    env = crypto.seal(CANARY, [kp.recipient], context=b"c")
    assert CANARY not in env
    assert (
        crypto.open_sealed(
            env, key_id=kp.recipient.key_id, private_key=kp.private_key, context=b"c"
        )
        == CANARY
    )


def test_wrong_key_raises(desk):
    other = crypto.generate_keypair()
    env = crypto.seal(CANARY, [desk.recipient], context=b"c")
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            env, key_id=desk.recipient.key_id, private_key=other.private_key, context=b"c"
        )
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            env, key_id=other.recipient.key_id, private_key=other.private_key, context=b"c"
        )


def test_wrong_context_raises(desk):
    env = crypto.seal(CANARY, [desk.recipient], context=b"tip:T-1")
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            env, key_id=desk.recipient.key_id, private_key=desk.private_key, context=b"tip:T-2"
        )


def test_every_tampered_byte_raises(desk):
    env = crypto.seal(b"short secret", [desk.recipient], context=b"c")
    # Flip one bit at a sample of positions across the header, wrap and body.
    for pos in list(range(0, len(env), 97)) + [len(env) - 1]:
        bad = bytearray(env)
        bad[pos] ^= 0x01
        with pytest.raises(crypto.CryptoError):
            crypto.open_sealed(
                bytes(bad), key_id=desk.recipient.key_id, private_key=desk.private_key, context=b"c"
            )


def test_truncated_envelope_raises(desk):
    env = crypto.seal(CANARY, [desk.recipient], context=b"c")
    for n in (0, 3, 10, len(env) - 1):
        with pytest.raises(crypto.DecryptionError):
            crypto.open_sealed(
                env[:n], key_id=desk.recipient.key_id, private_key=desk.private_key, context=b"c"
            )


def test_wrong_suite_raises(desk):
    with pytest.raises(crypto.UnsupportedSuiteError):
        crypto.seal(CANARY, [crypto.Recipient("k", "hpke-rot13", desk.public_key)], context=b"c")
    with pytest.raises(crypto.UnsupportedSuiteError):
        crypto.generate_keypair("hpke-rot13")
    # A suite id rewritten in the envelope (same length) is refused as unsupported.
    env = crypto.seal(CANARY, [desk.recipient], context=b"c")
    bad = env.replace(
        crypto.SUITE_HYBRID.encode(), crypto.SUITE_HYBRID.replace("aes", "xyz").encode()
    )
    with pytest.raises(crypto.UnsupportedSuiteError):
        crypto.open_sealed(
            bad, key_id=desk.recipient.key_id, private_key=desk.private_key, context=b"c"
        )
    # A classical key offered for a hybrid entry does not open it.
    classical = crypto.generate_keypair(crypto.SUITE_X25519)
    with pytest.raises(crypto.DecryptionError):
        crypto.open_sealed(
            env, key_id=desk.recipient.key_id, private_key=classical.private_key, context=b"c"
        )


def test_recipients_are_required_and_unique(desk):
    with pytest.raises(crypto.CryptoError):
        crypto.seal(CANARY, [], context=b"c")
    with pytest.raises(crypto.CryptoError):
        crypto.seal(CANARY, [desk.recipient, desk.recipient], context=b"c")


def test_wrap_for_recipient_round_trip(desk):
    secret = os.urandom(96)
    blob = crypto.wrap_for_recipient(secret, desk.recipient)
    assert secret not in blob
    assert crypto.unwrap_for_recipient(blob, desk.recipient.key_id, desk.private_key) == secret
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_for_recipient(blob, desk.recipient.key_id, desk.private_key, context=b"other")


def test_passphrase_round_trip_and_wrong_passphrase():
    secret = os.urandom(96)
    blob = crypto.wrap_with_passphrase(secret, "correct horse battery", params=FAST)
    assert secret not in blob
    assert crypto.unwrap_with_passphrase(blob, "correct horse battery") == secret
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_with_passphrase(blob, "correct horse batterY")
    bad = bytearray(blob)
    bad[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_with_passphrase(bytes(bad), "correct horse battery")
    # Parameters travel in the blob: tampering with them fails too.
    bad = bytearray(blob)
    bad[11] ^= 1  # iterations
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_with_passphrase(bytes(bad), "correct horse battery")


def test_passphrase_defaults_are_strong():
    assert crypto.PASSPHRASE_PARAMS["memory_cost"] >= 64 * 1024
    assert crypto.PASSPHRASE_PARAMS["iterations"] >= 3


def test_absurd_argon2_params_from_a_forged_blob_are_refused():
    blob = crypto.wrap_with_passphrase(b"x", "p", params=FAST)
    forged = blob[:4] + (2**31).to_bytes(4, "big") + blob[8:]
    with pytest.raises(crypto.CryptoError):
        crypto.unwrap_with_passphrase(forged, "p")


def test_receipt_hash_is_deterministic_normalised_and_constant_time_checked():
    salt = b"installation-salt"
    d1 = crypto.hash_receipt("1234 5678-9012", salt=salt, params=FAST)
    assert d1 == crypto.hash_receipt("123456789012", salt=salt, params=FAST)
    assert len(d1) == 32
    assert crypto.receipt_matches("1234-5678-9012", d1, salt=salt, params=FAST)
    assert not crypto.receipt_matches("1234-5678-9013", d1, salt=salt, params=FAST)
    assert crypto.hash_receipt("123456789012", salt=b"other-salt", params=FAST) != d1


def test_receipt_keypair_is_deterministic_and_opens_messages():
    salt = os.urandom(16)
    kp = crypto.derive_receipt_keypair("1111 2222 3333", salt, params=FAST)
    again = crypto.derive_receipt_keypair("111122223333", salt, params=FAST)
    assert kp == again
    assert crypto.derive_receipt_keypair("111122223334", salt, params=FAST) != kp
    assert crypto.derive_receipt_keypair("111122223333", os.urandom(16), params=FAST) != kp
    env = crypto.seal(CANARY, [kp.recipient], context=b"msg")
    assert (
        crypto.open_sealed(
            env, key_id=again.recipient.key_id, private_key=again.private_key, context=b"msg"
        )
        == CANARY
    )


# --------------------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    "size",
    [
        0,
        1,
        100,
        crypto.CHUNK_SIZE - 1,
        crypto.CHUNK_SIZE,
        crypto.CHUNK_SIZE + 1,
        3 * crypto.CHUNK_SIZE,
        200_001,
    ],
)
def test_attachment_stream_round_trip(size):
    key = crypto.new_attachment_key()
    plain = (CANARY * (size // len(CANARY) + 1))[:size]
    reader = crypto.EncryptingReader(io.BytesIO(plain), key)
    ct = reader.read()
    assert len(ct) == crypto.encrypted_size(size)
    assert reader.plaintext_size == size
    if size >= len(CANARY):
        assert CANARY not in ct
    assert crypto.DecryptingReader(io.BytesIO(ct), key).read() == plain


def test_push_encryptor_matches_format_and_small_reads_work():
    key = crypto.new_attachment_key()
    plain = os.urandom(150_000)
    enc = crypto.AttachmentEncryptor(key)
    parts = [enc.header()]
    for i in range(0, len(plain), 7777):
        parts.append(enc.update(plain[i : i + 7777]))
    parts.append(enc.finalize())
    ct = b"".join(parts)
    reader = crypto.DecryptingReader(io.BytesIO(ct), key)
    out = bytearray()
    while chunk := reader.read(1000):
        out += chunk
    assert bytes(out) == plain


@pytest.mark.parametrize("read_size", [1000, crypto.CHUNK_SIZE, 1024 * 1024 + 3])
@pytest.mark.parametrize("out_size", [1, 65_000, 1024 * 1024])
def test_large_reads_and_any_split_give_one_well_formed_stream(read_size, out_size):
    # The resumable upload reads 1 MiB of a request body at a time and hands 1 MiB pieces
    # to the store: same stream format, every byte back, whatever the read sizes.
    key = crypto.new_attachment_key()
    plain = os.urandom(3 * 1024 * 1024 + 12_345)
    reader = crypto.EncryptingReader(io.BytesIO(plain), key, read_size=read_size)
    pieces = []
    while piece := reader.read(out_size):
        assert len(piece) <= out_size
        pieces.append(piece)
    ct = b"".join(pieces)
    assert len(ct) == crypto.encrypted_size(len(plain))
    assert all(len(p) == out_size for p in pieces[:-1])  # full reads until the end (S3 parts)
    assert crypto.DecryptingReader(io.BytesIO(ct), key).read() == plain
    enc = crypto.AttachmentEncryptor(key)
    pushed = [enc.header()]
    for i in range(0, len(plain), 99_991):
        pushed.extend(enc.update_pieces(plain[i : i + 99_991]))
    pushed.append(enc.finalize())
    assert crypto.DecryptingReader(io.BytesIO(b"".join(pushed)), key).read() == plain


def _encrypt(plain, key, chunk_size=crypto.CHUNK_SIZE):
    return crypto.EncryptingReader(io.BytesIO(plain), key, chunk_size=chunk_size).read()


def test_attachment_truncated_at_chunk_boundary_raises():
    key = crypto.new_attachment_key()
    ct = _encrypt(os.urandom(3 * 1024), key, chunk_size=1024)
    # header (16) + 3 full chunks of 1040 bytes, the third flagged last
    assert len(ct) == 16 + 3 * 1040
    for cut in (16 + 1040, 16 + 2 * 1040, len(ct) - 1, 16, 10):
        with pytest.raises(crypto.DecryptionError):
            crypto.DecryptingReader(io.BytesIO(ct[:cut]), key).read()


def test_attachment_tampered_reordered_or_wrong_key_raises():
    key = crypto.new_attachment_key()
    ct = _encrypt(os.urandom(4000), key, chunk_size=1024)
    bad = bytearray(ct)
    bad[2000] ^= 0x80
    with pytest.raises(crypto.DecryptionError):
        crypto.DecryptingReader(io.BytesIO(bytes(bad)), key).read()
    swapped = ct[:16] + ct[16 + 1040 : 16 + 2080] + ct[16 : 16 + 1040] + ct[16 + 2080 :]
    with pytest.raises(crypto.DecryptionError):
        crypto.DecryptingReader(io.BytesIO(swapped), key).read()
    with pytest.raises(crypto.DecryptionError):
        crypto.DecryptingReader(io.BytesIO(ct), crypto.new_attachment_key()).read()
    with pytest.raises(crypto.DecryptionError):
        crypto.DecryptingReader(io.BytesIO(b"not an attachment at all"), key).read()


def test_encrypting_reader_works_as_django_file_content(tmp_path):
    from django.core.files import File
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=str(tmp_path))
    key = crypto.new_attachment_key()
    plain = CANARY * 50_000  # ~2 MB
    name = storage.save("blob", File(crypto.EncryptingReader(io.BytesIO(plain), key)))
    stored = (tmp_path / name).read_bytes()
    assert CANARY not in stored
    with storage.open(name, "rb") as fh:
        assert crypto.DecryptingReader(fh, key).read() == plain


def test_module_does_not_import_django():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(crypto))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(n.startswith("django") for n in names)
