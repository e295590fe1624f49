"""Desk membership and keys, the audit log, purges (supervisors; grants by key holders)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from wagtail.models import Locale

from appeals.models import Desk
from tips import audit, fingerprints, health, memberships, retention, triage, trust, vault
from tips import keys as keys_module
from tips.admin import audit_display
from tips.admin.forms import VaultSetupForm
from tips.memberships import eligible_members
from tips.models import (
    DeskKey,
    DeskKeyWrap,
    DeskMembership,
    InvestigatorKey,
    MembershipProposal,
    Tip,
    TipAuditEntry,
)
from tips.permissions import tip_policy
from tips.readers import remove_view


def _desks_for(user):
    desks = Desk.objects.filter(locale=Locale.get_default())
    if not tip_policy.is_supervisor(user):
        desks = desks.filter(pk__in=tip_policy.member_desk_ids(user))
    return desks.order_by("name")


@never_cache
def members(request):
    user = request.user
    if not (tip_policy.is_supervisor(user) or tip_policy.member_desk_ids(user)):
        raise PermissionDenied
    try:
        keys = vault.desk_keys(request) or {}
    except vault.VaultUnavailable:
        keys = {}
    desks = list(_desks_for(user))
    active_keys = {dk.desk_id: dk for dk in DeskKey.objects.filter(desk__in=desks, active=True)}
    wrapped = set(
        DeskKeyWrap.objects.filter(desk_key__in=active_keys.values()).values_list(
            "desk_key_id", "user_id"
        )
    )
    with_vault = set(InvestigatorKey.objects.values_list("user_id", flat=True))
    rows = []
    for desk in desks:
        dk = active_keys.get(desk.pk)
        desk_memberships = DeskMembership.objects.filter(desk=desk).select_related("user")
        rows.append(
            {
                "desk": desk,
                "holds_key": dk is not None and dk.pk in keys,
                "can_grant": tip_policy.can_grant(user, desk) and dk is not None and dk.pk in keys,
                "members": [
                    {
                        "user": m.user,
                        "active": m.is_active,
                        "has_vault": m.user_id in with_vault,
                        "has_key": dk is not None and (dk.pk, m.user_id) in wrapped,
                    }
                    for m in desk_memberships
                ],
            }
        )

    candidates = list(_eligible_members().order_by("username"))
    for row in rows:  # proposing someone already in the desk would only be refused
        current = {m["user"].pk for m in row["members"] if m["active"]}
        row["candidates"] = [u for u in candidates if u.pk not in current]
    proposals = [
        {"proposal": p, "can_decide": memberships.can_decide(user, p)}
        for p in memberships.pending_for(desks)
    ]
    for row in rows:
        for m in row["members"]:
            m["fingerprint"] = fingerprints.short(m["user"]) if m["has_vault"] else ""
    for item in proposals:
        item["fingerprint"] = fingerprints.short(item["proposal"].user)
    response = TemplateResponse(
        request,
        "tips/admin/members.html",
        {
            "page_title": _("Desk members and keys"),
            "rows": rows,
            "candidates": candidates,
            "proposals": proposals,
            "is_supervisor": tip_policy.is_supervisor(user),
            # Unlocked with no desk key yet (a supervisor, say) is still unlocked.
            "unlocked": vault.is_unlocked(request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _eligible_members():
    """Only active members of the Investigators group may join a desk: never an editor."""

    return eligible_members()


def _target(request, *, joining: bool):
    """The desk and the person of a grant (an eligible investigator) or of a revocation
    (a current member: revoking anyone else is a 404 and never rotates the key)."""

    desk = get_object_or_404(Desk, pk=request.POST.get("desk")).canonical()
    if joining:
        member = get_object_or_404(_eligible_members(), pk=request.POST.get("user"))
    else:
        membership = get_object_or_404(
            DeskMembership, desk=desk, user_id=request.POST.get("user"), is_active=True
        )
        member = membership.user
    return desk, member


@require_POST
def grant(request):
    """A key holder proposes a new member (a different supervisor approves, see
    tips.memberships), or wraps the desk keys they hold to an approved member (after
    typing the member's short key fingerprint, tips.fingerprints)."""

    user = request.user
    desk, member = _target(request, joining=True)
    if not tip_policy.can_grant(user, desk):
        raise PermissionDenied  # only a member holding the key: never a supervisor alone
    try:
        granter_keys = vault.desk_keys(request) or {}
    except vault.VaultUnavailable:
        granter_keys = {}
    if not DeskMembership.objects.filter(desk=desk, user=member, is_active=True).exists():
        try:
            memberships.propose(
                desk=desk, candidate=member, proposer=user, unlocked_keys=granter_keys
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Proposed. A supervisor (not you) must approve."))
        return redirect(reverse("tips_admin:members"))
    if not fingerprints.confirmed(member, request.POST.get("fingerprint", "")):
        # The granter confirms which key the desk key goes to.
        messages.error(request, memberships.FINGERPRINT_REFUSED)
        return redirect(reverse("tips_admin:members"))
    try:
        wraps = keys_module.grant_desk_access(
            desk=desk, member=member, granter_desk_keys=granter_keys
        )
    except trust.TrustError:
        messages.error(
            request,
            _("This member's key was changed outside the application: nothing was granted."),
        )
        return redirect(reverse("tips_admin:members"))
    except keys_module.VaultNotSetUp:
        messages.warning(
            request,
            _("Membership recorded. %(user)s must set up a vault; then grant the key again.")
            % {"user": member.get_username()},
        )
        wraps = []
    else:
        if wraps:
            messages.success(request, _("Access granted."))
        else:
            messages.warning(
                request,
                _(
                    "Membership recorded, but no key was passed on: a member who has the desk "
                    "unlocked must grant it."
                ),
            )
    tip_policy.forget(member)
    audit.record(member, "tips.grant", user=user, data={"desk": desk.pk, "wraps": len(wraps)})
    return redirect(reverse("tips_admin:members"))


@require_POST
def decide(request, pk):
    """A supervisor other than the proposer and the candidate approves or rejects."""

    proposal = get_object_or_404(MembershipProposal, pk=pk, state="pending")
    if not memberships.can_decide(request.user, proposal):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    try:
        memberships.decide(
            proposal,
            supervisor=request.user,
            approve=approve,
            fingerprint=request.POST.get("fingerprint", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("tips_admin:members"))
    if approve:
        messages.success(request, _("Approved: a member holding the desk key can now grant it."))
    else:
        messages.success(request, _("Rejected."))
    return redirect(reverse("tips_admin:members"))


@require_POST
def revoke(request):
    user = request.user
    desk, member = _target(request, joining=False)
    if not tip_policy.can_manage_members(user, desk):
        raise PermissionDenied
    try:
        triage.desk_member_remove(actor=user, desk=desk, member=member)
    except keys_module.KeyManagementError:
        messages.error(request, _("The desk key could not be rotated (no recovery key)."))
        return redirect(reverse("tips_admin:members"))
    messages.success(request, _("Member removed; the desk key was rotated for future tips."))
    return redirect(reverse("tips_admin:members"))


@never_cache
@sensitive_post_parameters("passphrase", "passphrase2")
def reset_vault(request, user_pk):
    """Forgotten passphrase: a supervisor who holds the desk keys gives the member a new
    key pair under a temporary passphrase, and re-wraps the desk keys to it."""

    user = request.user
    member = get_object_or_404(get_user_model(), pk=user_pk, is_active=True)
    if not tip_policy.can_reset_vault(user, member):
        raise PermissionDenied
    form = VaultSetupForm(request.POST or None, user=member)
    if request.method == "POST" and form.is_valid():
        try:
            granter_keys = vault.desk_keys(request) or {}
        except vault.VaultUnavailable:
            granter_keys = {}
        with transaction.atomic():
            ik = keys_module.reset_vault(member, form.cleaned_data["passphrase"], granter_keys)
            # Someone else knows the temporary passphrase: the member must replace it first.
            ik.must_change_passphrase = True
            ik.save(update_fields=["must_change_passphrase"])
        audit.record(member, "tips.vault_reset", user=user)
        messages.success(
            request,
            _(
                "Vault reset. Give the temporary passphrase to %(user)s in person; they must "
                "change it before their vault unlocks. Desk keys you did not hold must be "
                "granted by another member."
            )
            % {"user": member.get_username()},
        )
        return redirect(reverse("tips_admin:members"))
    response = TemplateResponse(
        request,
        "tips/admin/vault_reset.html",
        {"page_title": _("Reset a vault"), "form": form, "member": member},
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def audit_log(request):
    """Tip audit entries, per tip (``?tip=<id>``) or per user (``?user=<id>``)."""
    if not tip_policy.can_view_audit(request.user):
        raise PermissionDenied

    entries = (
        TipAuditEntry.objects.all()
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")
    )
    tip_ct = ContentType.objects.get_for_model(Tip)
    if request.GET.get("tip", "").isdigit():
        entries = entries.filter(content_type=tip_ct, object_id=request.GET["tip"])
    if request.GET.get("user", "").isdigit():
        entries = entries.filter(user_id=int(request.GET["user"]))
    page = Paginator(entries, 50).get_page(request.GET.get("p"))
    users = get_user_model().objects.filter(pk__in=TipAuditEntry.objects.values("user_id"))
    describer = audit_display.Describer(page.object_list)
    rows = [
        {
            "entry": entry,
            "label": audit_display.action_label(entry.action),
            "details": describer.details(entry),
        }
        for entry in page.object_list
    ]
    return TemplateResponse(
        request,
        "tips/admin/audit.html",
        {
            "page_title": _("Tip audit log"),
            "page": page,
            "rows": rows,
            "users": users.order_by("username"),
            "tip_ct": tip_ct,
        },
    )


@require_POST
def purge(request, pk):
    tip = get_object_or_404(Tip, pk=pk)
    if not tip_policy.can_purge(request.user, tip):
        raise PermissionDenied
    if request.POST.get("confirm") != tip.reference:
        messages.error(request, _("Type the reference to confirm the purge."))
        return redirect(reverse("tips_admin:detail", args=[tip.pk]))
    retention.purge_tip(tip, actor=request.user, reason="manual")
    messages.success(request, _("Tip %(ref)s purged.") % {"ref": tip.reference})
    return redirect(reverse("tips_admin:index"))


@never_cache
def retention_view(request):
    if not tip_policy.can_purge(request.user):
        raise PermissionDenied
    if request.method == "POST":
        count = retention.purge_expired(actor=request.user)
        messages.success(request, _("%(count)d expired tips purged.") % {"count": count})
        return redirect(reverse("tips_admin:retention"))
    return TemplateResponse(
        request,
        "tips/admin/retention.html",
        {
            "page_title": _("Retention"),
            "expired": retention.expired_tips().count(),
            "days": retention.retention_days(),
            "spam_days": retention.spam_retention_days(),
        },
    )


@never_cache
def desk_health(request):
    """Supervisors: can every desk that receives tips read them? (metadata only)."""

    if not tip_policy.is_supervisor(request.user):
        raise PermissionDenied
    response = TemplateResponse(
        request,
        "tips/admin/desk_health.html",
        {
            "page_title": _("Desk health"),
            "rows": health.desk_health(),
            "warnings": [health.warning_message(w) for w in health.tip_line_warnings()],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _remove_reader(request, pk, user_pk):
    return remove_view(request, pk, user_pk)


urlpatterns = [
    path("desks/health/", desk_health, name="desk_health"),
    path("members/", members, name="members"),
    path("members/grant/", grant, name="grant"),
    path("members/revoke/", revoke, name="revoke"),
    path("members/proposals/<int:pk>/", decide, name="decide"),
    path("<int:pk>/readers/<int:user_pk>/remove/", _remove_reader, name="remove_reader"),
    path("members/<int:user_pk>/reset-vault/", reset_vault, name="reset_vault"),
    path("audit/", audit_log, name="audit"),
    path("<int:pk>/purge/", purge, name="purge"),
    path("retention/", retention_view, name="retention"),
]
