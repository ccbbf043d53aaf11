"""The clinic itself: home and standard pages, site-wide settings, team, testimonials, care areas."""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site, TranslatableMixin
from wagtail.search import index

from .blocks import BaseBodyBlock, OpeningHoursBlock, ServiceBlock
from .forms import PatientDataRoutingForm
from .images import body_images, prefetch_renditions
from .page_cache import cached, current_generation
from .panels import OpeningHoursChecksPanel
from .phone import tel_uri, validate_phone  # migration 0001 names clinic.models.validate_phone
from .public_url import PublicURLMixin
from .serving import ServingMixin


class TranslatedTextsMixin:
    """Models that are one thing in every language (a care area a visit request names, a person
    with an admin account) keep their Spanish texts in `<field>_es` beside the English ones, rather
    than one row per language: visit requests, reports and article authors keep pointing at the one
    row. `translated(field)` is the text in the active language, the English one when the Spanish
    is blank (templates: `{{ area|translated:"name" }}`)."""

    def translated(self, field: str) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.split("-")[0] != settings.LANGUAGE_CODE:
            value = getattr(self, f"{field}_{language.split('-')[0]}", "")
            if value:
                return value
        return getattr(self, field)


SPANISH_HELP = "Shown on the Spanish pages (/es/); the English text is shown while this is blank."


