"""The 53 regions of North Rhine-Westphalia with their programme phases in Neue Wege NRW."""

from datetime import date

from django.db import migrations

PHASES = {
    "model": (date(2011, 1, 1), date(2013, 3, 31)),
    "transfer": (date(2013, 5, 1), date(2015, 4, 30)),
    "extension": (date(2015, 8, 1), date(2016, 3, 31)),
}

# key, name, kind, Regierungsbezirk, phase
REGIONS = [
    ("05111", "Düsseldorf", "city", "duesseldorf", "model"),
    ("05112", "Duisburg", "city", "duesseldorf", ""),
    ("05113", "Essen", "city", "duesseldorf", ""),
    ("05114", "Krefeld", "city", "duesseldorf", ""),
    ("05116", "Mönchengladbach", "city", "duesseldorf", ""),
    ("05117", "Mülheim an der Ruhr", "city", "duesseldorf", ""),
    ("05119", "Oberhausen", "city", "duesseldorf", ""),
    ("05120", "Remscheid", "city", "duesseldorf", ""),
    ("05122", "Solingen", "city", "duesseldorf", "transfer"),
    ("05124", "Wuppertal", "city", "duesseldorf", ""),
    ("05154", "Kreis Kleve", "district", "duesseldorf", ""),
    ("05158", "Kreis Mettmann", "district", "duesseldorf", "transfer"),
    ("05162", "Rhein-Kreis Neuss", "district", "duesseldorf", ""),
    ("05166", "Kreis Viersen", "district", "duesseldorf", ""),
    ("05170", "Kreis Wesel", "district", "duesseldorf", "extension"),
    ("05314", "Bonn", "city", "koeln", ""),
    ("05315", "Köln", "city", "koeln", ""),
    ("05316", "Leverkusen", "city", "koeln", ""),
    ("05334", "StädteRegion Aachen", "district", "koeln", "model"),
    ("05358", "Kreis Düren", "district", "koeln", ""),
    ("05362", "Rhein-Erft-Kreis", "district", "koeln", "model"),
    ("05366", "Kreis Euskirchen", "district", "koeln", ""),
    ("05370", "Kreis Heinsberg", "district", "koeln", ""),
    ("05374", "Oberbergischer Kreis", "district", "koeln", ""),
    ("05378", "Rheinisch-Bergischer Kreis", "district", "koeln", ""),
    ("05382", "Rhein-Sieg-Kreis", "district", "koeln", ""),
    ("05512", "Bottrop", "city", "muenster", ""),
    ("05513", "Gelsenkirchen", "city", "muenster", "model"),
    ("05515", "Münster", "city", "muenster", ""),
    ("05554", "Kreis Borken", "district", "muenster", "model"),
    ("05558", "Kreis Coesfeld", "district", "muenster", ""),
    ("05562", "Kreis Recklinghausen", "district", "muenster", "transfer"),
    ("05566", "Kreis Steinfurt", "district", "muenster", ""),
    ("05570", "Kreis Warendorf", "district", "muenster", "transfer"),
    ("05711", "Bielefeld", "city", "detmold", ""),
    ("05754", "Kreis Gütersloh", "district", "detmold", ""),
    ("05758", "Kreis Herford", "district", "detmold", ""),
    ("05762", "Kreis Höxter", "district", "detmold", ""),
    ("05766", "Kreis Lippe", "district", "detmold", ""),
    ("05770", "Kreis Minden-Lübbecke", "district", "detmold", ""),
    ("05774", "Kreis Paderborn", "district", "detmold", "transfer"),
    ("05911", "Bochum", "city", "arnsberg", ""),
    ("05913", "Dortmund", "city", "arnsberg", ""),
    ("05914", "Hagen", "city", "arnsberg", ""),
    ("05915", "Hamm", "city", "arnsberg", "model"),
    ("05916", "Herne", "city", "arnsberg", ""),
    ("05954", "Ennepe-Ruhr-Kreis", "district", "arnsberg", "extension"),
    ("05958", "Hochsauerlandkreis", "district", "arnsberg", ""),
    ("05962", "Märkischer Kreis", "district", "arnsberg", ""),
    ("05966", "Kreis Olpe", "district", "arnsberg", ""),
    ("05970", "Kreis Siegen-Wittgenstein", "district", "arnsberg", ""),
    ("05974", "Kreis Soest", "district", "arnsberg", ""),
    ("05978", "Kreis Unna", "district", "arnsberg", ""),
]


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    for key, name, kind, district, phase in REGIONS:
        start, end = PHASES.get(phase, (None, None))
        Region.objects.update_or_create(
            key=key,
            defaults={
                "name": name, "kind": kind, "administrative_district": district,
                "phase": phase, "phase_start": start, "phase_end": end,
            },
        )


def remove_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.filter(key__in=[r[0] for r in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load_regions, remove_regions)]
