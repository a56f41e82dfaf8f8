"""Run the info module targets and the image_retention targets against the emulator, as test_targets.py runs the
image module targets (its helpers: the same playbook, environment, config and timeouts).

A target is a directory of targets/ named ``<cloud>_image_info`` or ``image_retention*``. Each run resets the emulator
(the ``emu`` fixture); the targets check results and the emulator's journal themselves.
"""
import os

import pytest

from emulator_config import build_config
from test_targets import TARGETS, one_play, run_playbook, tail


def discover(predicate):
    return sorted(name for name in os.listdir(TARGETS)
                  if os.path.isdir(os.path.join(TARGETS, name)) and not name.startswith("setup_") and predicate(name))


INFO_TARGETS = discover(lambda name: name.endswith("_image_info"))
RETENTION_TARGETS = discover(lambda name: name == "image_retention" or name.startswith("image_retention_"))


@pytest.fixture
def emu_config(emu):
    return build_config(emu.ports, emu.seed)


@pytest.mark.parametrize("target", INFO_TARGETS + RETENTION_TARGETS)
def test_target(target, emu, emu_config, tmp_path):
    rc, output, seconds = run_playbook(tmp_path, one_play(roles=[target]), emu_config)
    print("%s: rc %s in %.1f s" % (target, rc, seconds))
    assert rc == 0, "%s failed (rc %s, %.1f s); the end of its output:\n%s" % (target, rc, seconds, tail(output))


@pytest.mark.parametrize("target", INFO_TARGETS)
def test_info_target_as_against_a_real_cloud(target, emu, emu_config, tmp_path):
    """Without emulator_control an info target runs only its `real: true` scenarios: reads, nothing deleted."""
    config = {name: value for name, value in emu_config.items() if not name.startswith("emulator_")}
    config["huawei_iam_endpoint"] = config["huawei_endpoint"]  # the emulator plays IAM too
    rc, output, seconds = run_playbook(tmp_path, one_play(roles=[target]), config)
    print("%s without emulator_control: rc %s in %.1f s" % (target, rc, seconds))
    assert rc == 0, "%s failed (rc %s, %.1f s); the end of its output:\n%s" % (target, rc, seconds, tail(output))
    assert "Skipped without the emulator:" in output, tail(output)
    calls = emu.control.journal()
    assert calls, "the real-cloud scenarios made no API call"
    assert [call for call in calls if call["mutating"] or call["action"].startswith("Delete")] == []


@pytest.mark.parametrize("target", RETENTION_TARGETS)
def test_retention_target_without_the_emulator_does_nothing(target, emu, emu_config, tmp_path):
    """The retention scenarios seed and delete hundreds of images: without emulator_control they must not run at all."""
    config = {name: value for name, value in emu_config.items() if not name.startswith("emulator_")}
    rc, output, seconds = run_playbook(tmp_path, one_play(roles=[target]), config)
    print("%s without emulator_control: rc %s in %.1f s" % (target, rc, seconds))
    assert rc == 0, "%s failed (rc %s, %.1f s); the end of its output:\n%s" % (target, rc, seconds, tail(output))
    assert emu.control.journal() == [], "a retention target without the emulator must make no API call"
