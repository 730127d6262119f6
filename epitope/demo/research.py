"""Demo "ingested research" for the hubs' Latest research panels: sources and items as plain data.

Every title and sentence here was written for the demo; none is a real paper, preprint or
trial, and every link points at example.org. The loader stores them through the ingestion
pipeline, so they are deduplicated, clustered and classified like fetched items.
"""

SOURCES = [
    {
        "name": "Demo: Journal of Invented Immunotherapy",
        "url": "https://example.org/demo/journal/feed.xml",
        "topic": "cancer-immunology",
    },
    {
        "name": "Demo: Preprint server (example)",
        "url": "https://example.org/demo/preprints/feed.xml",
        "topic": "cancer-immunology",
    },
    {
        "name": "Demo: Trial registry (example)",
        "url": "https://example.org/demo/trials/feed.xml",
        "topic": "cell-therapy",
    },
]

# (source index, kind, id, date, title, abstract)
ITEMS = [
    (2, "trial", "NCT99000001", "2026-11-26",
     "Phase 1 study of CD19 CAR-T cells after relapse in large B-cell lymphoma (demo record)",
     "An invented phase 1 trial record: adults with diffuse large B-cell lymphoma that relapsed after "
     "CAR-T therapy receive a second, CD19-directed CAR-T product. Planned enrolment: 30 patients."),
    (1, "preprint", "10.5555/demo.preprint.1", "2026-11-25",
     "BCMA CAR-NK cells control multiple myeloma in humanised mice (demo preprint)",
     "In this made-up preprint, CAR-NK cells targeting BCMA slowed multiple myeloma growth in humanised "
     "mice; the treated mice lived longer than mice given unmodified NK cells."),
    (0, "paper", "10.5555/demo.paper.1", "2026-11-24",
     "Neoantigen mRNA vaccine with PD-1 blockade in melanoma: a phase 2 trial (demo paper)",
     "An invented phase 2 trial of a personalised neoantigen mRNA cancer vaccine combined with a PD-1 "
     "inhibitor in 84 patients with resected melanoma."),
    (0, "paper", "10.5555/demo.paper.2", "2026-11-21",
     "GPC3-targeted CAR-T cells in hepatocellular carcinoma (demo paper)",
     "A fictional phase 1 study gave GPC3 CAR-T cells to 12 patients with advanced hepatocellular "
     "carcinoma; the paper reports safety and early responses."),
    (1, "preprint", "10.5555/demo.preprint.2", "2026-11-19",
     "B7-H4 on tumour cells dampens T-cell attack in breast cancer organoids (demo preprint)",
     "Written for the demo: in breast cancer organoids, blocking the checkpoint B7-H4 restored T-cell "
     "killing in the lab, an in vitro result that still needs testing in animals."),
    (2, "trial", "NCT99000002", "2026-11-18",
     "Tumour-infiltrating lymphocyte therapy for metastatic cervical cancer (demo record)",
     "An invented phase 2 trial record of TIL therapy for patients with metastatic cervical cancer after "
     "chemotherapy. Planned enrolment: 40 participants."),
    (0, "paper", "10.5555/demo.paper.3", "2026-11-14",
     "Bispecific T-cell engager against DLL3 in small cell lung cancer (demo paper)",
     "A made-up phase 1 study of a DLL3 x CD3 bispecific T-cell engager in 36 patients with small cell "
     "lung cancer that progressed after chemotherapy."),
    (1, "preprint", "10.5555/demo.preprint.3", "2026-11-10",
     "Oncolytic virus remodels the stroma of pancreatic tumours in mice (demo preprint)",
     "In this fictional preprint, an oncolytic virus loosened the dense stroma of pancreatic ductal "
     "adenocarcinoma in mice and let T cells into the tumours; treated mice survived longer."),
]
