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
