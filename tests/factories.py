import factory
from factory.django import DjangoModelFactory

from neuewege.core.models import Institution, Person, Region, User


def region(key):
    return Region.objects.get(key=key)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    region = factory.LazyFunction(lambda: region("05170"))
    kind = Institution.Kind.FAMILY_CENTRE
    name = factory.Sequence(lambda n: f"Familienzentrum Test {n}")
    postcode = "46483"
    town = "Wesel"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    institution = factory.SubFactory(InstitutionFactory)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    function = Person.Function.FAMILY_CENTRE_HEAD
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    role = User.Role.VIEWER
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)
