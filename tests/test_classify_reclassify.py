import pytest
from django.core.management import call_command

from epitope.classify.models import ClassifiedConcept, StoredClassification
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_reclassify_tags_content_stored_before_the_classifier(client):
    site = f.hub_site()
    f.article(site["index"], "CAR-T cells clear lymphoma in a phase 1 trial", [site["cancer"]], hero=False,
              standfirst="Chimeric antigen receptor T cells targeting CD19 helped 24 patients.")
    StoredClassification.objects.all().delete()  # as in a database from before the classifier
    ClassifiedConcept.objects.all().delete()
    assert client.get("/cancer-immunology/?modality=car-t").context["cards"].paginator.count == 0
    call_command("reclassify")
    assert client.get("/cancer-immunology/?modality=car-t").context["cards"].paginator.count == 1


def test_reclassify_json_reports_the_same_counts_as_its_text():
    import io
    import json

    site = f.hub_site()
    f.article(site["index"], "CAR-T cells clear lymphoma in a phase 1 trial", [site["cancer"]], hero=False)
    text, data = io.StringIO(), io.StringIO()
    call_command("reclassify", stdout=text)
    call_command("reclassify", "--json", stdout=data)
    done = json.loads(data.getvalue())
    assert done["articles"] >= 1 and done["judgements"] == 0 and done["tag_corrections"] == 0
    assert text.getvalue().startswith(f"Classified {done['articles']} articles and {done['items']} ingested items; "
                                      f"re-ranked {done['leads']} leads.")
