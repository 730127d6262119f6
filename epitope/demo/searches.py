"""Reference links for demo stories: searches on public registries, never invented citations."""


def trials(term, label):
    """Return a reference to a ClinicalTrials.gov search, labelled for readers."""
    url = f"https://clinicaltrials.gov/search?term={term.replace(' ', '%20')}"
    return ("url", url, f"ClinicalTrials.gov: {label}")


def pubmed(term, label):
    """Return a reference to a PubMed search, labelled for readers."""
    return ("url", f"https://pubmed.ncbi.nlm.nih.gov/?term={term.replace(' ', '+')}", f"PubMed: {label}")
