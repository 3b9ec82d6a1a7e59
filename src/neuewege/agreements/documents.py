"""The documents of an agreement version: PDF (PDF/A-2b, the shared writer) and DOCX.

A document shows exactly what was agreed: it is built from the version's ``snapshot`` (title,
template, region, parties with their addresses, every clause as filled in, term and renewal)
and the version's valid signatures — never from the agreement's current rows, which may have
changed since. Each page names the version and its SHA-256 digest; the signature block gives
per party who signed, in which function, when (Europe/Berlin), how (in Neue Wege or on paper)
and the digest signed — or an empty line to sign on paper.

The body text is German (the parties sign German text); the labels around it are translated.

``version_pdf`` and ``version_docx`` make the files; ``final_pdf`` is the PDF of a version in
force, with the platform's seal (``seal.py``), made once and kept in
``AgreementVersion.sealed_pdf`` so that every later download gives the identical bytes.
``pdf_from`` makes a PDF from plain data (no database): the batch's worker processes use it.

Exporters (``register``, called from apps.py), for whoever may see the region's agreements:

- ``agreement-version`` (PDF, DOCX; ``version``: its id): one version; the PDF of a version in
  force is the sealed one.
- ``agreements-batch`` (ZIP, in the background; ``region_key``, or "all" for every region —
  something of no region in the access policy, which only the state level reaches): the
  current version's PDF of every agreement (``tasks.batch_zip``).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from neuewege.core import exporters
from neuewege.core.documents import render_docx, render_pdf
from neuewege.core.errors import NotFound
from neuewege.core.exporters import Document, Exporter, Invalid, Target
from neuewege.core.models import Institution

from .models import AGREEMENT_LANGUAGE, Agreement, AgreementVersion, Kind, Signature
from .permissions import SEE

BERLIN = ZoneInfo("Europe/Berlin")
# an agreement that has been in force: all its parties signed its current version
FINAL = (
    Agreement.Status.IN_FORCE,
    Agreement.Status.EXPIRED,
    Agreement.Status.RENEWED,
    Agreement.Status.TERMINATED,
)


def signature_data(version: AgreementVersion) -> list[dict]:
    """The version's valid signatures as plain data (what ``pdf_from`` needs)."""
    return [
        {
            "institution": signature.party.institution_id,
            "signer_name": signature.signer_name,
            "signer_function": signature.signer_function,
            "signed_at": signature.signed_at,
            "method": signature.method,
            "digest": signature.digest,
        }
        for signature in version.signatures.filter(voided_at__isnull=True).select_related("party")
    ]


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _german_date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y")


