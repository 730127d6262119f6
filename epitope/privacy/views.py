from django.http import HttpResponseNotAllowed


def record_consent(request):
    # Filled in by the consent work; see the privacy issue notes.
    return HttpResponseNotAllowed(["POST"])
