"""MeSH headings (and PubMed publication types) → Epitope concepts.

Used twice: as strong signals when a record carries its headings (`classify(subjects=...)`),
and to derive the gold labels the evaluation scores the classifier against (with the headings
removed from the classifier's input). MeSH has no exact equivalent for some concepts, so the
mapping is deliberately conservative: a heading maps only where its meaning is the concept.

| MeSH heading(s) | facet | concept |
| --- | --- | --- |
| Receptors, Chimeric Antigen | modality | car-t |
| Immunotherapy, Adoptive | modality | cell-therapy |
| Cancer Vaccines | modality | cancer-vaccine |
| mRNA Vaccines | modality | mrna-vaccine |
| Immune Checkpoint Inhibitors | modality | checkpoint-inhibitor |
| Nivolumab, Pembrolizumab | modality | pd-1-inhibitor |
| Ipilimumab | modality | ctla-4-inhibitor |
| Antibodies, Bispecific | modality | bispecific |
| Oncolytic Virotherapy, Oncolytic Viruses | modality | oncolytic-virus |
| Immunoconjugates, Ado-Trastuzumab Emtansine | modality | adc |
| Programmed Cell Death 1 Receptor | target | pd-1 |
| B7-H1 Antigen | target | pd-l1 |
| CTLA-4 Antigen | target | ctla-4 |
| Antigens, CD19 / CD20 / CD22 | target | cd19 / cd20 / cd22 |
| B-Cell Maturation Antigen | target | bcma |
| Receptor, ErbB-2 | target | her2 |
| Mesothelin | target | mesothelin |
| Lymphoma; Lymphoma, Non-Hodgkin; Lymphoma, B-Cell | cancer_type | lymphoma |
| Lymphoma, Large B-Cell, Diffuse | cancer_type | dlbcl |
| Lymphoma, Follicular / Mantle-Cell; Hodgkin Disease | cancer_type | follicular / mantle-cell / hodgkin |
| Leukemia; Precursor Cell Lymphoblastic Leukemia-Lymphoma | cancer_type | leukaemia; all |
| Leukemia, Lymphocytic, Chronic, B-Cell; Leukemia, Myeloid, Acute | cancer_type | cll; aml |
| Multiple Myeloma; Hematologic Neoplasms; Myelodysplastic Syndromes | cancer_type | multiple-myeloma; haematological; mds |
| Myeloproliferative Disorders; Polycythemia Vera; Primary Myelofibrosis; Thrombocythemia, Essential | cancer_type | mpn |
| Liver Neoplasms; Carcinoma, Hepatocellular | cancer_type | liver; hcc |
| Pancreatic Neoplasms; Carcinoma, Pancreatic Ductal | cancer_type | pancreatic |
| Lung Neoplasms; Carcinoma, Non-Small-Cell Lung; Small Cell Lung Carcinoma | cancer_type | lung; nsclc; sclc |
| Melanoma | cancer_type | melanoma |
| Breast Neoplasms; Triple Negative Breast Neoplasms | cancer_type | breast |
| Colorectal / Colonic / Rectal Neoplasms | cancer_type | colorectal |
| Brain Neoplasms; Glioma; Glioblastoma | cancer_type | brain; brain; glioblastoma |
| Prostatic Neoplasms (incl. Castration-Resistant) | cancer_type | prostate |
| Ovarian Neoplasms; Carcinoma, Ovarian Epithelial | cancer_type | ovarian |
| Kidney Neoplasms; Carcinoma, Renal Cell | cancer_type | renal |
| Head and Neck Neoplasms; Squamous Cell Carcinoma of Head and Neck; Mouth / Nasopharyngeal | cancer_type | head-and-neck |
| Urinary Bladder Neoplasms | cancer_type | bladder |
| Stomach Neoplasms; Esophageal Neoplasms | cancer_type | gastric; oesophageal |
| Uterine Cervical / Endometrial / Thyroid Neoplasms; Sarcoma; Osteosarcoma; Neuroblastoma; Mesothelioma | cancer_type | cervical / endometrial / thyroid / sarcoma / neuroblastoma / mesothelioma |
| Mice (and Mice, Inbred …/Nude/SCID/Transgenic/Knockout); Xenograft Model Antitumor Assays; Heterografts | evidence | mouse |
| Cell Line; Cell Line, Tumor; Cells, Cultured; In Vitro Techniques; Coculture Techniques | evidence | in-vitro |
| Organoids | evidence | organoid |
| Computer Simulation; Computational Biology; Machine Learning; Deep Learning; Algorithms; Monte Carlo Method; Molecular Docking / Dynamics Simulation; Mendelian Randomization Analysis; Neural Networks, Computer | evidence | computational |
| Child; Child, Preschool; Infant; Infant, Newborn; Adolescent; Pediatrics | evidence | paediatric |
| Publication type Clinical Trial, Phase I … IV | evidence | phase-1 … phase-4 |
| Publication type Clinical Trial; Randomized Controlled Trial; Controlled Clinical Trial | evidence | human-trial |
| Publication type Review; Systematic Review; Meta-Analysis | evidence | review |
| Older and finer neoplasm headings (Leukemia, Lymphoid; Mammary Neoplasms, Experimental; Plasmacytoma …): see `mesh_neoplasms` | cancer_type | its table |
| ClinicalTrials.gov phase EARLY_PHASE1, PHASE1 … PHASE4 (a signal when classifying; a label when evaluating) | evidence | phase-1 … phase-4 |
| ClinicalTrials.gov study type INTERVENTIONAL (label when evaluating only) | evidence | human-trial |
| ClinicalTrials.gov eligibility age group CHILD (label when evaluating only) | evidence | paediatric |

Relevance (gold), decided on what "cancer immunology" means, not on what the classifier does:
a record is relevant when it has a neoplasm heading AND an immune heading.

- Neoplasm heading: any Neoplasms-tree disease heading — the cancer types above, "Neoplasms",
  or a heading naming a neoplasm, carcinoma, lymphoma, leukaemia, melanoma, sarcoma, myeloma,
  glioma or -blastoma — but not a protein, cell line, drug, stage or process that merely
  contains such a word ("Cell Line, Tumor", "Promyelocytic Leukemia Protein", "Neoplasm Staging").
- Immune heading, any of:
  * an immunotherapy heading (what is given): Immunotherapy and its Adoptive / Active / Passive
    children, Receptors, Chimeric Antigen, Immune Checkpoint Inhibitors and the checkpoint drugs,
    Cancer Vaccines, mRNA Vaccines, Oncolytic Virotherapy / Viruses, Antibodies, Bispecific,
    Immunoconjugates (ADCs: a modality the issue lists), Antineoplastic Agents, Immunological,
    Cytokine Release Syndrome (the toxicity of T-cell-redirecting therapy);
  * a tumour-immunology heading (what is studied): Lymphocytes, Tumor-Infiltrating; Tumor Escape;
    Immune Evasion; Tumor-Associated Macrophages; Myeloid-Derived Suppressor Cells; the T-cell
    headings (T-Lymphocytes and its Cytotoxic / Regulatory / Helper-Inducer, CD4- and
    CD8-Positive children); Killer Cells, Natural; Natural Killer T-Cells; Dendritic Cells;
    Antigens, Neoplasm; Antigen Presentation; Immune Checkpoint Proteins; Programmed Cell Death 1
    Receptor; B7-H1 Antigen; CTLA-4 Antigen; Receptors, Antigen, T-Cell; Immunologic Surveillance;
    Immunity, Cellular;
  * a qualified heading, where the source gives qualifiers (PubMed, Europe PMC): a neoplasm
    heading or Tumor Microenvironment qualified "/immunology" (the indexer's own statement that
    the paper is about the tumour's immunology), or Antibodies, Monoclonal (Humanized) qualified
    "/therapeutic use" (antibody therapy, as opposed to an antibody used as a lab reagent).

Generic immune-cell headings without a tumour-immunology meaning (Macrophages, Lymphocytes,
Immunity, Innate) do not count by themselves; with a neoplasm "/immunology" qualifier they are
not needed. Headings are written "Descriptor" or "Descriptor/qualifier/qualifier".

ClinicalTrials.gov studies (`derivedSection`) give condition and intervention MeSH terms without
qualifiers; their phases (designModule.phases), an INTERVENTIONAL study type ("evidence:
human-trial") and the CHILD age group (eligibilityModule.stdAges: "evidence: paediatric") are
labels too.
"""

