"""What every GeoLoop API view shares: the client is recorded for the audit trail."""

from rest_framework.views import APIView

from annotator.audit import client_of_request, current_client


class GeoLoopApi(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        current_client.set(client_of_request(request))
