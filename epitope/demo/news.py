"""Demo News stories, written for Epitope's demo in our own words; the facts come from public reports.

References point to searches on ClinicalTrials.gov and PubMed rather than to invented citations.
"""

from .searches import pubmed, trials

NEWS = [
    {
        "slug": "car-t-after-car-t-failure-lymphoma",
        "title": "A second CAR-T target gives lymphoma patients an option after CAR-T fails",
        "type": "news",
        "date": "2026-11-27",
        "byline": "By Hana Kowalczyk",
        "topics": ["cell-therapy"],
        "standfirst": (
            "When large B-cell lymphoma returns after CAR-T treatment, patients typically live about six "
            "months. A phase 1 trial of CAR-T cells aimed at a different surface protein, CD22, suggests "
            "that a second cell therapy can still work."
        ),
        "image": {
            "seed": 1101,
            "subject": "lymphoma cells",
            "caption": "Engineered T cells closing in on lymphoma cells: an artist's impression.",
        },
        "body": [
            "CAR-T cells directed at CD19 have changed the outlook for many people with aggressive B-cell "
            "lymphoma, but a large share of patients relapse. Often the cancer cells come back with less "
            "CD19 on their surface, leaving the engineered cells with nothing to grab. Until now there has "
            "been no standard next step, and median survival after such a relapse has been measured in "
            "months.",
            "The phase 1 study treated patients whose lymphoma had progressed after CD19 CAR-T with a cell "
            "product recognising CD22, another protein found on B cells. The investigators report that most "
            "patients responded and that a sizeable group had complete responses, some of which have lasted "
            "for more than a year.",
            "Side effects resembled those of the first generation of CAR-T therapies: cytokine release "
            "syndrome was common but mostly mild, and neurological toxicity was infrequent. The team also "
            "noted a drop in certain immune cells that left some patients vulnerable to infection, a point "
            "larger trials will need to watch.",
            "A phase 1 trial is designed to find a safe dose, not to prove benefit, and the patients were "
            "treated at a single centre. Still, the results make the case for a randomised study and for "
            "CAR-T products that recognise two targets at once, which might stop escape before it starts.",
        ],
        "references": [
            trials("CD22 CAR T lymphoma", "registered trials of CD22-directed CAR-T cells in lymphoma"),
        ],
    },
    {
        "slug": "co-star-cells-four-cell-types",
        "title": "Co-STAR receptors borrow parts from four kinds of immune cell",
        "type": "news",
        "date": "2026-11-20",
        "byline": "By Tomás Reyes",
        "topics": ["cell-therapy"],
        "standfirst": (
            "Engineers have assembled a synthetic T-cell receptor from components that normally work in "
            "four different immune cell types. In laboratory and mouse experiments the resulting Co-STAR "
            "cells persisted longer and controlled tumours better than conventional designs."
        ),
        "image": {
            "seed": 1203,
            "caption": "Immune cells of several kinds surround tumour cells: an artist's impression.",
        },
        "body": [
            "Chimeric antigen receptors bolt an antibody fragment onto T-cell signalling parts. They work "
            "well against blood cancers whose targets are abundant, but they can miss tumour cells that "
            "carry only a little of the target, and the cells they are built into tend to tire quickly.",
            "The Co-STAR design starts instead from the natural T-cell receptor complex, which is very "
            "sensitive, and adds recognition and co-stimulation modules drawn from other immune cells. The "
            "researchers describe the result as a chimera of parts that evolved in four different cell "
            "types, each contributing something the others lack.",
            "In cultures and in mice carrying human tumours, Co-STAR cells responded to lower amounts of "
            "antigen, divided more and survived longer than cells carrying a standard CAR. Tumours that "
            "escaped conventional CAR-T cells were held in check for longer.",
            "Whether the advantage survives the step into people is the open question. The authors say "
            "early clinical testing is being planned, and that the modular design should make it "
            "straightforward to swap in recognition domains for other cancers.",
        ],
        "references": [pubmed("Co-STAR T cell receptor", "published work on Co-STAR receptors")],
    },
    {
        "slug": "liver-tumour-microproteins-vaccine-targets",
        "title": "Hidden microproteins in liver tumours could be targets for cancer vaccines",
        "type": "news",
        "date": "2026-11-06",
        "byline": "By Priya Raman",
        "topics": ["cancer-vaccines"],
        "standfirst": (
            "Stretches of the genome long dismissed as non-coding produce small proteins in liver cancer "
            "cells. Fragments of these microproteins appear on the tumour surface, where T cells can see "
            "them, making them candidates for vaccines."
        ),
        "image": {
            "seed": 1307,
            "subject": "liver tumour cells",
            "caption": "T cells patrol the edge of liver tumour cells: an artist's impression.",
        },
        "body": [
            "Most cancer vaccines in development target mutated versions of known proteins. Liver cancers, "
            "however, often carry relatively few such mutations, which leaves vaccine designers short of "
            "targets that are both specific to the tumour and visible to the immune system.",
            "The study combined ribosome profiling, which shows which RNA sequences are actually being "
            "translated, with mass spectrometry of the peptides displayed on tumour cells. Together the two "
            "methods revealed short open reading frames that are translated in hepatocellular carcinoma but "
            "rarely in healthy liver.",
            "Several peptides from these microproteins were presented by common HLA types, and T cells from "
            "patients' blood recognised some of them in the laboratory. Because the sequences are shared "
            "between patients rather than unique to one tumour, a vaccine built on them could be made in "
            "advance rather than for each person.",
            "The work stops short of vaccinating anyone. The next steps are to check that the peptides are "
            "absent from other healthy tissues and to test whether vaccination can expand the responding T "
            "cells without harm.",
        ],
        "references": [
            pubmed(
                "microproteins hepatocellular carcinoma HLA peptides",
                "microproteins presented on liver cancer cells",
            ),
        ],
    },
    {
        "slug": "stem-cell-derived-therapy-resistant-liver-cancer",
        "title": "Immune cells grown from stem cells take on drug-resistant liver cancer",
        "type": "news",
        "date": "2026-10-30",
        "byline": "By Jonah Whitfield",
        "topics": ["cell-therapy"],
        "standfirst": (
            "A cell therapy manufactured from induced pluripotent stem cells shrank hepatocellular "
            "carcinomas that no longer responded to standard drugs in mouse models. Because the cells come "
            "from a master line, the approach could be made off the shelf."
        ),
        "image": {
            "seed": 1409,
            "subject": "liver cancer cells",
            "caption": "Stem-cell-derived immune cells meet liver cancer cells: an artist's impression.",
        },
        "body": [
            "Hepatocellular carcinoma is the commonest form of primary liver cancer, and many patients are "
            "diagnosed when surgery is no longer possible. Checkpoint inhibitors and targeted drugs help "
            "some, but resistance is frequent and options after that are limited.",
            "Personalised cell therapies are expensive and slow to make, which matters for a disease that "
            "can progress quickly. The researchers instead differentiated induced pluripotent stem cells "
            "into immune effector cells and armed them with a receptor recognising a protein that is "
            "abundant on liver cancer cells.",
            "In mice bearing human liver tumours that had been made resistant to standard treatment, the "
            "cells homed to the tumours, killed cancer cells and slowed growth, with the strongest effect "
            "when they were combined with an existing drug. The team saw no damage to normal liver tissue.",
            "Cells derived from a single stem-cell line could in principle be banked and given to many "
            "patients. Work is now under way to show that the product can be manufactured to clinical "
            "standards before a first trial.",
        ],
        "references": [
            trials(
                "iPSC derived hepatocellular carcinoma",
                "trials of stem-cell-derived cell therapies in liver cancer",
            ),
        ],
    },
    {
        "slug": "nidogen-2-pancreatic-tumour-stroma",
        "title": "Nidogen-2 thins the scar-like shield around pancreatic tumours",
        "type": "news",
        "date": "2026-10-23",
        "byline": "By Amara Nwosu",
        "topics": ["tumour-microenvironment"],
        "standfirst": (
            "Pancreatic cancers wrap themselves in dense fibrous stroma that keeps drugs and immune cells "
            "out. A basement-membrane protein, nidogen-2, reduced that stroma in mouse tumours and made "
            "them more vulnerable to treatment."
        ),
        "image": {
            "seed": 1511,
            "subject": "pancreatic tumour cells",
            "caption": "A dense web of stroma surrounds pancreatic tumour cells: an artist's impression.",
        },
        "body": [
            "Much of a pancreatic tumour is not cancer at all but stroma: fibroblasts, collagen and other "
            "matrix laid down around the malignant cells. This tissue raises pressure inside the tumour, "
            "collapses blood vessels and is one reason chemotherapy and immunotherapy rarely reach their "
            "target.",
            "The researchers noticed that tumours with more nidogen-2, a protein normally found in basement "
            "membranes, had less fibrous stroma. When they raised nidogen-2 levels in mouse models, the "
            "fibroblasts that build the stroma became less active and the tumours softened.",
            "Blood flow improved, more chemotherapy reached the cancer cells, and more T cells found their "
            "way inside. Mice treated this way lived longer than those given chemotherapy alone.",
            "Earlier attempts to strip away pancreatic stroma wholesale backfired, because some of it "
            "restrains the tumour. The authors argue that nidogen-2 reshapes rather than removes the "
            "stroma, but that distinction will have to be shown in patients.",
        ],
        "references": [
            pubmed("nidogen-2 pancreatic cancer stroma", "nidogen-2 and the pancreatic tumour stroma"),
        ],
    },
    {
        "slug": "car-t-child-with-lupus",
        "title": "CAR-T therapy brings a child's severe lupus into remission",
        "type": "news",
        "date": "2026-10-09",
        "byline": "By Hana Kowalczyk",
        "topics": ["cell-therapy"],
        "standfirst": (
            "A cell therapy developed for leukaemia has been used to treat a child with life-threatening "
            "lupus that had not responded to standard drugs. Months later the disease remains quiet without "
            "immunosuppressive medicine."
        ),
        "image": {
            "seed": 1613,
            "subject": "antibody-producing B cells",
            "caption": "Engineered T cells surround B cells: an artist's impression.",
        },
        "body": [
            "In systemic lupus erythematosus the immune system makes antibodies against the body's own "
            "tissues. Children with the disease often have severe kidney involvement and may spend years on "
            "steroids and other drugs that carry serious side effects of their own.",
            "The treating team collected the child's T cells, engineered them to recognise CD19 on B cells, "
            "and infused them after a short course of conditioning chemotherapy, the same approach used in "
            "B-cell leukaemia. The B cells that produce harmful antibodies were cleared from the blood "
            "within days.",
            "When B cells later returned, they appeared to be new cells rather than the old autoreactive "
            "ones, and the disease did not flare. Kidney function improved and the child was able to stop "
            "the medicines they had relied on.",
            "Similar results have been reported in adults with lupus, and trials are now recruiting. "
            "Doctors caution that a single case cannot show how long remissions last, or how the risks of "
            "CAR-T compare with those of long-term immunosuppression in growing children.",
        ],
        "references": [trials("CAR T lupus children", "trials of CAR-T cells in childhood lupus")],
    },
    {
        "slug": "early-development-multiple-myeloma",
        "title": "The immune system changes years before multiple myeloma appears",
        "type": "news",
        "date": "2026-09-25",
        "byline": "By Priya Raman",
        "topics": ["tumour-microenvironment"],
        "standfirst": (
            "Single-cell studies of bone marrow from people with precursor conditions show that the immune "
            "environment shifts long before myeloma is diagnosed. The findings could help decide who needs "
            "early treatment."
        ),
        "image": {
            "seed": 1717,
            "subject": "plasma cells",
            "caption": "Plasma cells in the bone marrow, ringed by immune cells: an artist's impression.",
        },
        "body": [
            "Multiple myeloma, a cancer of antibody-producing plasma cells, is nearly always preceded by "
            "silent stages known as monoclonal gammopathy of undetermined significance and smouldering "
            "myeloma. Most people with these conditions never develop cancer, and predicting who will is "
            "hard.",
            "The researchers profiled thousands of individual cells from the bone marrow of people at each "
            "stage. Alongside genetic changes in the abnormal plasma cells, they found changes in the "
            "surrounding T cells and myeloid cells that became more pronounced as disease advanced.",
            "In people who went on to develop myeloma, T cells in the marrow showed signs of exhaustion "
            "earlier, and inflammatory myeloid cells became more common. Some of these patterns could be "
            "detected before the abnormal plasma cells had expanded much.",
            "If confirmed in larger groups followed over time, immune signatures like these could be added "
            "to the blood and marrow measurements used to judge risk, and could point to windows when "
            "immunotherapy might prevent progression.",
        ],
        "references": [
            pubmed(
                "smoldering myeloma bone marrow immune single-cell",
                "single-cell studies of myeloma precursor conditions",
            ),
        ],
    },
    {
        "slug": "til-therapy-melanoma-follow-up",
        "title": "Tumour-infiltrating lymphocyte therapy keeps working in melanoma years on",
        "type": "news",
        "date": "2026-09-18",
        "byline": "By Jonah Whitfield",
        "topics": ["cell-therapy"],
        "standfirst": (
            "Longer follow-up of people with advanced melanoma treated with their own tumour-infiltrating "
            "lymphocytes shows that a minority have lasting responses. Earlier treatment appears to help."
        ),
        "image": {
            "seed": 1819,
            "subject": "melanoma cells",
            "caption": "Lymphocytes crowd into a melanoma: an artist's impression.",
        },
        "body": [
            "TIL therapy takes T cells that have already found their way into a patient's tumour, grows "
            "billions of them in the laboratory, and returns them after chemotherapy clears space in the "
            "immune system. It became an approved treatment for melanoma that progresses after checkpoint "
            "inhibitors.",
            "The new analysis follows patients treated in the trials that supported approval. Roughly a "
            "third responded, and among those who did, many responses were still holding several years "
            "later, a durability rarely seen in this setting.",
            "Patients who had received fewer previous treatments, and whose tumours were smaller at the "
            "start, were more likely to benefit. The investigators argue that TIL therapy should be offered "
            "earlier rather than held back as a last resort.",
            "The treatment remains demanding: it requires surgery to harvest the tumour, weeks of "
            "manufacturing and a stay in hospital for the chemotherapy and infusion, which limits it to "
            "specialist centres.",
        ],
        "references": [
            trials("tumor infiltrating lymphocytes melanoma", "trials of TIL therapy in melanoma"),
        ],
    },
    {
        "slug": "bispecific-t-cell-engager-small-cell-lung-cancer",
        "title": "A bispecific T-cell engager extends survival in small-cell lung cancer",
        "type": "news",
        "date": "2026-09-04",
        "byline": "By Amara Nwosu",
        "topics": ["cancer-immunology"],
        "standfirst": (
            "An antibody that tethers T cells to a protein called DLL3 on cancer cells has outperformed "
            "chemotherapy in people whose small-cell lung cancer had returned. It is among the first T-cell "
            "engagers to succeed against a solid tumour."
        ),
        "image": {
            "seed": 1923,
            "subject": "lung cancer cells",
            "caption": "T cells bridged to lung cancer cells: an artist's impression.",
        },
        "body": [
            "Small-cell lung cancer grows fast and usually returns after first-line treatment, when few "
            "drugs help. Its cells carry DLL3, a protein that is largely absent from healthy adult tissue, "
            "which makes it an attractive handle for immunotherapy.",
            "Bispecific T-cell engagers are antibodies with two arms: one binds the cancer cell, the other "
            "binds CD3 on any nearby T cell, forcing the two together so that the T cell kills. Unlike "
            "CAR-T therapy, they come off the shelf as an infusion.",
            "In a randomised trial, patients given the DLL3-directed engager lived longer than those given "
            "standard chemotherapy, with fewer severe side effects overall. Cytokine release syndrome "
            "occurred but was usually mild and happened mainly after the first doses.",
            "Researchers are now testing the drug earlier in the disease and in combination with checkpoint "
            "inhibitors, and looking for other tumour proteins that could be targeted the same way.",
        ],
        "references": [
            trials("DLL3 bispecific small cell lung cancer", "trials of DLL3-directed T-cell engagers"),
        ],
    },
    {
        "slug": "car-nk-cells-blood-cancers",
        "title": "CAR-NK cells from cord blood show responses with few side effects",
        "type": "news",
        "date": "2026-08-21",
        "byline": "By Tomás Reyes",
        "topics": ["cell-therapy"],
        "standfirst": (
            "Natural killer cells engineered with a chimeric antigen receptor produced responses in people "
            "with B-cell cancers without the severe inflammation that can follow CAR-T therapy. The cells "
            "were made from donated umbilical cord blood."
        ),
        "image": {
            "seed": 2029,
            "subject": "leukaemia cells",
            "caption": "Natural killer cells attack leukaemia cells: an artist's impression.",
        },
        "body": [
            "Natural killer cells kill infected and malignant cells without needing to recognise a specific "
            "antigen first, and unlike T cells they rarely attack a recipient's healthy tissue. That makes "
            "cells from one donor usable in many patients.",
            "In this early-phase study, NK cells from cord blood were engineered to recognise CD19 and to "
            "produce a growth signal that helps them survive. Patients with relapsed lymphoma or leukaemia "
            "received a single dose.",
            "A substantial share responded, including some complete responses. None of the patients "
            "developed severe cytokine release syndrome or neurological toxicity, and there was no "
            "graft-versus-host disease.",
            "The main limitation is persistence: NK cells do not last as long in the body as CAR-T cells, "
            "and some responses faded. Repeated dosing and further engineering are being tested to address "
            "this.",
        ],
        "references": [trials("CAR NK cord blood", "trials of CAR-NK cells from cord blood")],
    },
    {
        "slug": "checkpoint-inhibitors-before-surgery",
        "title": "Checkpoint drugs given before surgery cut recurrence in operable cancers",
        "type": "news",
        "date": "2026-08-03",
        "byline": "By Hana Kowalczyk",
        "topics": ["checkpoints"],
        "standfirst": (
            "Giving immunotherapy while the tumour is still in place, rather than only after it has been "
            "removed, lowers the chance of the cancer coming back. A pooled look at recent trials explains "
            "why timing matters."
        ),
        "image": {
            "seed": 2131,
            "caption": "T cells gather around a tumour before surgery: an artist's impression.",
        },
        "body": [
            "Checkpoint inhibitors release brakes on T cells. For years they were given mainly to people "
            "with advanced disease, or after surgery to mop up any remaining cancer cells.",
            "Trials in melanoma, lung cancer and other cancers have now compared giving the drugs before "
            "surgery with giving them afterwards. Starting before the operation has repeatedly led to fewer "
            "recurrences.",
            "The likely reason is that the tumour itself is the best vaccine a patient has: while it is "
            "still present, the drugs can expand a broad range of T cells that recognise it, and those "
            "cells then circulate to catch stray cancer cells elsewhere.",
            "How much treatment is needed, which patients can safely skip further therapy after a complete "
            "response, and how to handle immune side effects before an operation are questions the next "
            "trials are designed to answer.",
        ],
    },
]
