"""The demo clinic in US Spanish: the home page, About, Services and Privacy at /es/, the Spanish
texts of the care areas, the team, the clinic settings and the testimonials, and the language
assistance notice in both languages. Written for the demo (plain words, "usted"); replace or have
them checked before going live, as the English copy."""

CLINIC = {
    "tagline_es": "Fisioterapia para corredores en Davie, Florida",
    "call_banner_text_es": "Hable con el experto n.º 1 en lesiones de corredores en Davie",
    "reviews_label_es": "reseñas de Google",
}

CARE_AREAS = {
    "running-injuries": ("Lesiones al correr", "Dolor que empieza o empeora al correr."),
    "hip": (
        "Cadera",
        "Dolor de cadera, ingle y glúteos; problemas del flexor de cadera y de la banda iliotibial.",
    ),
    "knee": ("Rodilla", "Rodilla del corredor, dolor del tendón rotuliano, síndrome de la banda iliotibial."),
    "foot-ankle": ("Pie y tobillo", "Fascitis plantar, dolor del tendón de Aquiles, esguinces de tobillo."),
    "back": (
        "Espalda",
        "Dolor y rigidez en la parte baja de la espalda que afectan su forma de correr o su día a día.",
    ),
}

PEOPLE = {
    "Ashley Kranz": {
        "role_es": "Fundadora, experta en lesiones de corredores",
        "bio_es": (
            "<p>Ashley ayuda a corredores de Davie y de todo el sur de Florida a dejar atrás el dolor "
            "y volver a las millas que les gustan, con atención práctica y un plan hecho a la medida "
            "de su entrenamiento.</p>"
        ),
    },
}

TESTIMONIALS = [
    (
        "Llegué cojeando después de una carrera larga y ocho semanas después corrí mi media maratón "
        "sin dolor.",
        "Maria G.",
        "Corredora de media maratón",
    ),
    (
        "Ashley encontró la verdadera causa de mi dolor de cadera, no solo los síntomas. Por fin tengo "
        "un plan.",
        "James R.",
        "Corredor de montaña",
    ),
    (
        "Cada visita fue individual y centrada en que volviera a correr, no solo en descansar.",
        "Dana T.",
        "Maratonista",
    ),
]

HOME = {
    "title": "Inicio",
    "slug": "inicio",
    "seo_title": "Fisioterapia para corredores en Davie, FL",
    "search_description": (
        "Fisioterapia para lesiones de corredores en Davie, Florida. Reserve una Visita de "
        "Evaluación Gratuita con Ashley Kranz, PT, DPT, experta en lesiones de corredores."
    ),
    "hero_heading": "Vuelva a correr sin dolor",
    "hero_text": (
        "Fisioterapia para corredores en Davie, Florida. Descubra qué causa su dolor y cómo "
        "solucionarlo en una visita de descubrimiento gratuita y sin compromiso."
    ),
    "hero_cta_label": "Reserve una Visita de Evaluación Gratuita",
    "services_heading": "Cómo ayudamos a los corredores",
    "services_intro": (
        "Atención individual de una experta en lesiones de corredores, a la medida de su entrenamiento."
    ),
    "team_heading": "Conozca a su fisioterapeuta",
    "team_intro": "",
    "testimonials_heading": "Lo que dicen los corredores",
}

SERVICES = [
    (
        "Tratamiento de lesiones al correr",
        "Dolor de cadera, rodilla, pie y tobillo tratado en su causa, para que no vuelva.",
    ),
    (
        "Análisis de la forma de correr",
        "Vea cómo se mueve y qué cambiar para correr con más eficiencia y menos esfuerzo.",
    ),
    (
        "Fuerza para corredores",
        "Planes de fuerza y movilidad que se adaptan a sus millas de cada semana.",
    ),
    (
        "Preparación para la temporada de carreras",
        "Prepárese para su próxima carrera sin los contratiempos de hacer demasiado, demasiado pronto.",
    ),
]

