"""factory_boy factories for the clinic's models and pages."""

from datetime import time

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from blog.models import BlogIndexPage, BlogPage
from booking.models import BookingSettings, DiscoveryVisitPage, WeeklyHours
from clinic.models import CareArea, ClinicSettings, HomePage, Person, StandardPage, Testimonial


class CareAreaFactory(DjangoModelFactory):
    class Meta:
        model = CareArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Care area {n}")
    slug = factory.Sequence(lambda n: f"care-area-{n}")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Therapist {n}")
    credentials = "PT, DPT"
    role = "Physical therapist"
    bio = "<p>Helps runners get back on the road.</p>"


class TestimonialFactory(DjangoModelFactory):
    class Meta:
        model = Testimonial

    quote = factory.Sequence(lambda n: f"Back to running after {n + 2} weeks.")
    name = factory.Sequence(lambda n: f"Runner {n}")
    detail = "Marathoner"


class ClinicSettingsFactory(DjangoModelFactory):
    class Meta:
        model = ClinicSettings
        django_get_or_create = ("site",)

    name = "Test Clinic"
    call_banner_text = "Speak to the running injury expert"
    phone = "(954) 519-5404"
    email = "clinic@example.com"
    street_address = "1 Main Street"
    locality = "Davie"
    region = "FL"
    postal_code = "33314"
    reviews_url = "https://reviews.example.com/test-clinic"
    opening_hours = factory.LazyFunction(
        lambda: [
            ("hours", {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": time(8), "closes": time(18)})
        ]
    )


class BookingSettingsFactory(DjangoModelFactory):
    class Meta:
        model = BookingSettings
        django_get_or_create = ("site",)

    staff_recipients = "front-desk@example.com"
    # Tests of other things move and cancel the first free times, often within a day of now;
    # the notice window's own tests (tests/booking/test_notice.py) turn it on.
    change_notice_hours = 0


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Home"
    hero_heading = "Run without pain"
    hero_text = "Physical therapy for runners."
    services = factory.LazyFunction(
        lambda: [("service", {"title": "Running injuries", "text": "Treated at the cause.", "page": None})]
    )


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Standard page {n}")
    intro = "An introduction."


ImageFactory = wagtail_factories.ImageFactory


class BlogIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = BlogIndexPage

    title = "Blog"
    slug = "blog"
    intro = "Advice from our physical therapists."


class BlogPageFactory(wagtail_factories.PageFactory):
    """An article; pass `categories=[...]` and `tags=[...]` to file it."""

    class Meta:
        model = BlogPage
        skip_postgeneration_save = True  # the hooks save when they change something

    title = factory.Sequence(lambda n: f"Article {n}")
    intro = factory.LazyAttribute(lambda page: f"What to know about {page.title.lower()}.")
    author = factory.SubFactory(PersonFactory)
    body = factory.LazyFunction(
        lambda: [
            ("heading", {"text": "What is going on", "level": "h2"}),
            ("paragraph", "<p>Running places repetitive stress on the hips.</p>"),
            ("heading", {"text": "What helps", "level": "h2"}),
            ("paragraph", "<p>Strength work, rest days and a gradual build-up.</p>"),
        ]
    )

    @factory.post_generation
    def categories(page, create, extracted, **kwargs):
        if extracted:
            page.categories.set(extracted)
            if create:
                page.save()

    @factory.post_generation
    def tags(page, create, extracted, **kwargs):
        if extracted:
            page.tags.add(*extracted)
            if create:
                page.save()


class DiscoveryVisitPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DiscoveryVisitPage
        skip_postgeneration_save = True

    title = "Book a Free Discovery Visit"
    slug = "book"
    intro = "Pick a time that suits you."
    reassurance = "Free, 30 minutes, no obligation."

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Every day 9:00-17:00 unless given [(weekday, start, end), ...]: tests run any day."""
        if not create:
            return
        ranges = extracted if extracted is not None else [(day, time(9), time(17)) for day in range(7)]
        for weekday, start, end in ranges:
            WeeklyHours.objects.create(page=obj, weekday=weekday, start=start, end=end)
