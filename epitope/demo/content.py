"""The demo site as plain data: topic tree, hubs, home page. Stories and policies live beside it."""

from .features import FEATURES
from .news import NEWS
from .policies import POLICIES

SITE_TITLE = "Epitope"
ARTICLE_INDEX_TITLE = "All stories"

HOME_INTRO = (
    "<p>News and features from <b>cancer immunology</b>: cell therapies, cancer vaccines, "
    "checkpoints and the tumour microenvironment, written for researchers, clinicians and "
    "anyone following how the immune system is being turned against cancer.</p>"
    "<p><i>The stories on this demo site were written for it: they summarise published research in "
    "our own words and are not medical advice.</i></p>"
)

# Parents come before their children: the loader creates them in this order.
TOPICS = [
    {
        "slug": "immunology",
        "name": "Immunology",
        "parent": None,
        "description": "How the immune system recognises, remembers and responds — in health and disease.",
    },
    {
        "slug": "cancer-immunology",
        "name": "Cancer immunology",
        "parent": "immunology",
        "description": "The immune system's encounters with cancer, and the therapies built on them.",
    },
    {
        "slug": "cell-therapy",
        "name": "Cell therapy",
        "parent": "cancer-immunology",
        "description": "CAR-T, TIL, NK and other living drugs made from immune cells.",
    },
    {
        "slug": "cancer-vaccines",
        "name": "Cancer vaccines",
        "parent": "cancer-immunology",
        "description": "Teaching the immune system which tumour antigens to attack.",
    },
    {
        "slug": "checkpoints",
        "name": "Checkpoints",
        "parent": "cancer-immunology",
        "description": "PD-1, CTLA-4 and the other brakes on immunity that tumours exploit.",
    },
    {
        "slug": "tumour-microenvironment",
        "name": "Tumour microenvironment",
        "parent": "cancer-immunology",
        "description": "The stroma, blood vessels and immune cells that surround — and shield — a tumour.",
    },
]

HUBS = [
    {
        "topic": "immunology",
        "heading": "Immunology – News and Features",
        "intro": "<p>Stories from across immunology, with a focus on cancer.</p>",
    },
    {
        "topic": "cancer-immunology",
        "heading": "Cancer Immunology – News and Features",
        "intro": (
            "<p>The latest research on harnessing the immune system against cancer: engineered "
            "cell therapies, vaccines, checkpoint drugs and the tumour microenvironment, with news "
            "on trials and features that put the results in context.</p>"
        ),
    },
    {
        "topic": "cell-therapy",
        "heading": "Cell Therapy – News and Features",
        "intro": "<p>CAR-T, TIL, CAR-NK and other treatments made from living immune cells.</p>",
    },
    {
        "topic": "cancer-vaccines",
        "heading": "Cancer Vaccines – News and Features",
        "intro": "<p>Neoantigens, mRNA and other ways to show the immune system what to attack.</p>",
    },
    {
        "topic": "checkpoints",
        "heading": "Checkpoints – News and Features",
        "intro": "<p>Checkpoint inhibitors, the molecules they block, and their side effects.</p>",
    },
    {
        "topic": "tumour-microenvironment",
        "heading": "Tumour Microenvironment – News and Features",
        "intro": "<p>The cells and tissue around a tumour, and how they help it hide from immunity.</p>",
    },
]

# Newest first, so the data reads in the order the hub shows it.
ARTICLES = sorted(NEWS + FEATURES, key=lambda story: story["date"], reverse=True)