# Spanish copies of clinic/demo/clinic.py's PAGES, by the English page's slug.
PAGES = {
    "about": {
        "title": "Quiénes somos",
        "slug": "quienes-somos",
        "intro": (
            "Ageless Agility es una clínica de fisioterapia en Davie, Florida, para corredores y "
            "personas activas."
        ),
        "body": [
            ("heading", {"text": "Atención pensada para su forma de correr", "level": "h2"}),
            (
                "paragraph",
                "<p>Atendemos a un paciente a la vez, durante una sesión completa, con el mismo "
                "fisioterapeuta en cada visita. Vemos cómo se mueve, cómo entrena y a qué quiere "
                "volver, y preparamos un plan que le mantiene en movimiento mientras se recupera.</p>",
            ),
            ("heading", {"text": "A quién ayudamos", "level": "h2"}),
            (
                "paragraph",
                "<ul><li>Corredores de todos los niveles, desde su primera carrera de 5 km hasta la "
                "ultramaratón</li>"
                "<li>Adultos activos que quieren seguir así</li>"
                "<li>Cualquier persona a quien le dijeron que solo descanse y que quiere un plan de "
                "verdad</li></ul>",
            ),
            (
                "call_to_action",
                {
                    "heading": "¿No sabe si podemos ayudarle?",
                    "text": "Hable con nosotros en una visita de descubrimiento gratuita y sin compromiso.",
                    "button_label": "Reserve una Visita de Evaluación Gratuita",
                },
            ),
        ],
    },
    "services": {
        "title": "Servicios",
        "slug": "servicios",
        "intro": "Fisioterapia para lesiones al correr, fuerza y rendimiento.",
        "body": [
            ("heading", {"text": "Fisioterapia para lesiones al correr", "level": "h2"}),
            (
                "paragraph",
                "<p>Evaluamos y tratamos en su causa el dolor de cadera, rodilla, pie, tobillo y "
                "espalda, con terapia manual y ejercicios que puede hacer entre visitas.</p>",
            ),
            ("heading", {"text": "Análisis de la forma de correr", "level": "h2"}),
            ("paragraph", "<p>Grabamos y revisamos cómo corre y le mostramos los cambios que importan.</p>"),
            ("heading", {"text": "Fuerza y movilidad para corredores", "level": "h2"}),
            (
                "paragraph",
                "<p>Un plan que se adapta a sus millas semanales y le hace más resistente para la "
                "temporada de carreras.</p>",
            ),
            (
                "call_to_action",
                {
                    "heading": "Reserve una Visita de Evaluación Gratuita",
                    "text": "Treinta minutos, gratis y sin compromiso.",
                    "button_label": "Reserve una Visita de Evaluación Gratuita",
                },
            ),
        ],
    },
    "privacy": {
        "title": "Política de privacidad",
        "slug": "privacidad",
        "intro": (
            "Qué datos recogemos cuando usa este sitio o reserva una visita, para qué y durante "
            "cuánto tiempo los guardamos."
        ),
        "body": [
            ("heading", {"text": "Cuando reserva una visita de descubrimiento", "level": "h2"}),
            (
                "paragraph",
                "<p>Le pedimos su nombre, correo electrónico, número de teléfono, la zona que le "
                "molesta y, si quiere, una nota corta y la fecha de una carrera. Solo los usamos para "
                "organizar y preparar su visita y para comunicarnos con usted sobre ella. Por favor, no "
                "envíe datos médicos por el sitio web; hablaremos de ellos en persona.</p>",
            ),
            ("heading", {"text": "Quién puede verlos", "level": "h2"}),
            (
                "paragraph",
                "<p>Solo el personal de recepción y los clínicos que los necesitan. Los correos al "
                "personal solo llevan su nombre y la hora de su visita; el resto queda detrás del "
                "acceso del personal.</p>",
            ),
            ("heading", {"text": "Cuánto tiempo los guardamos", "level": "h2"}),
            (
                "paragraph",
                "<p>Las solicitudes de visita se anonimizan a los 365 días: se borran su nombre y sus "
                "datos de contacto y solo quedan cifras anónimas. Puede pedirnos que borremos sus "
                "datos antes llamando o escribiendo a la clínica.</p>",
            ),
            ("heading", {"text": "Cookies", "level": "h2"}),
            (
                "paragraph",
                "<p>Este sitio no usa cookies de publicidad ni de seguimiento. Los formularios usan una "
                "cookie de seguridad que le protege de solicitudes falsificadas.</p>",
            ),
        ],
    },
}

# The language assistance notice (ACA section 1557 style): staff edit both pages in the admin.
LANGUAGE_HELP_EN = {
    "title": "Language assistance",
    "slug": "language-assistance",
    "intro": "Free help in your language, and other help to communicate with us.",
    "body": [
        (
            "paragraph",
            "<p>If you speak a language other than English, language assistance services are "
            "available to you free of charge. Call the clinic and tell us which language you need.</p>"
            "<p>We also offer free aids and services to people with disabilities so they can "
            "communicate with us, such as written information in other formats (large print, "
            "accessible electronic formats).</p>",
        ),
        ("heading", {"text": "If you think we did not help you", "level": "h2"}),
        (
            "paragraph",
            "<p>Tell the clinic first: call or email us and we will put it right. You can also file a "
            "civil rights complaint with the U.S. Department of Health and Human Services, Office for "
            "Civil Rights, at ocrportal.hhs.gov or 1-800-368-1019 (TDD: 1-800-537-7697).</p>",
        ),
    ],
}
LANGUAGE_HELP_ES = {
    "title": "Asistencia con el idioma",
    "slug": "asistencia-con-el-idioma",
    "intro": "Ayuda gratuita en su idioma y otras ayudas para comunicarse con nosotros.",
    "body": [
        (
            "paragraph",
            "<p>Si habla español, tiene a su disposición servicios gratuitos de asistencia "
            "lingüística. Llame a la clínica y díganos qué idioma necesita.</p>"
            "<p>También ofrecemos ayudas y servicios gratuitos a las personas con discapacidad para "
            "que puedan comunicarse con nosotros, como información escrita en otros formatos (letra "
            "grande, formatos electrónicos accesibles).</p>",
        ),
        ("heading", {"text": "Si cree que no le ayudamos", "level": "h2"}),
        (
            "paragraph",
            "<p>Díganoslo primero a nosotros: llame o escriba a la clínica y lo solucionaremos. "
            "También puede presentar una queja de derechos civiles ante la Oficina de Derechos Civiles "
            "del Departamento de Salud y Servicios Humanos de EE. UU., en ocrportal.hhs.gov o al "
            "1-800-368-1019 (TDD: 1-800-537-7697).</p>",
        ),
    ],
}
