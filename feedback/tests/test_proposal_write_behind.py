"""The socket sends a mask before its MaskProposal row is stored; accepting it right away must still work."""

import threading
import time

import pytest
from django.db import connection, connections

from feedback.tests.fixtures import crowded_objects, proposal_for
from inference.models import MaskProposal
from inference.selectors import proposal_get

pytestmark = pytest.mark.django_db(transaction=True)


def _reserve_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('inference_maskproposal', 'id'))")
        return cursor.fetchone()[0]


def test_a_proposal_still_being_written_is_waited_for(project_env):
    template, _ = proposal_for(project_env["project"], project_env["scene"], crowded_objects(1)[0],
                               model_version=project_env["base"])
    reserved = _reserve_id()

    def store_later():
        time.sleep(0.3)
        template.pk = reserved
        template.save(force_insert=True)
        connections.close_all()

    writer = threading.Thread(target=store_later)
    started = time.monotonic()
    writer.start()
    found = proposal_get(proposal_id=reserved, wait_s=3.0)
    writer.join()
    assert found is not None
    assert found.pk == reserved
    assert time.monotonic() - started >= 0.25
    assert MaskProposal.objects.filter(pk=reserved).exists()


def test_an_id_never_handed_out_is_not_waited_for(project_env):
    started = time.monotonic()
    assert proposal_get(proposal_id=_reserve_id() + 1000, wait_s=3.0) is None
    assert time.monotonic() - started < 1.0
