"""The exchange in Open Referral HSDS 3: the datapackage download and its import."""

urlpatterns = []
