"""Write offline stand-ins for the get-pip script that ansible-test downloads.

ansible-test (sanity with its own venvs, --venv, --requirements) bootstraps pip in every venv it makes by running
``get-pip-<version>.py``, fetched from a host these machines cannot reach, unless
``~/.ansible/test/cache/get_pip_<version with _>.py`` exists. The version comes from
``get_venv_packages()`` in ansible_test/_internal/python_requirements.py of each ansible-core release.
This script reads that source in every venv given on the command line and writes a stand-in for each version
it finds, plus the ones seen so far. A real get-pip script already in the cache is left alone.

The stand-in runs ``python -m ensurepip --default-pip`` then ``python -m pip install ARGS``, dropping the
get-pip-only options --no-setuptools and --no-wheel.
"""

import glob
import os
import re
import sys

MARKER = "# multicloud.images get-pip stand-in"
KNOWN = ("23.1.2", "24.2", "25.2")  # ansible-core 2.16, 2.19, 2.21 (read from their sources)

STANDIN = (
    MARKER
    + '''
"""Offline stand-in for get-pip.py (written by scripts/bootstrap): ensurepip, then pip install the arguments."""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + ARGS))
'''
)


def pip_versions(venv):
    """Return the pip versions the ansible-test in VENV bootstraps, read from its source."""
    pattern = os.path.join(
        venv, "lib", "python*", "site-packages", "ansible_test", "_internal", "python_requirements.py"
    )
    found = set()
    for path in glob.glob(pattern):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        start = source.find("def get_venv_packages")
        body = source[start : source.find("\ndef ", start + 1)] if start >= 0 else ""
        found.update(re.findall(r"""pip\s*=\s*['"]([0-9][0-9.]*)['"]""", body))
    return found


def main(venvs):
    """Write the stand-ins; print which ansible-test wants which file."""
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    versions = set(KNOWN)
    for venv in venvs:
        if os.path.isdir(venv):
            wanted = pip_versions(venv)
            if not wanted:
                print("  get-pip: no pip version found in %s (ansible-test layout changed?)" % venv, file=sys.stderr)
            versions.update(wanted)
            print(
                "  get-pip: %s wants %s"
                % (os.path.basename(venv), ", ".join("get_pip_%s.py" % v.replace(".", "_") for v in sorted(wanted))),
                file=sys.stderr,
            )
    for version in sorted(versions):
        path = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                if not handle.read().startswith(MARKER):
                    continue  # a real get-pip script: keep it
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(STANDIN)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
