
import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('action', models.CharField(choices=[('person.created', 'Person added'), ('person.changed', "Person's access changed"), ('person.deactivated', 'Person deactivated'), ('person.password_set', 'Password set by an admin'), ('person.deleted', 'Person deleted'), ('team.created', 'Team added'), ('team.changed', 'Team changed'), ('team.deleted', 'Team deleted'), ('service.created', 'Service published'), ('service.changed', 'Service changed'), ('service.confidentiality', 'Service confidentiality changed'), ('service.retired', 'Service retired'), ('calendar.created', 'Calendar added'), ('calendar.changed', 'Calendar changed'), ('token.revoked', 'API token revoked'), ('absence.declared', 'Absence declared for someone else'), ('absence.changed', "Someone else's absence changed"), ('absence.ended', "Someone else's absence ended")], max_length=32)),
                ('target_type', models.CharField(max_length=64)),
                ('target_id', models.BigIntegerField(null=True)),
                ('target_label', models.CharField(max_length=200)),
                ('before', models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('after', models.JSONField(default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'entries',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['at', 'id'], name='audit_entry_at'), models.Index(fields=['actor', 'at', 'id'], name='audit_entry_actor'), models.Index(fields=['action', 'at', 'id'], name='audit_entry_action')],
            },
        ),
    ]