from __future__ import annotations

import re

from .mesh_neoplasms import NEOPLASM_HEADINGS

HEADING_CONCEPTS: dict[str, tuple[str, ...]] = {
    # modality
    "Receptors, Chimeric Antigen": ("modality:car-t",),
    "Immunotherapy, Adoptive": ("modality:cell-therapy",),
    "Cancer Vaccines": ("modality:cancer-vaccine",),
    "mRNA Vaccines": ("modality:mrna-vaccine",),
    "Immune Checkpoint Inhibitors": ("modality:checkpoint-inhibitor",),
    "Nivolumab": ("modality:pd-1-inhibitor",),
    "Pembrolizumab": ("modality:pd-1-inhibitor",),
    "Ipilimumab": ("modality:ctla-4-inhibitor",),
    "Antibodies, Bispecific": ("modality:bispecific",),
    "Oncolytic Virotherapy": ("modality:oncolytic-virus",),
    "Oncolytic Viruses": ("modality:oncolytic-virus",),
    "Immunoconjugates": ("modality:adc",),
    "Ado-Trastuzumab Emtansine": ("modality:adc",),
    # target
    "Programmed Cell Death 1 Receptor": ("target:pd-1",),
    "B7-H1 Antigen": ("target:pd-l1",),
    "CTLA-4 Antigen": ("target:ctla-4",),
    "Antigens, CD19": ("target:cd19",),
    "Antigens, CD20": ("target:cd20",),
    "Sialic Acid Binding Ig-like Lectin 2": ("target:cd22",),
    "B-Cell Maturation Antigen": ("target:bcma",),
    "Receptor, ErbB-2": ("target:her2",),
    "Mesothelin": ("target:mesothelin",),
    # cancer_type
    "Hematologic Neoplasms": ("cancer_type:haematological",),
    "Lymphoma": ("cancer_type:lymphoma",),
    "Lymphoma, Non-Hodgkin": ("cancer_type:lymphoma",),
    "Lymphoma, B-Cell": ("cancer_type:lymphoma",),
    "Lymphoma, Large B-Cell, Diffuse": ("cancer_type:dlbcl",),
    "Lymphoma, Follicular": ("cancer_type:follicular-lymphoma",),
    "Lymphoma, Mantle-Cell": ("cancer_type:mantle-cell-lymphoma",),
    "Hodgkin Disease": ("cancer_type:hodgkin-lymphoma",),
    "Lymphoma, T-Cell": ("cancer_type:t-cell-lymphoma",),
    "Lymphoma, T-Cell, Peripheral": ("cancer_type:t-cell-lymphoma",),
    "Lymphoma, T-Cell, Cutaneous": ("cancer_type:t-cell-lymphoma",),
    "Leukemia": ("cancer_type:leukaemia",),
    "Precursor Cell Lymphoblastic Leukemia-Lymphoma": ("cancer_type:all",),
    "Precursor B-Cell Lymphoblastic Leukemia-Lymphoma": ("cancer_type:all",),
    "Leukemia, Lymphocytic, Chronic, B-Cell": ("cancer_type:cll",),
    "Leukemia, Myeloid, Acute": ("cancer_type:aml",),
    "Leukemia, Promyelocytic, Acute": ("cancer_type:aml",),
    "Leukemia, Myelogenous, Chronic, BCR-ABL Positive": ("cancer_type:cml",),
    "Multiple Myeloma": ("cancer_type:multiple-myeloma",),
    "Myelodysplastic Syndromes": ("cancer_type:mds",),
    "Myeloproliferative Disorders": ("cancer_type:mpn",),
    "Polycythemia Vera": ("cancer_type:mpn",),
    "Primary Myelofibrosis": ("cancer_type:mpn",),
    "Thrombocythemia, Essential": ("cancer_type:mpn",),
    "Liver Neoplasms": ("cancer_type:liver",),
    "Carcinoma, Hepatocellular": ("cancer_type:hcc",),
    "Cholangiocarcinoma": ("cancer_type:biliary",),
    "Biliary Tract Neoplasms": ("cancer_type:biliary",),
    "Pancreatic Neoplasms": ("cancer_type:pancreatic",),
    "Carcinoma, Pancreatic Ductal": ("cancer_type:pancreatic",),
    "Lung Neoplasms": ("cancer_type:lung",),
    "Carcinoma, Non-Small-Cell Lung": ("cancer_type:nsclc",),
    "Small Cell Lung Carcinoma": ("cancer_type:sclc",),
    "Mesothelioma": ("cancer_type:mesothelioma",),
    "Mesothelioma, Malignant": ("cancer_type:mesothelioma",),
    "Melanoma": ("cancer_type:melanoma",),
    "Breast Neoplasms": ("cancer_type:breast",),
    "Triple Negative Breast Neoplasms": ("cancer_type:breast",),
    "Colorectal Neoplasms": ("cancer_type:colorectal",),
    "Colonic Neoplasms": ("cancer_type:colorectal",),
    "Rectal Neoplasms": ("cancer_type:colorectal",),
    "Brain Neoplasms": ("cancer_type:brain",),
    "Glioma": ("cancer_type:brain",),
    "Glioblastoma": ("cancer_type:glioblastoma",),
    "Prostatic Neoplasms": ("cancer_type:prostate",),
    "Prostatic Neoplasms, Castration-Resistant": ("cancer_type:prostate",),
    "Ovarian Neoplasms": ("cancer_type:ovarian",),
    "Carcinoma, Ovarian Epithelial": ("cancer_type:ovarian",),
    "Kidney Neoplasms": ("cancer_type:renal",),
    "Carcinoma, Renal Cell": ("cancer_type:renal",),
    "Head and Neck Neoplasms": ("cancer_type:head-and-neck",),
    "Squamous Cell Carcinoma of Head and Neck": ("cancer_type:head-and-neck",),
    "Mouth Neoplasms": ("cancer_type:head-and-neck",),
    "Nasopharyngeal Carcinoma": ("cancer_type:head-and-neck",),
    "Urinary Bladder Neoplasms": ("cancer_type:bladder",),
    "Stomach Neoplasms": ("cancer_type:gastric",),
    "Esophageal Neoplasms": ("cancer_type:oesophageal",),
    "Uterine Cervical Neoplasms": ("cancer_type:cervical",),
    "Endometrial Neoplasms": ("cancer_type:endometrial",),
    "Thyroid Neoplasms": ("cancer_type:thyroid",),
    "Sarcoma": ("cancer_type:sarcoma",),
    "Osteosarcoma": ("cancer_type:sarcoma",),
    "Neuroblastoma": ("cancer_type:neuroblastoma",),
    # evidence
    "Mice": ("evidence:mouse",),
    "Xenograft Model Antitumor Assays": ("evidence:mouse",),
    "Heterografts": ("evidence:mouse",),
    "Cell Line": ("evidence:in-vitro",),
    "Cell Line, Tumor": ("evidence:in-vitro",),
    "Cells, Cultured": ("evidence:in-vitro",),
    "In Vitro Techniques": ("evidence:in-vitro",),
    "Coculture Techniques": ("evidence:in-vitro",),
    "Organoids": ("evidence:organoid",),
    "Computer Simulation": ("evidence:computational",),
    "Computational Biology": ("evidence:computational",),
    "Machine Learning": ("evidence:computational",),
    "Deep Learning": ("evidence:computational",),
    "Algorithms": ("evidence:computational",),
    "Monte Carlo Method": ("evidence:computational",),
    "Molecular Docking Simulation": ("evidence:computational",),
    "Molecular Dynamics Simulation": ("evidence:computational",),
    "Mendelian Randomization Analysis": ("evidence:computational",),
    "Neural Networks, Computer": ("evidence:computational",),
    "Child": ("evidence:paediatric",),
    "Child, Preschool": ("evidence:paediatric",),
    "Infant": ("evidence:paediatric",),
    "Infant, Newborn": ("evidence:paediatric",),
    "Adolescent": ("evidence:paediatric",),
    "Pediatrics": ("evidence:paediatric",),
    # publication types
    "Clinical Trial, Phase I": ("evidence:phase-1",),
    "Clinical Trial, Phase II": ("evidence:phase-2",),
    "Clinical Trial, Phase III": ("evidence:phase-3",),
    "Clinical Trial, Phase IV": ("evidence:phase-4",),
    "Clinical Trial": ("evidence:human-trial",),
    "Randomized Controlled Trial": ("evidence:human-trial",),
    "Controlled Clinical Trial": ("evidence:human-trial",),
    # ClinicalTrials.gov designModule.phases, as the ingest adapter keeps them.
    "EARLY_PHASE1": ("evidence:phase-1",),
    "PHASE1": ("evidence:phase-1",),
    "PHASE2": ("evidence:phase-2",),
    "PHASE3": ("evidence:phase-3",),
    "PHASE4": ("evidence:phase-4",),
    "INTERVENTIONAL": ("evidence:human-trial",),
    "CHILD": ("evidence:paediatric",),  # eligibilityModule.stdAges: under 18 may enrol
    "Review": ("evidence:review",),
    "Systematic Review": ("evidence:review",),
    "Meta-Analysis": ("evidence:review",),
}

