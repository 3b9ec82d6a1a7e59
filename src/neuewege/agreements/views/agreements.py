from django.views.generic import TemplateView

from neuewege.core.views.base import AccessMixin

from ..permissions import SEE


class AgreementList(AccessMixin, TemplateView):
    permission = SEE
    template_name = "agreements/agreement_list.html"


class AgreementDetail(AccessMixin, TemplateView):
    permission = SEE
    template_name = "agreements/agreement_detail.html"