def _paragraphs(text: str) -> list[list[str]]:
    """The paragraphs of a clause (separated by an empty line), each as its lines."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block.split("\n") for block in blocks if block.strip()]


def _signed(signature: dict) -> dict:
    signed_at = signature["signed_at"]
    if isinstance(signed_at, str):
        signed_at = datetime.fromisoformat(signed_at)
    signed_at = signed_at.astimezone(BERLIN)
    method = (
        _("electronically in Neue Wege (simple electronic signature)")
        if signature["method"] == Signature.Method.ELECTRONIC
        else _("by hand on paper (signed copy on file)")
    )
    return {
        "name": signature["signer_name"],
        "function": signature["signer_function"],
        "when": _("%(date)s at %(time)s")
        % {"date": signed_at.strftime("%d.%m.%Y"), "time": signed_at.strftime("%H:%M")},
        "method": method,
        "digest": signature["digest"],
    }


def context_of(snapshot: dict, number: int, digest: str, signatures: list[dict]) -> dict:
    """What both documents show, from the snapshot and the signatures alone."""
    by_institution = {signature["institution"]: signature for signature in signatures}
    parties = []
    for party in snapshot["parties"]:
        address = party["address"]  # "Name (street, postcode town)": the address alone
        if address.startswith(party["name"] + " (") and address.endswith(")"):
            address = address[len(party["name"]) + 2 : -1]
        signature = by_institution.get(party["institution"])
        parties.append(
            {
                "name": party["name"],
                "kind": _label(Institution.Kind, party["kind"]),
                "address": address,
                "signature": _signed(signature) if signature else None,
            }
        )
    if snapshot["renews_automatically"]:
        renewal = _(
            "Renews automatically by %(months)d months at a time unless it is terminated."
        ) % {"months": snapshot["renewal_months"]}
    else:
        renewal = _("Does not renew automatically.")
    return {
        "title": snapshot["title"],
        "kind": _label(Kind, snapshot["kind"]),
        "region": snapshot["region"]["name"],
        "number": number,
        "digest": digest,
        "identification": _("Version %(number)d, SHA-256 %(digest)s")
        % {"number": number, "digest": digest},
        "term": _("%(start)s to %(end)s")
        % {
            "start": _german_date(snapshot["starts_on"]),
            "end": _german_date(snapshot["ends_on"]),
        },
        "renewal": renewal,
        "parties": parties,
        "clauses": [
            {"heading": clause["heading"], "paragraphs": _paragraphs(clause["filled"])}
            for clause in snapshot["clauses"]
        ],
        "all_signed": all(party["signature"] for party in parties),
    }


def pdf_from(snapshot: dict, number: int, digest: str, signatures: list[dict]) -> bytes:
    """The PDF in German whoever asks for it (the text is German; a sealed copy is kept)."""
    with translation.override(AGREEMENT_LANGUAGE):
        return render_pdf(
            "agreements/agreement_pdf.html", context_of(snapshot, number, digest, signatures)
        )


def version_pdf(version: AgreementVersion) -> bytes:
    """The version as a PDF/A-2b (without the seal)."""
    return pdf_from(version.snapshot, version.number, version.digest, signature_data(version))


def version_docx(version: AgreementVersion) -> bytes:
    """The version as a Word document (the plain shared template ``core/document.docx``), in
    German as the PDF."""
    with translation.override(AGREEMENT_LANGUAGE):
        return _docx(version)


def _docx(version: AgreementVersion) -> bytes:
    context = context_of(version.snapshot, version.number, version.digest, signature_data(version))
    sections = [
        {
            "heading": _("Parties"),
            "paragraphs": [
                f"{party['name']} ({party['kind']}), {party['address']}"
                for party in context["parties"]
            ],
        }
    ]
    for clause in context["clauses"]:
        sections.append(
            {
                "heading": clause["heading"],
                "paragraphs": [line for paragraph in clause["paragraphs"] for line in paragraph],
            }
        )
    for party in context["parties"]:
        signature = party["signature"]
        if signature:
            lines = [
                _("Signed by: %(name)s") % {"name": signature["name"]},
                _("Function: %(function)s") % {"function": signature["function"] or "–"},
                _("Signed on: %(when)s") % {"when": signature["when"]},
                _("Method: %(method)s") % {"method": signature["method"]},
                _("SHA-256 of the version signed: %(digest)s") % {"digest": signature["digest"]},
            ]
        else:
            lines = [
                _("Not signed yet."),
                _("Place, date: ______________________________"),
                _("Signature, name and function: ______________________________"),
            ]
        sections.append(
            {"heading": _("Signature: %(party)s") % {"party": party["name"]}, "paragraphs": lines}
        )
    return render_docx(
        "core/document.docx",
        {
            "title": context["title"],
            "subtitle_lines": [
                f"{context['kind']} – {context['region']}",
                context["identification"],
            ],
            "facts": [
                {"label": _("Template"), "value": context["kind"]},
                {"label": _("Region"), "value": context["region"]},
                {"label": _("Term"), "value": context["term"]},
                {"label": _("Renewal"), "value": context["renewal"]},
                {"label": _("Version"), "value": str(context["number"])},
                {"label": _("SHA-256"), "value": context["digest"]},
            ],
            "sections": sections,
        },
    )


# The sealed PDF of a version in force


def is_final(version: AgreementVersion) -> bool:
    """The agreement's current version, signed by all its parties (in force, or it has been)."""
    agreement = version.agreement
    if agreement.status not in FINAL or agreement.in_force_at is None:
        return False
    current = agreement.versions.order_by("-number").values_list("pk", flat=True).first()
    if current != version.pk:
        return False
    signed = version.signatures.filter(voided_at__isnull=True).count()
    return signed >= agreement.parties.count()


