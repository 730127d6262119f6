import uuid

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from epitope.pagecache.cache import GLOBAL


class PolicyPage(Page):
    """The Privacy Policy or Cookie Policy, with a version readers' consent refers to.

    Raising the version of the Privacy Policy makes returning visitors see the
    "We've updated our Privacy Policy" notice once.
    """

    PRIVACY, COOKIES = "privacy", "cookies"
    KINDS = ((PRIVACY, "Privacy Policy"), (COOKIES, "Cookie Policy"))

    kind = models.CharField(max_length=10, choices=KINDS, unique=True)
    version = models.CharField(
        max_length=20, default="1", help_text="Change this when the policy changes materially, e.g. 2026-11."
    )
    effective_date = models.DateField(null=True, blank=True)
    summary = models.TextField(
        blank=True, help_text="What changed in this version, shown in the update notice."
    )
    body = RichTextField(features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("version"),
        FieldPanel("effective_date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types = []
    template = "privacy/policy_page.html"

    @classmethod
    def purge_tags(cls, pages):
        # Every page's footer links the policies, and the consent banner shows their versions
        # (policies.current_versions, kept per process until this tag is bumped).
        return {GLOBAL}


class ConsentRecord(models.Model):
    """Proof of one consent choice: when, what, under which policy versions. No IP address is kept."""

    ACTIONS = (
        ("accept_all", "Accepted all"),
        ("reject", "Rejected non-essential"),
        ("custom", "Chose per category"),
        ("dismiss_update", "Acknowledged policy update"),
    )

    consent_id = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Shared by one visitor's choices."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    choices = models.JSONField(help_text="Category → allowed, after this action.")
    privacy_policy_version = models.CharField(max_length=20)
    cookie_policy_version = models.CharField(max_length=20)
    action = models.CharField(max_length=20, choices=ACTIONS)
    user_agent_family = models.CharField(
        max_length=40, blank=True, help_text="Browser family only, e.g. Firefox."
    )

    class Meta:
        ordering = ["-created_at"]

    def allowed_categories(self):
        """Return the optional categories this record allows, e.g. "analytics, preferences" or "none"."""
        return ", ".join(sorted(k for k, v in self.choices.items() if v and k != "necessary")) or "none"

    allowed_categories.short_description = "Allowed"

    def __str__(self):
        return f"{self.consent_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
