"""The demo's authors: invented people, their roles and bios, written for the demo.

Each story's byline (news.py, features.py) names one of them; the loader links the story to
the author page and keeps the byline as it is.
"""

AUTHOR_INDEX_INTRO = (
    "<p>The reporters and editors behind Epitope's news and features. Each author's page lists "
    "their stories, newest first, and has a feed of them.</p>"
    "<p><i>The people on this demo site are invented, as are their portraits.</i></p>"
)

AUTHORS = [
    {
        "name": "Hana Kowalczyk",
        "slug": "hana-kowalczyk",
        "role": "Senior reporter, cell therapy",
        "portrait_seed": 7101,
        "bio": (
            "<p>Hana covers CAR-T, TIL and the other living drugs, from first-in-human trials to what "
            "happens when they stop working. Before journalism she spent six years in a "
            "haematology lab growing T cells that mostly refused to grow.</p>"
        ),
    },
    {
        "name": "Tomás Reyes",
        "slug": "tomas-reyes",
        "role": "Reporter, immune engineering",
        "portrait_seed": 7102,
        "bio": (
            "<p>Tomás writes about synthetic receptors, gene editing and the engineering side of "
            "immunotherapy. He trained as a bioengineer and still reads methods sections first.</p>"
        ),
    },
    {
        "name": "Priya Raman",
        "slug": "priya-raman",
        "role": "Features editor",
        "portrait_seed": 7103,
        "bio": (
            "<p>Priya edits Epitope's features and writes the longer pieces on cancer vaccines, "
            "neoantigens and the clinical trials that test them. She asks every source what the "
            "result would mean for a patient.</p>"
        ),
    },
    {
        "name": "Jonah Whitfield",
        "slug": "jonah-whitfield",
        "role": "Reporter, tumour microenvironment",
        "portrait_seed": 7104,
        "bio": (
            "<p>Jonah follows the stroma, blood vessels and immune cells around tumours, and the "
            "liver and pancreatic cancers where they matter most. He came to science writing from "
            "a doctorate in developmental biology.</p>"
        ),
    },
    {
        "name": "Amara Nwosu",
        "slug": "amara-nwosu",
        "role": "Clinical news editor",
        "portrait_seed": 7105,
        "bio": (
            "<p>Amara runs the clinical news desk: checkpoint inhibitors, bispecific antibodies and "
            "what trial results say about side effects. She is a former oncology nurse.</p>"
        ),
    },
]

# One story revised after publication, so the demo shows an "Updated" date and a correction.
REVISED = {
    "slug": "car-t-after-car-t-failure-lymphoma",
    "revised": "2026-12-01",
    "corrections": (
        "<p>An earlier version of this story said most complete responses had lasted more than "
        "two years; the investigators report that some have lasted more than a year.</p>"
    ),
}
