"""Immuno-oncology word pools and the sentences built from them, for synthetic data.

The text reads like the field (therapies, targets, cancers, trial phases) so that search,
classification and the leads inbox see the vocabulary they see in production.
"""

MODALITIES = [
    "CAR-T cell therapy", "anti-PD-1 antibody", "anti-PD-L1 antibody", "anti-CTLA-4 antibody",
    "personalised mRNA vaccine", "neoantigen vaccine", "bispecific T-cell engager", "TIL therapy",
    "NK cell therapy", "oncolytic virus", "TCR-T cell therapy", "dendritic cell vaccine",
    "LAG-3 blockade", "TIGIT antibody", "IL-2 variant", "antibody-drug conjugate",
]
DRUGS = [
    "pembrolizumab", "nivolumab", "atezolizumab", "durvalumab", "ipilimumab", "cemiplimab",
    "tisagenlecleucel", "axicabtagene ciloleucel", "lifileucel", "relatlimab", "tebentafusp",
    "blinatumomab", "teclistamab", "tarlatamab", "dostarlimab", "tislelizumab",
]
CANCERS = [
    "melanoma", "non-small cell lung cancer", "triple-negative breast cancer", "glioblastoma",
    "pancreatic ductal adenocarcinoma", "colorectal cancer", "hepatocellular carcinoma",
    "diffuse large B-cell lymphoma", "multiple myeloma", "acute lymphoblastic leukaemia",
    "renal cell carcinoma", "urothelial carcinoma", "head and neck squamous cell carcinoma",
    "ovarian cancer", "gastric cancer", "small cell lung cancer", "mesothelioma", "uveal melanoma",
]
TARGETS = [
    "CD19", "BCMA", "PD-1", "PD-L1", "CTLA-4", "LAG-3", "TIGIT", "HER2", "GD2", "Claudin 18.2",
    "DLL3", "GPRC5D", "CD47", "KRAS G12D", "NY-ESO-1", "MAGE-A4", "TROP2", "CD3",
]
FINDINGS = [
    "improves overall survival", "extends progression-free survival", "induces durable responses",
    "reshapes the tumour microenvironment", "overcomes resistance", "expands tumour-reactive T cells",
    "shows manageable toxicity", "fails to beat standard of care", "predicts response",
    "reduces cytokine release syndrome",
]
CELLS = [
    "CD8+ T cells", "regulatory T cells", "tumour-associated macrophages", "myeloid-derived suppressor cells",
    "exhausted T cells", "tertiary lymphoid structures", "B cells", "natural killer cells",
    "cancer-associated fibroblasts", "dendritic cells",
]
SUBJECTS = [
    "Immunotherapy", "T-Lymphocytes", "Immune Checkpoint Inhibitors", "Receptors, Chimeric Antigen",
    "Cancer Vaccines", "Tumor Microenvironment", "Clinical Trials as Topic", "Antigens, Neoplasm",
    "Neoplasms", "Lymphocytes, Tumor-Infiltrating", "Biomarkers, Tumor", "Drug Resistance, Neoplasm",
]
SURNAMES = [
    "Okafor", "Lindqvist", "Tanaka", "Moreau", "Haddad", "Kowalski", "Fernández", "Nguyen",
    "O'Brien", "Schmidt", "Rossi", "Chen", "Mensah", "Ivanova", "Patel", "García", "Novak", "Sato",
]
INITIALS = "ABCDEFGHJKLMNPRSTVW"


def person(rng):
    return f"{rng.choice(INITIALS)}. {rng.choice(SURNAMES)}"


def headline(rng, about=None):
    """Return a news headline about a therapy, a target or a cancer (those of `about`, if given)."""
    pick = _picker(rng, about)
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{pick('modality', MODALITIES).capitalize()} {rng.choice(FINDINGS)} in {pick('cancer', CANCERS)}"
    if pattern == 1:
        return f"Targeting {pick('target', TARGETS)}: what the latest {pick('cancer', CANCERS)} data show"
    if pattern == 2:
        return f"{pick('drug', DRUGS).capitalize()} {rng.choice(FINDINGS)} in phase {rng.choice('123')} trial"
    return f"How {rng.choice(CELLS)} shape responses to {pick('modality', MODALITIES)}"


def subject(rng):
    """Return what one article is about: a therapy, a drug, a cancer and a target.

    A story is about one thing: its headline, standfirst and body name the same therapy and
    cancer, so it carries the handful of concepts a real article does (an article of unrelated
    abstracts carried ~25 concept rows, two to three times a real one's).
    """
    return {"modality": rng.choice(MODALITIES), "drug": rng.choice(DRUGS), "cancer": rng.choice(CANCERS),
            "target": rng.choice(TARGETS)}


def _picker(rng, about):
    if about is None:
        return lambda key, pool: rng.choice(pool)
    return lambda key, pool: about[key]


def paper_title(rng, kind):
    """Return a title in the register of a paper, preprint, trial registration or news item."""
    cancer, drug, target = rng.choice(CANCERS), rng.choice(DRUGS), rng.choice(TARGETS)
    if kind == "trial":
        phase = rng.choice(("1", "1/2", "2", "3"))
        return f"A Phase {phase} Study of {drug.capitalize()} Plus {rng.choice(DRUGS).capitalize()} in Patients With {cancer.title()}"
    if kind == "news":
        return headline(rng)
    if rng.random() < 0.5:
        return f"{target}-directed {rng.choice(MODALITIES)} in {cancer}: a {rng.choice(('phase 1', 'phase 2', 'randomised phase 3', 'single-arm'))} trial"
    return f"{rng.choice(CELLS).capitalize()} predict response to {drug} in {cancer}"


def standfirst(rng, about=None):
    pick = _picker(rng, about)
    return (f"Researchers report that {pick('modality', MODALITIES)} {rng.choice(FINDINGS)} in patients with "
            f"{pick('cancer', CANCERS)}, with {rng.choice(CELLS)} at the centre of the story.")


def abstract(rng):
    """Return a four-sentence abstract: background, methods, results, conclusion."""
    n = rng.randint(12, 480)
    return (
        f"Background: {rng.choice(MODALITIES).capitalize()} targeting {rng.choice(TARGETS)} has shown activity in "
        f"{rng.choice(CANCERS)}. Methods: We enrolled {n} patients and profiled {rng.choice(CELLS)} before and during "
        f"treatment with {rng.choice(DRUGS)}. Results: The objective response rate was {rng.randint(5, 70)}% and "
        f"median progression-free survival {rng.randint(2, 30)} months; responders showed expansion of "
        f"{rng.choice(CELLS)}. Conclusions: {rng.choice(MODALITIES).capitalize()} {rng.choice(FINDINGS)}."
    )


def story_paragraphs(rng, about, count=3):
    """Return `count` paragraphs of a news story about one subject (see `subject`)."""
    n = rng.randint(12, 480)
    pool = [
        f"{about['drug'].capitalize()}, given as {about['modality']} directed at {about['target']}, was tested in "
        f"{n} patients with {about['cancer']}.",
        f"The objective response rate was {rng.randint(5, 70)}% and median progression-free survival "
        f"{rng.randint(2, 30)} months; responders showed expansion of {rng.choice(CELLS)}.",
        f"Independent experts said the results suggest {about['modality']} {rng.choice(FINDINGS)}, but that larger "
        f"trials in {about['cancer']} are needed.",
        f"The team now plans to study how {rng.choice(CELLS)} and {rng.choice(CELLS)} change during treatment.",
    ]
    return pool[:count] if count <= len(pool) else pool + [abstract(rng) for _ in range(count - len(pool))]
