"""Run the info module targets and the image_retention targets against the emulator, as test_targets.py runs the
image module targets (its helpers: the same playbook, environment, config and timeouts).

A target is a directory of targets/ named ``<cloud>_image_info`` or ``image_retention*``. Each run resets the emulator
(the ``emu`` fixture); the targets check results and the emulator's journal themselves.
"""
import os

import pytest

from emulator_config import build_config
from test_targets import TARGETS, run_target, tail, without_emulator


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
    run_target(target, emu_config, tmp_path)


@pytest.mark.parametrize("target", INFO_TARGETS)
def test_info_target_as_against_a_real_cloud(target, emu, emu_config, tmp_path):
    """Without emulator_control an info target runs only its `real: true` scenarios: reads, nothing deleted."""
    output = run_target(target, without_emulator(emu_config), tmp_path, " without emulator_control")
    assert "Skipped without the emulator:" in output, tail(output)
    calls = emu.control.journal()
    assert calls, "the real-cloud scenarios made no API call"
    assert [call for call in calls if call["mutating"] or call["action"].startswith("Delete")] == []


@pytest.mark.parametrize("target", RETENTION_TARGETS)
def test_retention_target_without_the_emulator_does_nothing(target, emu, emu_config, tmp_path):
    """The retention scenarios seed and delete hundreds of images: without emulator_control they must not run at all."""
    run_target(target, without_emulator(emu_config, iam=False), tmp_path, " without emulator_control")
    assert emu.control.journal() == [], "a retention target without the emulator must make no API call"