HEADING_CONCEPTS.update(NEOPLASM_HEADINGS)

IMMUNOTHERAPY_HEADINGS = frozenset({
    "Immunotherapy", "Immunotherapy, Adoptive", "Immunotherapy, Active", "Immunotherapy, Passive",
    "Receptors, Chimeric Antigen", "Immune Checkpoint Inhibitors", "Cancer Vaccines", "mRNA Vaccines",
    "Oncolytic Virotherapy", "Oncolytic Viruses", "Antibodies, Bispecific", "Immunoconjugates",
    "Ado-Trastuzumab Emtansine", "Nivolumab", "Pembrolizumab", "Ipilimumab",
    "Antineoplastic Agents, Immunological", "Cytokine Release Syndrome",
})
TUMOUR_IMMUNOLOGY_HEADINGS = frozenset({
    "Lymphocytes, Tumor-Infiltrating", "Tumor Escape", "Immune Evasion", "Tumor-Associated Macrophages",
    "Myeloid-Derived Suppressor Cells", "T-Lymphocytes", "T-Lymphocytes, Cytotoxic",
    "T-Lymphocytes, Regulatory", "T-Lymphocytes, Helper-Inducer", "CD4-Positive T-Lymphocytes",
    "CD8-Positive T-Lymphocytes", "Killer Cells, Natural", "Natural Killer T-Cells", "Dendritic Cells",
    "Antigens, Neoplasm", "Antigen Presentation", "Immune Checkpoint Proteins",
    "Programmed Cell Death 1 Receptor", "B7-H1 Antigen", "CTLA-4 Antigen", "Receptors, Antigen, T-Cell",
    "Immunologic Surveillance", "Immunity, Cellular",
})
# Descriptor → qualifiers that make it an immune heading (see the docstring).
_QUALIFIED_IMMUNE = {
    "Tumor Microenvironment": {"immunology"},
    "Antibodies, Monoclonal": {"therapeutic use"},
    "Antibodies, Monoclonal, Humanized": {"therapeutic use"},
}