class CareArea(TranslatedTextsMixin, models.Model):
    """An area the clinic treats (hip, knee...): the one list that articles and visit requests share."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, max_length=400)
    sort_order = models.PositiveSmallIntegerField(default=0)
    name_es = models.CharField("name (Spanish)", max_length=60, blank=True, help_text=SPANISH_HELP)
    description_es = models.TextField("description (Spanish)", blank=True, max_length=400)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
        MultiFieldPanel([FieldPanel("name_es"), FieldPanel("description_es")], heading="En español"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "care area"

    def __str__(self) -> str:
        return self.name


class Person(TranslatedTextsMixin, index.Indexed, models.Model):
    """A member of the team; also the author and medical reviewer of articles."""

    name = models.CharField(max_length=100)
    credentials = models.CharField(max_length=60, blank=True, help_text="For example: PT, DPT")
    role = models.CharField(
        max_length=100, blank=True, help_text="For example: Founder, running injury expert"
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bio = RichTextField(features=["bold", "italic", "link"], blank=True)
    show_on_team = models.BooleanField(
        default=True, help_text="List this person in the home page's team section."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    role_es = models.CharField("role (Spanish)", max_length=100, blank=True, help_text=SPANISH_HELP)
    bio_es = RichTextField("bio (Spanish)", features=["bold", "italic", "link"], blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="admin account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_member",
        help_text=(
            "Their sign-in to this admin, if they have one. What they approve as a clinical reviewer "
            "is shown as medically reviewed by this person."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("show_on_team"),
        FieldPanel("sort_order"),
        FieldPanel("user"),
        MultiFieldPanel([FieldPanel("role_es"), FieldPanel("bio_es")], heading="En español"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name_with_credentials

    @property
    def name_with_credentials(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Testimonial(TranslatableMixin, models.Model):
    """What a patient said, in the language they said it (or its translation): one row per language,
    each page showing its own language's (Wagtail's translatable snippets)."""

    quote = models.TextField(max_length=800)
    name = models.CharField(max_length=100, help_text="As the patient agreed to be named, e.g. 'Maria G.'")
    detail = models.CharField(max_length=100, blank=True, help_text="For example: Marathon runner")
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("quote"), FieldPanel("name"), FieldPanel("detail"), FieldPanel("sort_order")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.quote[:40]}"


SETTINGS_CACHE_SECONDS = 3600


@register_setting(icon="site")
class ClinicSettings(TranslatedTextsMixin, BaseSiteSetting):
    """Everything about the clinic that staff change without a developer."""

    name = models.CharField(max_length=100, default="Our Clinic")
    tagline = models.CharField(max_length=160, blank=True)
    call_banner_text = models.CharField(
        max_length=120,
        blank=True,
        help_text="Shown at the top of every page, followed by 'call' and the phone number.",
    )
    phone = models.CharField(
        max_length=30, validators=[validate_phone], help_text="For example: (954) 519-5404"
    )
    email = models.EmailField(blank=True)
    street_address = models.CharField(max_length=150, blank=True)
    locality = models.CharField("city", max_length=80, blank=True)
    region = models.CharField("state", max_length=40, blank=True)
    postal_code = models.CharField("ZIP code", max_length=12, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="Two-letter country code.")
    maps_url = models.URLField("map link", blank=True)
    opening_hours = StreamField([("hours", OpeningHoursBlock())], blank=True, use_json_field=True)
    reviews_url = models.URLField(blank=True, help_text="Where patients read and leave reviews.")
    reviews_label = models.CharField(max_length=60, default="Google Reviews")
    # The texts a page shows, in Spanish for /es/ (the rest, phone to opening hours, is the same).
    tagline_es = models.CharField("tagline (Spanish)", max_length=160, blank=True, help_text=SPANISH_HELP)
    call_banner_text_es = models.CharField(
        "call banner text (Spanish)", max_length=120, blank=True, help_text=SPANISH_HELP
    )
    reviews_label_es = models.CharField(
        "reviews label (Spanish)", max_length=60, blank=True, help_text=SPANISH_HELP
    )
    appointment_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The page where patients book a Free Discovery Visit; every Book button links to it.",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Linked from the footer and from every form that asks for personal details.",
    )
    language_page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            'The notice that free language assistance is available ("Language assistance"), '
            "linked from the footer of every page in every language."
        ),
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("tagline"),
                    FieldPanel("call_banner_text"),
                    FieldPanel("phone"),
                    FieldPanel("email"),
                    MultiFieldPanel(
                        [
                            FieldPanel("street_address"),
                            FieldPanel("locality"),
                            FieldPanel("region"),
                            FieldPanel("postal_code"),
                            FieldPanel("country"),
                            FieldPanel("maps_url"),
                        ],
                        heading="Address",
                    ),
                    OpeningHoursChecksPanel(heading="Opening hours check"),
                    FieldPanel("opening_hours"),
                ],
                heading="Clinic",
            ),
            ObjectList(
                [FieldPanel("reviews_url"), FieldPanel("reviews_label")],
                heading="Reviews",
            ),
            ObjectList(
                [FieldPanel("appointment_page"), FieldPanel("privacy_page"), FieldPanel("language_page")],
                heading="Appointments and privacy",
            ),
            ObjectList(
                [FieldPanel("tagline_es"), FieldPanel("call_banner_text_es"), FieldPanel("reviews_label_es")],
                heading="En español",
            ),
        ]
    )

    # Every page links to both (footer, call to action): one query with the settings, not three.
    select_related = ["appointment_page", "privacy_page", "language_page"]
    # The email is the Reply-To of every email to patients: who may change it (clinic.forms).
    base_form_class = PatientDataRoutingForm
    patient_data_routing = {
        "email": _(
            "Patients' replies to the clinic's emails go to this address, so only staff who may see "
            "patient data, signed in with two-step verification, can change it."
        )
    }

    class Meta:
        verbose_name = "clinic settings"

    @classmethod
    def for_request(cls, request):
        """As Wagtail's, but kept in the shared cache as the main menu is: every page shows these
        settings, and any change that could alter them (these settings, a site, a page published,
        moved or deleted: the appointment and privacy links) starts a new page-cache generation.
        Staff screens that edit them read the database (`for_site`)."""
        attr = cls.get_cache_attr_name()
        if hasattr(request, attr):
            return getattr(request, attr)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        key = cls.cache_key(request, site)
        instance = cached(request, key)
        if instance is None:
            instance = cls.for_site(site)
            cache.set(key, instance, timeout=SETTINGS_CACHE_SECONDS)
        instance._request = request  # as Wagtail: page links are built for this request's site
        setattr(request, attr, instance)
        return instance

    @staticmethod
    def cache_key(request, site) -> str:
        return f"clinic-settings:{current_generation(request)}:{site.pk}"

    @cached_property
    def tel_uri(self) -> str:
        # A page links the number up to five times (banner, panels, footer); parse it once.
        return tel_uri(self.phone)

    def schema_org(self, home_url: str) -> dict:
        """The clinic as a schema.org MedicalClinic; articles name it as their publisher by @id."""
        address = {
            "@type": "PostalAddress",
            "streetAddress": self.street_address,
            "addressLocality": self.locality,
            "addressRegion": self.region,
            "postalCode": self.postal_code,
            "addressCountry": self.country,
        }
        data = {
            "@type": ["MedicalClinic", "Physiotherapy"],
            "@id": f"{home_url}#clinic",
            "name": self.name,
            "url": home_url,
            "telephone": self.phone,
            "address": {key: value for key, value in address.items() if value},
            "openingHoursSpecification": [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": block.value.schema_days,
                    "opens": block.value["opens"].strftime("%H:%M"),
                    "closes": block.value["closes"].strftime("%H:%M"),
                }
                for block in self.opening_hours
            ],
        }
        if self.email:
            data["email"] = self.email
        if self.reviews_url:
            data["sameAs"] = [self.reviews_url]
        return data

    @property
    def address_lines(self) -> list[str]:
        city = ", ".join(
            part for part in [self.locality, f"{self.region} {self.postal_code}".strip()] if part
        )
        return [line for line in [self.street_address, city] if line]


# Sections other apps add to the home page, right below the hero (the blog: its latest articles), so
# the clinic knows none of them. A function of (request, home page) registered under this name
# returns an object with a `template_name`, rendered with the object as `section`, or None. The
# sections are rendered in one fragment under the page cache's generation: they read the database
# when they are rendered (never while the fragment comes from the cache), and anything published
# shows at once.
HOME_PAGE_SECTIONS_HOOK = "clinic_home_page_sections"


class HomePage(PublicURLMixin, ServingMixin, Page):
    cache_query_parameters = ()
    hero_heading = models.CharField(max_length=120)
    hero_text = models.TextField(max_length=500, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hero_cta_label = models.CharField(max_length=60, default="Book a Free Discovery Visit")
    services_heading = models.CharField(max_length=120, default="How we help")
    services_intro = models.TextField(max_length=500, blank=True)
    services = StreamField([("service", ServiceBlock())], blank=True, use_json_field=True)
    team_heading = models.CharField(max_length=120, default="Meet the team")
    team_intro = models.TextField(max_length=500, blank=True)
    testimonials_heading = models.CharField(max_length=120, default="What runners say")

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_cta_label"),
            ],
            heading="Hero",
        ),
        MultiFieldPanel(
            [FieldPanel("services_heading"), FieldPanel("services_intro"), FieldPanel("services")],
            heading="Services",
        ),
        MultiFieldPanel([FieldPanel("team_heading"), FieldPanel("team_intro")], heading="Team"),
        FieldPanel("testimonials_heading"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text"), index.SearchField("services_intro")]

    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types: each page type that belongs at the top of the site names HomePage in its
    # own parent_page_types, so the apps that stand on the clinic need no mention here.
    max_count = 1

    class Meta:
        verbose_name = "home page"

    @property
    def localized(self):
        """Wagtail routes every request from `site.root_page.localized` (a query for the active
        Locale, and one for the translation). The site's home page is kept in the shared cache
        with its translations already found (clinic.serving.SiteLookupMiddleware), per language."""
        known = self.__dict__.get("_localized_by_language")
        language = translation.get_language()
        if known is not None and language in known:
            return known[language]
        return super().localized

    def remember_translations(self) -> None:
        """Finds this page's live translation in every language now, for `localized` to answer."""
        known = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                known[code] = super().localized.specific
        self.__dict__["_localized_by_language"] = known

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        team = list(Person.objects.filter(show_on_team=True).select_related("photo"))
        prefetch_renditions([self.hero_image, *(person.photo for person in team)])
        context["team"] = team
        context["testimonials"] = Testimonial.objects.filter(locale_id=self.locale_id)[:6]
        context["sections"] = [
            section
            for make_section in hooks.get_hooks(HOME_PAGE_SECTIONS_HOOK)
            if (section := make_section(request, self)) is not None
        ]
        return context


class StandardPage(PublicURLMixin, ServingMixin, Page):
    """About, Services, Privacy and any other plain page staff add."""

    cache_query_parameters = ()

    intro = models.TextField(max_length=500, blank=True)
    body = StreamField(BaseBodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["clinic.HomePage", "clinic.StandardPage"]
    subpage_types = ["clinic.StandardPage"]

    class Meta:
        verbose_name = "standard page"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        prefetch_renditions(body_images(self.body))
        return context


class RateLimitCounter(models.Model):
    """How many attempts one client made at one thing in one fixed window (clinic/ratelimit.py).

    Rows, not cache entries: a cache may drop entries to make room, a table does not."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64, help_text="A keyed hash of the client's address or email")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="clinic_one_counter_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
