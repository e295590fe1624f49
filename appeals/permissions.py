"""The "Editors" group: appeal pages, images and appeal snippets, nothing else."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from .models import HomePage

EDITORS_GROUP = "Editors"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image", "delete_image")
MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("simple_translation", "submit_translation"),
    ("appeals", "add_offence"),
    ("appeals", "change_offence"),
    ("appeals", "delete_offence"),
    ("appeals", "view_offence"),
    ("appeals", "view_desk"),
]


def ensure_editors_group() -> Group:
    """Create or complete the group (idempotent). Page rights cover every locale's home page."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    # Wagtail's own migrations create an "Editors" group with rights on the whole tree and on
    # documents: replace them with exactly the rights below.
    wanted = [
        perm
        for app_label, codename in MODEL_PERMISSIONS
        for perm in Permission.objects.filter(content_type__app_label=app_label, codename=codename)[
            :1
        ]
    ]
    group.permissions.set(wanted)
    homes = list(HomePage.objects.all())
    GroupPagePermission.objects.filter(group=group).exclude(page__in=homes).delete()
    GroupCollectionPermission.objects.filter(group=group).exclude(
        permission__content_type__app_label="wagtailimages"
    ).delete()
    page_perms = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    for home in homes:
        for perm in page_perms:
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=perm)
    root_collection = Collection.get_first_root_node()
    if root_collection:
        for perm in Permission.objects.filter(
            content_type__app_label="wagtailimages", codename__in=IMAGE_PERMISSIONS
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=perm
            )
    return group
