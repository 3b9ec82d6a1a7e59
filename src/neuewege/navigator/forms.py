"""Forms of the navigator: the upload of an Open Referral (HSDS) file."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from neuewege.core.uploads import MB, FileRefused, check_zip

from .hsds.importing import MAX_FILE_BYTES, ZIP_LIMITS


class HsdsImportForm(forms.Form):
    MAX_BYTES = MAX_FILE_BYTES

    file = forms.FileField(label=_("File"))
    check_only = forms.BooleanField(label=_("Only check the file, save nothing"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An HSDS 3.0 datapackage (.zip with CSV files) or a JSON list of services, "
            "at most %(mb)s MB."
        ) % {"mb": self.MAX_BYTES // MB}

    def clean_file(self):
        """What can be refused at once: the size (read no further than the limit), the ending
        and a ZIP's directory (members, unpacked size, packing ratio)."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(max)s MB.") % {"max": self.MAX_BYTES // MB}
            )
        if not upload.name.lower().endswith((".zip", ".json")):
            raise forms.ValidationError(gettext("Upload a .zip or a .json file."))
        if upload.name.lower().endswith(".zip"):
            try:
                check_zip(upload.read(), ZIP_LIMITS)
            except FileRefused as refused:
                raise forms.ValidationError(str(refused)) from refused
            finally:
                upload.seek(0)
        return upload
