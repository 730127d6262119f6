"""Demo Features: longer stories written for Epitope's demo in our own words.

The pull quotes are lines from the story itself, not words put in anyone's mouth.
"""

from .searches import pubmed, trials

FEATURES = [
    {
        "slug": "cell-therapy-metastatic-solid-tumours-small-trial",
        "title": "What a small trial of engineered T cells tells us about solid tumours",
        "type": "feature",
        "date": "2026-11-13",
        "byline": "By Amara Nwosu",
        "topics": ["cell-therapy", "tumour-microenvironment"],
        "standfirst": (
            "A cellular immunotherapy shrank metastatic solid tumours in some of the few patients who "
            "received it. The numbers are small, but the way the cells behaved inside tumours is as "
            "informative as the responses themselves."
        ),
        "image": {
            "seed": 2237,
            "subject": "metastatic tumour cells",
            "caption": "Engineered T cells infiltrate a metastasis: an artist's impression.",
        },
        "body": [
            "Cell therapies have transformed the treatment of some leukaemias, lymphomas and myeloma. Solid "
            "tumours, which account for the great majority of cancer deaths, have been far harder to crack. "
            "The trial reported this month is small, a little over a dozen patients with cancers that had "
            "spread despite several lines of treatment, but it offers a close look at why.",
            "Each patient's T cells were engineered to recognise a protein found on their tumour and "
            "expanded in the laboratory before being infused. Tumours shrank substantially in a minority of "
            "patients, and in a few the responses were still holding at the latest follow-up.",
            {
                "quote": (
                    "Getting engineered cells into a solid tumour is only half the problem; keeping them "
                    "working once they arrive is the other half."
                ),
            },
            "Biopsies taken after treatment were revealing. In patients who responded, the infused cells "
            "had penetrated deep into the tumour and remained active. In those who did not, the cells were "
            "often present but had switched on markers of exhaustion, or had stayed at the edges of the "
            "tumour, held back by dense stroma.",
            "The investigators are now testing versions of the cells that resist the suppressive signals "
            "found in tumours, and combinations with drugs that open up the tumour's surroundings. Larger "
            "trials will be needed to show which patients benefit, but the biology points to where the next "
            "improvements should come from.",
        ],
        "references": [
            trials(
                "engineered T cells metastatic solid tumors",
                "trials of engineered T cells in metastatic solid tumours",
            ),
        ],
    },
    {
        "slug": "b7-h4-placenta-tumour-microenvironment",
        "title": "B7-H4: the placenta's tolerance trick, borrowed by tumours",
        "type": "feature",
        "date": "2026-10-16",
        "byline": "By Priya Raman",
        "topics": ["checkpoints", "tumour-microenvironment"],
        "standfirst": (
            "The placenta must keep the mother's immune system from attacking a fetus that is half foreign. "
            "One of the molecules it uses, B7-H4, also turns up on many tumours, and studying the two "
            "together is changing how researchers think about this checkpoint."
        ),
        "image": {
            "seed": 2341,
            "subject": "placental and tumour cells",
            "caption": "Immune cells held at bay around a cluster of cells: an artist's impression.",
        },
        "body": [
            "B7-H4 belongs to the same family as PD-L1, the target of some of the most widely used cancer "
            "immunotherapies. Like PD-L1, it dampens T-cell activity. Unlike PD-L1, it is found in few "
            "healthy adult tissues, with one conspicuous exception: the placenta.",
            "At the boundary between mother and fetus, cells of the placenta carry high levels of B7-H4, "
            "and the maternal T cells nearby are kept in a restrained state. The new work compared that "
            "boundary with tumours that also carry B7-H4, including some breast, ovarian and endometrial "
            "cancers.",
            {
                "figure": {
                    "seed": 2343,
                    "subject": "tumour cells",
                    "caption": (
                        "Where B7-H4 is found, T cells nearby tend to be held in a restrained state: an "
                        "artist's impression."
                    ),
                },
            },
            "The parallels were striking. In both settings, T cells near B7-H4-positive cells produced "
            "fewer inflammatory signals and divided less, and the tumours with the most B7-H4 tended to "
            "have the fewest active T cells inside them. Some of these tumours had little PD-L1, which may "
            "explain why PD-1 blockade often fails in them.",
            {
                "quote": (
                    "A molecule that protects a pregnancy is, in the wrong place, a way for a cancer to "
                    "protect itself."
                ),
            },
            "Drugs that block B7-H4, or that use it as an address to deliver a toxic payload, are already "
            "in early trials. The placental link is a reminder to watch for effects in pregnancy, and a "
            "hint that the biology of tolerance has more lessons for cancer immunology.",
        ],
        "references": [pubmed("B7-H4 placenta tumor immune", "B7-H4 in placenta and tumours")],
    },
    {
        "slug": "mouse-model-functioning-human-immune-system",
        "title": "A mouse with a human immune system that actually works",
        "type": "feature",
        "date": "2026-10-02",
        "byline": "By Jonah Whitfield",
        "topics": ["cancer-immunology"],
        "standfirst": (
            "Humanised mice have long been a compromise: human immune cells in a mouse body that never lets "
            "them mature properly. A new model supports human immune responses that look much more like the "
            "real thing, with consequences for how immunotherapies are tested."
        ),
        "image": {
            "seed": 2447,
            "subject": "lymph-node cells",
            "caption": "Human immune cells organised in a lymph node: an artist's impression.",
        },
        "body": [
            "Mouse and human immune systems differ in ways that matter for drug development. Treatments "
            "that work in mice often fail in people, and some human-specific side effects never show up in "
            "animal tests at all.",
            "Researchers have tried to bridge the gap by transplanting human blood stem cells into mice "
            "whose own immune systems have been disabled. The human cells take hold, but they usually fail "
            "to form organised lymph nodes, make few mature antibodies and respond weakly to vaccines.",
            "The new model adds a set of human genes that provide the signals immune cells need to develop "
            "and organise. The mice form lymph-node structures with human T and B cells, switch antibody "
            "classes after vaccination and mount responses against human tumours grafted into them.",
            {
                "quote": (
                    "The closer a test animal's immune system comes to ours, the fewer surprises wait in the "
                    "clinic."
                ),
            },
            "For cancer immunology, such mice could be used to test checkpoint inhibitors, T-cell engagers "
            "and vaccines against human tumours in a living immune system, and to look for toxicities "
            "earlier. The model is complex to produce and will not replace human studies, but it narrows "
            "the distance between them.",
        ],
        "references": [
            pubmed("humanized mice functional human immune system lymph node", "humanised mouse models"),
        ],
    },
    {
        "slug": "neoantigen-mrna-vaccine-melanoma",
        "title": "Personal mRNA vaccines are moving from proof of concept to practice",
        "type": "feature",
        "date": "2026-09-11",
        "byline": "By Hana Kowalczyk",
        "topics": ["cancer-vaccines", "checkpoints"],
        "standfirst": (
            "Vaccines built from the mutations in a patient's own tumour, combined with a checkpoint "
            "inhibitor, have lowered the risk of melanoma returning after surgery in trials. Making them "
            "fast and affordable is now the challenge."
        ),
        "image": {
            "seed": 2551,
            "subject": "melanoma cells",
            "caption": "Vaccine-trained T cells converge on melanoma cells: an artist's impression.",
        },
        "body": [
            "Every tumour carries mutations that change its proteins, and some of the altered fragments, "
            "called neoantigens, can be recognised by T cells as foreign. A personal vaccine sequences the "
            "tumour, predicts which neoantigens are most likely to provoke a response, and encodes a few "
            "dozen of them in a strand of mRNA.",
            "In randomised trials in melanoma, patients who received such a vaccine together with the "
            "checkpoint inhibitor pembrolizumab after surgery had fewer recurrences than those who received "
            "the checkpoint inhibitor alone. Blood tests showed new T-cell responses against the vaccine "
            "targets.",
            {
                "quote": (
                    "The vaccine tells T cells what to look for; the checkpoint drug lets them keep looking."
                ),
            },
            "Turning this into routine care depends on logistics as much as immunology. Each vaccine is "
            "made for one person, and the interval between surgery and the first dose has to be short. "
            "Better prediction of which neoantigens matter could shrink the list and the manufacturing "
            "time.",
            "Trials are now testing the approach in lung, kidney and other cancers, some of which carry "
            "fewer mutations than melanoma and may be a harder test of the idea.",
        ],
        "references": [
            trials("individualized neoantigen mRNA vaccine", "trials of personal neoantigen mRNA vaccines"),
        ],
    },
    {
        "slug": "checkpoint-inhibitor-side-effects",
        "title": "When checkpoint inhibitors turn the immune system on the body",
        "type": "feature",
        "date": "2026-08-28",
        "byline": "By Tomás Reyes",
        "topics": ["checkpoints"],
        "standfirst": (
            "Immune-related side effects affect a large share of people on checkpoint inhibitors, from "
            "rashes to rare but dangerous inflammation of the heart. Studies are starting to explain who is "
            "at risk and how to treat them without losing the benefit."
        ),
        "image": {
            "seed": 2659,
            "subject": "healthy tissue cells",
            "caption": "Activated T cells crowd around healthy tissue: an artist's impression.",
        },
        "body": [
            "By lifting brakes on T cells, checkpoint inhibitors can unleash responses against healthy "
            "tissue as well as tumours. The skin, gut, liver, lungs and hormone-producing glands are the "
            "most common targets; the heart is rarely affected, but myocarditis can be fatal.",
            "Recent tissue studies have found that the T cells attacking healthy organs are often ones that "
            "already lived there, woken up by the treatment, rather than newcomers. In some patients the "
            "same T-cell clones appear in both the tumour and the inflamed organ.",
            "That overlap helps explain a long-standing observation: patients who develop side effects tend "
            "to respond better to treatment. It also raises the worry that suppressing the side effects "
            "might blunt the attack on the cancer.",
            "Steroids remain the first response, but more targeted drugs that block a single inflammatory "
            "pathway are being tested, with early evidence that some control the side effect while leaving "
            "the anti-tumour response intact. Blood tests to predict who is at risk are in development.",
        ],
    },
    {
        "slug": "oncolytic-viruses-second-look",
        "title": "Oncolytic viruses: a second look at infecting tumours on purpose",
        "type": "feature",
        "date": "2026-08-14",
        "byline": "By Priya Raman",
        "topics": ["tumour-microenvironment", "cancer-vaccines"],
        "standfirst": (
            "Viruses engineered to replicate in cancer cells were first pitched as tumour killers. Their "
            "real value may be in turning an immunologically quiet tumour into an inflamed one that T cells "
            "can find."
        ),
        "image": {
            "seed": 2767,
            "caption": "Infected tumour cells attract immune cells: an artist's impression.",
        },
        "body": [
            "An oncolytic virus is modified so that it multiplies in cancer cells but spares healthy ones. "
            "As infected cells burst, they release tumour proteins and danger signals, which is why "
            "researchers now think of these viruses as a kind of vaccine made inside the tumour.",
            "Only one oncolytic virus, a modified herpes virus for melanoma, has been widely approved. It "
            "is injected directly into tumours, and responses in untreated lesions elsewhere in the body "
            "suggested an immune effect from early on.",
            "The new generation of viruses carries genes for immune-stimulating proteins and is being "
            "combined with checkpoint inhibitors, especially in tumours with few T cells inside them. Some "
            "can be given into a vein rather than injected, which would make deep tumours reachable.",
            "The immune system is also the obstacle: antibodies against the virus can clear it before it "
            "does its work. Researchers are testing ways to shield the virus or to switch between viruses "
            "over a course of treatment.",
        ],
        "references": [
            trials(
                "oncolytic virus checkpoint inhibitor",
                "trials combining oncolytic viruses with checkpoint inhibitors",
            ),
        ],
    },
    {
        "slug": "why-car-t-struggles-in-solid-tumours",
        "title": "Why CAR-T cells struggle against solid tumours, and what might change that",
        "type": "feature",
        "date": "2026-08-07",
        "byline": "By Amara Nwosu",
        "topics": ["cell-therapy", "tumour-microenvironment"],
        "standfirst": (
            "CAR-T therapies cure some blood cancers but rarely touch carcinomas. The obstacles are known: "
            "finding a safe target, reaching the tumour and surviving once there. Each now has candidate "
            "solutions."
        ),
        "image": {
            "seed": 2871,
            "caption": "T cells held at the edge of a solid tumour: an artist's impression.",
        },
        "body": [
            "Blood cancers are, for a CAR-T cell, an easy hunting ground: the targets are abundant, uniform "
            "and floating in the same fluid as the therapy. Solid tumours are the opposite on every count.",
            "The first problem is the target. Few proteins are found on every cell of a carcinoma and on no "
            "essential healthy tissue, and when CAR-T cells attack a target shared with normal organs, the "
            "damage can be serious. Logic-gated designs that require two signals before killing are one "
            "answer.",
            {
                "quote": (
                    "A blood cancer is an open field; a carcinoma is a walled city with guards at every "
                    "gate."
                ),
            },
            "The second is access. Tumours build fibrous barriers and abnormal blood vessels, and they "
            "release signals that steer T cells away. Engineering cells to follow the chemical trails that "
            "tumours produce, or delivering them directly into a cavity or organ, can help.",
            "The third is survival. Inside a tumour, low oxygen, scarce nutrients and suppressive cells "
            "push T cells into exhaustion. Cells armed with their own supportive cytokines, or edited to "
            "ignore inhibitory signals, are being tested in early trials, with the first signs of activity "
            "reported in brain and gastric cancers.",
        ],
        "references": [trials("CAR T solid tumor", "trials of CAR-T cells in solid tumours")],
    },
]
