"""MeSH neoplasm headings → cancer-type concepts, beyond the modern headings in `mesh_map`.

MEDLINE keeps old citations indexed in today's descriptor names but at the depth the indexers
had then: a 1978 chronic lymphocytic leukaemia paper carries "Leukemia, Lymphoid", an animal
breast-tumour paper "Mammary Neoplasms, Experimental", a hepatoma paper "Liver Neoplasms,
Experimental". These map to the concept the descriptor means, placed as MeSH places it (a
site's descriptors below "Head and Neck Neoplasms" to head-and-neck, a subtype of sarcoma to
sarcoma). Merged into `mesh_map.HEADING_CONCEPTS`, so they are gold labels when evaluating and
signals when a record carries them.

| MeSH heading(s) | concept |
| --- | --- |
| Mammary Neoplasms, Experimental; Mammary Neoplasms, Animal | breast |
| Leukemia, Lymphoid; Leukemia, Myeloid; Leukemia, Experimental; Leukemia L1210; Leukemia P388; Leukemia, Hairy Cell; Leukemia, Plasma Cell; Leukemia, Monocytic, Chronic | leukaemia |
| Leukemia, Lymphocytic, Chronic (old name of the B-cell descriptor) | cll |
| Leukemia, Myelogenous, Chronic (old name) | cml |
| Leukemia, Erythroblastic, Acute; Leukemia, Monocytic, Acute; Leukemia, Myelomonocytic, Acute; Leukemia, Megakaryoblastic, Acute | aml |
| Preleukemia (a child of Myelodysplastic Syndromes in MeSH) | mds |
| Burkitt Lymphoma; Waldenstrom Macroglobulinemia (lymphoplasmacytic lymphoma, under Lymphoma, B-Cell) | lymphoma |
| Mycosis Fungoides; Sezary Syndrome | t-cell-lymphoma |
| Plasmacytoma (with Multiple Myeloma under Neoplasms, Plasma Cell) | multiple-myeloma |
| Liver Neoplasms, Experimental | liver |
| Bile Duct Neoplasms; Gallbladder Neoplasms; Common Bile Duct Neoplasms | biliary |
| Carcinoma, Bronchogenic; Bronchial Neoplasms | lung |
| Colorectal headings' old siblings: Sigmoid Neoplasms; Cecal Neoplasms | colorectal |
| Laryngeal, Pharyngeal, Nasopharyngeal, Oropharyngeal, Hypopharyngeal, Tonsillar, Tongue, Lip, Gingival, Palatal, Salivary Gland, Parotid, Paranasal Sinus, Maxillary Sinus and Nose Neoplasms | head-and-neck |
| Uterine Neoplasms (in 1970s indexing the uterine body; the cervix has its own heading) | endometrial |
| Carcinoma, Basal Cell | skin |
| Oligodendroglioma; Astrocytoma; Ependymoma; Medulloblastoma; Cerebellar, Cerebral Ventricle, Infratentorial, Supratentorial and Brain Stem Neoplasms | brain |
| Fibrosarcoma; Rhabdomyosarcoma; Liposarcoma; Leiomyosarcoma; Chondrosarcoma; Sarcoma, Ewing; Sarcoma, Experimental; Sarcoma, Yoshida; Sarcoma 180; Hemangiosarcoma; Lymphangiosarcoma; Histiocytoma, Malignant Fibrous; Sarcoma, Synovial | sarcoma |

Not mapped, because no concept of the vocabulary means them: site groups wider than one concept
(Bone, Skin, Soft Tissue, Intestinal, Gastrointestinal, Uterine-less Genital, Thoracic, Eye,
Orbital Neoplasms), testicular, pituitary, adrenal, parathyroid and thymus neoplasms,
retinoblastoma, choriocarcinoma, Kaposi's sarcoma (its own disease), Mast-Cell Sarcoma (mostly
the P815 mouse mastocytoma line), transplantable tumour lines named after a carcinoma
(Carcinoma, Ehrlich Tumor; Carcinoma 256, Walker), and histological types without a site
(Neoplasms, Adenocarcinoma, Carcinoma, Carcinoma, Squamous Cell, Adenoma).
"""

from __future__ import annotations

_GROUPS: dict[str, tuple[str, ...]] = {
    "breast": ("Mammary Neoplasms, Experimental", "Mammary Neoplasms, Animal"),
    "leukaemia": ("Leukemia, Lymphoid", "Leukemia, Myeloid", "Leukemia, Experimental", "Leukemia L1210",
                  "Leukemia P388", "Leukemia, Hairy Cell", "Leukemia, Plasma Cell",
                  "Leukemia, Monocytic, Chronic"),
    "cll": ("Leukemia, Lymphocytic, Chronic",),
    "cml": ("Leukemia, Myelogenous, Chronic",),
    "aml": ("Leukemia, Erythroblastic, Acute", "Leukemia, Monocytic, Acute",
            "Leukemia, Myelomonocytic, Acute", "Leukemia, Megakaryoblastic, Acute"),
    "mds": ("Preleukemia",),
    "lymphoma": ("Burkitt Lymphoma", "Waldenstrom Macroglobulinemia"),
    "multiple-myeloma": ("Plasmacytoma",),
    "t-cell-lymphoma": ("Mycosis Fungoides", "Sezary Syndrome"),
    "liver": ("Liver Neoplasms, Experimental",),
    "biliary": ("Bile Duct Neoplasms", "Gallbladder Neoplasms", "Common Bile Duct Neoplasms"),
    "lung": ("Carcinoma, Bronchogenic", "Bronchial Neoplasms"),
    "colorectal": ("Sigmoid Neoplasms", "Cecal Neoplasms"),
    "head-and-neck": ("Laryngeal Neoplasms", "Pharyngeal Neoplasms", "Nasopharyngeal Neoplasms",
                      "Oropharyngeal Neoplasms", "Hypopharyngeal Neoplasms", "Tonsillar Neoplasms",
                      "Tongue Neoplasms", "Lip Neoplasms", "Gingival Neoplasms", "Palatal Neoplasms",
                      "Salivary Gland Neoplasms", "Parotid Neoplasms", "Paranasal Sinus Neoplasms",
                      "Maxillary Sinus Neoplasms", "Nose Neoplasms"),
    "endometrial": ("Uterine Neoplasms",),
    "skin": ("Carcinoma, Basal Cell",),
    "brain": ("Oligodendroglioma", "Astrocytoma", "Ependymoma", "Medulloblastoma", "Cerebellar Neoplasms",
              "Cerebral Ventricle Neoplasms", "Infratentorial Neoplasms", "Supratentorial Neoplasms",
              "Brain Stem Neoplasms"),
    "sarcoma": ("Fibrosarcoma", "Rhabdomyosarcoma", "Liposarcoma", "Leiomyosarcoma", "Chondrosarcoma",
                "Sarcoma, Ewing", "Sarcoma, Experimental", "Sarcoma, Yoshida", "Sarcoma 180",
                "Hemangiosarcoma", "Lymphangiosarcoma", "Histiocytoma, Malignant Fibrous",
                "Sarcoma, Synovial"),
}

NEOPLASM_HEADINGS: dict[str, tuple[str, ...]] = {
    heading: (f"cancer_type:{concept}",) for concept, headings in _GROUPS.items() for heading in headings
}
