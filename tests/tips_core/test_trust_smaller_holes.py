"""Smaller holes of issue 14: ML-KEM fallback refused in production, no task traceback kept."""

import pytest

from tips import crypto, keys, trust


def test_new_keys_without_ml_kem_are_refused_when_required(
    settings, make_investigator, monkeypatch
):
    settings.TIP_REQUIRE_HYBRID_SUITE = True
    real = crypto.generate_keypair
    monkeypatch.setattr(crypto, "generate_keypair", lambda suite=None: real(crypto.SUITE_X25519))
    with pytest.raises(trust.TrustError, match="ML-KEM"):
        make_investigator("late")
    settings.TIP_REQUIRE_HYBRID_SUITE = False
    assert make_investigator("fine")


def test_hybrid_keys_pass_the_check(settings, make_investigator):
    settings.TIP_REQUIRE_HYBRID_SUITE = True
    if crypto.DEFAULT_SUITE != crypto.SUITE_HYBRID:
        pytest.skip("this cryptography build lacks ML-KEM")
    user = make_investigator("pq")
    assert keys.InvestigatorKey.objects.get(user=user).suite == crypto.SUITE_HYBRID


@pytest.mark.django_db
def test_failed_task_keeps_no_traceback():
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        task_path="tips.tasks.notify_desk_new_tip",
        args_kwargs={"args": [1], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        priority=0,
    )
    try:
        raise ValueError("desk Fugitives A")
    except ValueError as exc:
        row.set_failed(exc)
    row.refresh_from_db()
    assert row.exception_class_path == "builtins.ValueError"
    assert row.traceback == ""
