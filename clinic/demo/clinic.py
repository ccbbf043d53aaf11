"""The demo clinic's details and page copy (see README.md in this folder for their source)."""

from datetime import time

CLINIC = {
    "name": "Ageless Agility",
    "tagline": "Physical therapy for runners in Davie, Florida",
    "call_banner_text": "Speak to the #1 running injury expert in Davie",
    "phone": "(954) 519-5404",
    "email": "hello@example.com",
    "locality": "Davie",
    "region": "FL",
    "country": "US",
    "reviews_url": "https://www.google.com/search?q=Ageless+Agility+Davie+FL+reviews",
    "reviews_label": "Google Reviews",
}

OPENING_HOURS = [
    {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": time(7, 0), "closes": time(19, 0)},
    {"days": ["sat"], "opens": time(8, 0), "closes": time(12, 0)},
]

CARE_AREAS = [
    ("Running injuries", "running-injuries", "Pain that starts or worsens with running."),
    ("Hip", "hip", "Hip, groin and glute pain, hip flexor and IT band problems."),
    ("Knee", "knee", "Runner's knee, patellar tendon pain, IT band syndrome."),
    ("Foot & Ankle", "foot-ankle", "Plantar fasciitis, Achilles pain, ankle sprains."),
    ("Back", "back", "Low back pain and stiffness that affects your running or daily life."),
]

PEOPLE = [
    {
        "name": "Ashley Kranz",
        "credentials": "PT, DPT",
        "role": "Founder, running injury expert",
        "bio": (
            "<p>Ashley helps runners in Davie and across South Florida get out of pain and back "
            "to the miles they love, with hands-on care and a plan built around their training.</p>"
        ),
    },
]

TESTIMONIALS = [
    (
        "I came in limping after a long run and ran my half marathon eight weeks later, pain-free.",
        "Maria G.",
        "Half-marathoner",
    ),
    (
        "Ashley found the real cause of my hip pain, not just the symptoms. I finally have a plan.",
        "James R.",
        "Trail runner",
    ),
    (
        "Every visit was one-on-one and focused on getting me back to running, not just resting.",
        "Dana T.",
        "Marathoner",
    ),
]

HOME = {
    "title": "Home",
    "seo_title": "Physical Therapy for Runners in Davie, FL",
    "search_description": (
        "Running injury physical therapy in Davie, Florida. Book a Free Discovery Visit with "
        "running injury expert Ashley Kranz, PT, DPT."
    ),
    "hero_heading": "Get back to pain-free running",
    "hero_text": (
        "Physical therapy for runners in Davie, Florida. Find out what is causing your pain and "
        "how to fix it at a free, no-obligation discovery visit."
    ),
    "services_heading": "How we help runners",
    "services_intro": "One-on-one care from a running injury expert, built around your training.",
    "team_heading": "Meet your physical therapist",
    "team_intro": "",
    "testimonials_heading": "What runners say",
}

SERVICES = [
    ("Running injury treatment", "Hip, knee, foot and ankle pain treated at its cause, so it stays gone."),
    (
        "Running gait analysis",
        "See how you move and what to change to run more efficiently and with less strain.",
    ),
    ("Strength for runners", "Targeted strength and mobility plans that fit around your weekly mileage."),
    (
        "Race season planning",
        "Build up for your next race without the setbacks that come from doing too much too soon.",
    ),
]

PAGES = [
    {
        "slug": "about",
        "title": "About us",
        "show_in_menus": True,
        "intro": (
            "Ageless Agility is a physical therapy clinic in Davie, Florida, for runners and active people."
        ),
        "body": [
            ("heading", {"text": "Care built around your running", "level": "h2"}),
            (
                "paragraph",
                "<p>We see one patient at a time, for a full session, with the same physical therapist "
                "every visit. We look at how you move, how you train and what you want to get back to, "
                "and we build a plan that keeps you moving while you recover.</p>",
            ),
            ("heading", {"text": "Who we help", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Runners of every level, from first 5K to ultramarathon</li>"
                "<li>Active adults who want to stay that way</li>"
                "<li>Anyone told to just rest, who wants a real plan instead</li></ul>",
            ),
            (
                "call_to_action",
                {
                    "heading": "Not sure if we can help?",
                    "text": "Talk to us at a free, no-obligation discovery visit.",
                    "button_label": "Book a Free Discovery Visit",
                },
            ),
        ],
    },
    {
        "slug": "services",
        "title": "Services",
        "show_in_menus": True,
        "intro": "Physical therapy for running injuries, strength and performance.",
        "body": [
            ("heading", {"text": "Running injury physical therapy", "level": "h2"}),
            (
                "paragraph",
                "<p>Hip, knee, foot, ankle and back pain assessed and treated at its cause, with "
                "hands-on care and exercises you can do between visits.</p>",
            ),
            ("heading", {"text": "Running gait analysis", "level": "h2"}),
            ("paragraph", "<p>We film and review how you run and show you the changes that matter.</p>"),
            ("heading", {"text": "Strength and mobility for runners", "level": "h2"}),
            (
                "paragraph",
                "<p>A plan that fits your weekly mileage and builds resilience for race season.</p>",
            ),
            (
                "call_to_action",
                {
                    "heading": "Book a Free Discovery Visit",
                    "text": "Thirty minutes, free, no obligation.",
                    "button_label": "Book a Free Discovery Visit",
                },
            ),
        ],
    },
    {
        "slug": "privacy",
        "title": "Privacy policy",
        "show_in_menus": False,
        "intro": "What we collect when you use this site or book a visit, why, and how long we keep it.",
        "body": [
            ("heading", {"text": "When you book a discovery visit", "level": "h2"}),
            (
                "paragraph",
                "<p>We ask for your name, email address, phone number, the area that bothers you and, "
                "if you choose, a short note and a race date. We use them only to arrange and prepare "
                "your visit and to contact you about it. Please do not send medical details through the "
                "website; we will talk about them in person.</p>",
            ),
            ("heading", {"text": "Who can see it", "level": "h2"}),
            (
                "paragraph",
                "<p>Only the clinic's front-desk staff and clinicians who need it. Emails to staff carry "
                "your name and visit time only; the rest stays behind the staff login.</p>",
            ),
            ("heading", {"text": "How long we keep it", "level": "h2"}),
            (
                "paragraph",
                "<p>Visit requests are anonymised after 365 days: your name and contact details are "
                "removed and only anonymous counts are kept. You can ask us to delete your details "
                "sooner by calling or emailing the clinic.</p>",
            ),
            ("heading", {"text": "Cookies", "level": "h2"}),
            (
                "paragraph",
                "<p>This site sets no advertising or tracking cookies. Forms use a security cookie that "
                "protects you from forged requests.</p>",
            ),
        ],
    },
]
