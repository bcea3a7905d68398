import pytest

from relaydesk.catalog.services import PromiseSpec, ServiceSpec, service_save


@pytest.fixture
def advice(org, catalog):
    """Max's personal service: torque advice, 1 h to answer, 4 h to finish."""
    return service_save(
        actor=None,
        spec=ServiceSpec(
            slug="torque-advice",
            name="Torque advice",
            kind="advice",
            calendar=catalog.office,
            provider_person=org.member,
            promises={"normal": PromiseSpec(60, 240)},
        ),
    )