def final_pdf(version: AgreementVersion, *, pdf: bytes | None = None) -> bytes:
    """The sealed PDF of a final version: made and kept the first time (``pdf``: the
    unsealed PDF if it was made already), the kept bytes ever after."""
    from . import seal

    kept = AgreementVersion.objects.filter(pk=version.pk).values_list("sealed_pdf", flat=True)
    stored = kept.first()
    if stored:
        return bytes(stored)
    sealed = seal.seal_pdf(pdf if pdf is not None else version_pdf(version))
    with transaction.atomic(durable=True):  # lock late: the rendering above took the time
        row = AgreementVersion.objects.select_for_update().filter(pk=version.pk).first()
        if row is None:
            return sealed
        if row.sealed_pdf:  # another request was first: its bytes are the document
            return bytes(row.sealed_pdf)
        row.sealed_pdf = sealed
        row.save(update_fields=["sealed_pdf"])
    return sealed


def current_pdf(version: AgreementVersion) -> bytes:
    """The PDF a download gives: sealed and kept for a final version, else made anew."""
    if is_final(version):
        return final_pdf(version)
    return version_pdf(version)


# The exporters (registered in apps.py): professionals' names only, no parents' data

ALL_REGIONS = "all"


def _version(access, params) -> Target:
    pk = exporters.number(params, "version")
    version = (
        AgreementVersion.objects.select_related("agreement__region")
        .defer("sealed_pdf")
        .filter(pk=pk, agreement__region_id__in=access.region_ids)
        .first()
    )
    if version is None:
        raise NotFound({"version": "no such agreement version"})
    return Target(region_id=version.agreement.region_id, data=version, subject=version.agreement)


def _version_file(target: Target, fmt: str) -> Document:
    version = target.data
    name = f"vereinbarung-{version.agreement_id}-version-{version.number}.{fmt}"
    if fmt == "pdf":
        return Document(current_pdf(version), name)
    return Document(version_docx(version), name)


def _batch(access, params) -> Target:
    """A region's agreements; "all": every region's, asked of the policy as something of no
    region (the state level's reach over the programme)."""
    if str(params.get("region_key", "")) == ALL_REGIONS:
        region, agreements = None, Agreement.objects.all()
    else:
        region = exporters.region_of(access, params)
        agreements = Agreement.objects.filter(region=region)
    if not agreements.exists():
        raise Invalid(_("There are no agreements to put into the file yet."))
    return Target(region_id=region.pk if region else None, data=region)


def _batch_file(target: Target, fmt: str) -> Document:
    from . import tasks

    region = target.data
    content, _count = tasks.batch_zip([region] if region else None)
    return Document(content, tasks.zip_name(region))


VERSION = Exporter(
    name="agreement-version",
    label=gettext_lazy("Agreement (one version)"),
    formats=("pdf", "docx"),
    find=_version,
    permission=SEE,
    produce=_version_file,
)
BATCH = Exporter(
    name="agreements-batch",
    label=gettext_lazy("Every agreement of the region as PDF (ZIP)"),
    formats=("zip",),
    find=_batch,
    permission=SEE,
    produce=_batch_file,
    background=True,  # thousands of PDFs at the state's scale
)


def register():
    for declared in (VERSION, BATCH):
        exporters.register(declared)
