"""The worker signs the audit chains' heads on its own, so checkpoints are periodic."""

from __future__ import annotations

import pytest

from zhengfa.audit.models import Checkpoint
from zhengfa.audit.verify import verify_log
from zhengfa.flow.sweeper import Worker


@pytest.mark.django_db
def test_a_worker_pass_writes_a_signed_checkpoint_that_verifies() -> None:
    assert Checkpoint.objects.count() == 0
    Worker(interval=0, checkpoint_every=300).run(once=True)
    assert Checkpoint.objects.count() == 1
    report = verify_log()
    assert report.intact and report.checkpoints == 1


@pytest.mark.django_db
def test_the_next_checkpoint_waits_for_its_interval() -> None:
    worker = Worker(interval=0, checkpoint_every=3600)
    worker.run(once=True)
    worker.run(once=True)
    assert Checkpoint.objects.count() == 1