_NEOPLASM_WORDS = re.compile(
    r"neoplasm|carcinoma|lymphoma|leukemia|melanoma|sarcoma|myeloma|glioma|blastoma|mesothelioma|"
    r"hodgkin|adenoma|neurilemmoma|tumor$",
    re.IGNORECASE,
)
_NOT_A_DISEASE = re.compile(
    r"^(cell line|biomarkers|antineoplastic|tumor microenvironment|tumor necrosis|tumor suppressor|"
    r"promyelocytic leukemia protein|neoplasm staging|neoplasm proteins|neoplasm metastasis|"
    r"neoplasm recurrence|neoplasm invasiveness|neoplasm, residual|neoplastic cells, circulating|"
    r"leukemia inhibitory factor|early detection of cancer|antigens, neoplasm|rna, neoplasm|"
    r"dna, neoplasm|gene expression regulation, neoplastic|drug resistance, neoplasm)",
    re.IGNORECASE,
)
_MICE = re.compile(r"^Mice(,|$)")


def split_heading(heading: str) -> tuple[str, frozenset[str]]:
    """Return (descriptor, qualifiers) of "Descriptor/qualifier/qualifier"."""
    descriptor, *qualifiers = (heading or "").split("/")
    return descriptor.strip(), frozenset(q.strip().lower() for q in qualifiers if q.strip())


