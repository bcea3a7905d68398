from django.db import migrations, models


def asked_in_confidence(apps, schema_editor):
    # Requests made before requests kept the flag take their service's, as it stands now.
    Request = apps.get_model("servicerequests", "Request")
    Request.objects.filter(service__confidential=True).update(confidential=True)


class Migration(migrations.Migration):
    dependencies = [
        ("servicerequests", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="request",
            name="confidential",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Asked in confidence: seen only by the requester, the assignee and the lead."
                ),
            ),
        ),
        migrations.RunPython(asked_in_confidence, migrations.RunPython.noop, elidable=True),
    ]
