from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bounding box of Germany, with a small margin.
LATITUDE_RANGE = (Decimal("47.2"), Decimal("55.1"))
LONGITUDE_RANGE = (Decimal("5.8"), Decimal("15.1"))


def validate_latitude(value):
    if value is not None and not LATITUDE_RANGE[0] <= Decimal(value) <= LATITUDE_RANGE[1]:
        raise ValidationError(
            _("The latitude %(value)s lies outside Germany (47.2 to 55.1)."),
            code="outside_germany",
            params={"value": value},
        )


def validate_longitude(value):
    if value is not None and not LONGITUDE_RANGE[0] <= Decimal(value) <= LONGITUDE_RANGE[1]:
        raise ValidationError(
            _("The longitude %(value)s lies outside Germany (5.8 to 15.1)."),
            code="outside_germany",
            params={"value": value},
        )