def heading_concepts(heading: str) -> tuple[str, ...]:
    """Return the "facet:concept" refs a MeSH heading or publication type stands for."""
    heading = heading.strip()
    if heading in HEADING_CONCEPTS:
        return HEADING_CONCEPTS[heading]
    if _MICE.match(heading):
        return ("evidence:mouse",)
    return ()


def is_neoplasm_heading(heading: str) -> bool:
    heading = heading.strip()
    if _NOT_A_DISEASE.match(heading):
        return False
    return heading == "Neoplasms" or bool(_NEOPLASM_WORDS.search(heading)) or any(
        ref.startswith("cancer_type:") for ref in HEADING_CONCEPTS.get(heading, ())
    )


def is_immunotherapy_heading(heading: str) -> bool:
    return heading.strip() in IMMUNOTHERAPY_HEADINGS


def is_immune_heading(heading: str) -> bool:
    """True for an immunotherapy or tumour-immunology heading, or an immune-qualified one."""
    descriptor, qualifiers = split_heading(heading)
    if descriptor in IMMUNOTHERAPY_HEADINGS or descriptor in TUMOUR_IMMUNOLOGY_HEADINGS:
        return True
    if "immunology" in qualifiers and is_neoplasm_heading(descriptor):
        return True
    return bool(qualifiers & _QUALIFIED_IMMUNE.get(descriptor, frozenset()))


def gold_labels(headings) -> dict:
    """Return the evaluation labels headings imply: relevance and {facet: {concepts}}.

    `headings` are MeSH headings ("Descriptor" or "Descriptor/qualifier…"), publication types
    and registry phases, as one list.
    """
    headings = [h.strip() for h in headings if h and h.strip()]
    descriptors = [split_heading(h)[0] for h in headings]
    facets: dict[str, set[str]] = {}
    for descriptor in descriptors:
        for ref in heading_concepts(descriptor):
            facet, _, concept = ref.partition(":")
            facets.setdefault(facet, set()).add(concept)
    relevant = any(map(is_immune_heading, headings)) and any(map(is_neoplasm_heading, descriptors))
    return {"relevant": relevant, "facets": facets}
