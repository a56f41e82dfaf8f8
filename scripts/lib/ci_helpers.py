"""Small helpers for scripts/test: the collection farm, junit counts, tarball and bindep checks.

Usage:
  ci_helpers.py farm REPO DEST [--untracked]  copy the git-tracked files of REPO to DEST (a fresh directory)
  ci_helpers.py junit FILE_OR_DIR...          print "passed failed skipped" summed over junit xml files
  ci_helpers.py tarball TARBALL REPO          check what a built collection holds (and does not hold)
  ci_helpers.py bindep FILE                   check that a bindep file parses
  ci_helpers.py reap SINCE MARK PATH...       stop orphaned processes (parent 1) started at or after epoch SINCE
                                              whose environment holds MARK (VAR=value) or whose command line names
                                              one of PATH... (what a killed test left running, e.g. an emulator)
  ci_helpers.py installed COLLECTION ANSIBLE_DOC  import every module_utils/module of an installed copy and
                                              read each module's docs with ANSIBLE_DOC (run it with the
                                              install venv's python and PYTHONPATH/ANSIBLE_COLLECTIONS_PATH set)
  ci_helpers.py complexity RANK DIR...        list every function of the .py files under DIR... whose radon
                                              cyclomatic-complexity rank is worse than RANK; fail if any is
"""

import fnmatch
import glob
import importlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET

# Paths that must never reach a collection tarball (fnmatch on each member path and on each of its parts).
FORBIDDEN_PARTS = (
    ".venv",
    ".venvs",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".cache",
    ".git",
    ".tox",
    ".mypy_cache",
    ".ruff_cache",
    ".ansible",
    ".ci",
)
FORBIDDEN_GLOBS = (
    "*.pyc",
    "*.pyo",
    "*.tar.gz",
    "*.retry",
    "tests/output/*",
    "tests/integration/integration_config.yml",
    "scripts/bench-output/*",
    "*.pip.log",
)
REQUIRED = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "requirements.txt",
    "bindep.txt",
    "meta/execution-environment.yml",
    "changelogs/changelog.yaml",
)


def git_files(repo, untracked):
    """Return the files git tracks in REPO (plus untracked, not ignored ones when asked), as relative paths."""
    cmd = ["git", "-C", repo, "ls-files", "-z", "--cached"]
    if untracked:
        cmd += ["--others", "--exclude-standard"]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8", "surrogateescape")
    return sorted({path for path in out.split("\0") if path})


def farm(repo, dest, untracked=False):
    """Copy the tracked working-tree files of REPO to DEST, keeping modes; print what was left out."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    try:
        files = git_files(repo, untracked)
    except (OSError, subprocess.CalledProcessError):
        files = None
    if files is None:  # not a git checkout: copy everything but the usual junk
        ignore = shutil.ignore_patterns(*FORBIDDEN_PARTS, "*.pyc", "*.tar.gz")
        shutil.rmtree(dest)
        shutil.copytree(repo, dest, ignore=ignore, symlinks=True)
        print("farm: %s is not a git checkout: copied everything but caches and venvs" % repo, file=sys.stderr)
        return 0
    copied = 0
    for rel in files:
        src = os.path.join(repo, rel)
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(src):
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)
        copied += 1
    if not untracked:
        left = [path for path in git_files(repo, True) if path not in set(files)]
        if left:
            print(
                "farm: %d untracked file(s) left out (git add them, or MCI_UNTRACKED=1): %s"
                % (len(left), " ".join(left[:15]) + (" ..." if len(left) > 15 else "")),
                file=sys.stderr,
            )
    print("farm: %d files in %s" % (copied, dest), file=sys.stderr)
    return 0


def junit(paths):
    """Print passed, failed (failures + errors) and skipped test counts over junit xml files."""
    files = []
    for path in paths:
        if os.path.isdir(path):
            files += [os.path.join(path, name) for name in sorted(os.listdir(path)) if name.endswith(".xml")]
        elif os.path.isfile(path):
            files.append(path)
    passed = failed = skipped = 0
    for path in files:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            failed += 1
            continue
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            tests = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += max(tests - bad - skip, 0)
            failed += bad
            skipped += skip
    print(passed, failed, skipped)
    return 0


def forbidden(name):
    """True when a member path must never ship (a venv, a cache, test output...)."""
    parts = name.split("/")
    return any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in FORBIDDEN_PARTS) or any(
        fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN_GLOBS
    )


def shipped_sources(repo):
    """The files of REPO's plugins and roles that a tarball must hold (bytecode aside), as relative paths."""
    for sub in ("plugins/modules", "plugins/module_utils", "plugins/doc_fragments", "roles"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(repo, sub)):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for filename in filenames:
                if not filename.endswith((".pyc", ".pyo")):
                    yield os.path.relpath(os.path.join(dirpath, filename), repo)


def tarball(path, repo):
    """Check the built collection: required files present, no venvs/caches/test output, the modules all there."""
    with tarfile.open(path) as tar:
        names = [member.name[2:] if member.name.startswith("./") else member.name for member in tar.getmembers()]
    problems = ["must not ship: %s" % name for name in names if forbidden(name)]
    problems += ["missing: %s" % name for name in REQUIRED if name not in names]
    problems += ["not in the tarball: %s" % rel for rel in shipped_sources(repo) if rel not in names]
    for problem in problems[:50]:
        print("  " + problem)
    size = os.path.getsize(path)
    print("  %d members, %.1f KiB" % (len(names), size / 1024.0))
    if size > 2 * 1024 * 1024:
        problems.append("tarball larger than 2 MiB")
        print("  tarball larger than 2 MiB")
    return 1 if problems else 0


def bindep(path):
    """Parse a bindep file the way bindep does; fail on syntax errors."""
    from bindep.depends import Depends  # pylint: disable=import-error,import-outside-toplevel

    with open(path, encoding="utf-8") as handle:
        content = handle.read()
    try:
        depends = Depends(content)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        print("  %s: %s" % (path, exc))
        return 1
    rpm = depends.active_rules(["platform:rpm", "compile"])
    dpkg = depends.active_rules(["platform:dpkg", "compile"])
    print("  %d rules (%d for rpm, %d for dpkg)" % (len(depends._rules), len(rpm), len(dpkg)))  # pylint: disable=protected-access
    return 0


def installed(root, ansible_doc):
    """Import every module_utils and module of the installed collection ROOT; ansible-doc each module."""
    failed = 0
    modules = sorted(
        os.path.basename(path)[:-3]
        for path in glob.glob(os.path.join(root, "plugins", "modules", "*.py"))
        if not path.endswith("__init__.py")
    )
    for kind in ("module_utils", "modules"):
        for path in sorted(glob.glob(os.path.join(root, "plugins", kind, "*.py"))):
            name = os.path.basename(path)[:-3]
            if name == "__init__":
                continue
            try:
                importlib.import_module("ansible_collections.multicloud.images.plugins.%s.%s" % (kind, name))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                failed += 1
                print("import %s.%s: %s: %s" % (kind, name, type(exc).__name__, exc))
    for name in modules:
        fqcn = "multicloud.images." + name
        proc = subprocess.run([ansible_doc, "-j", "-t", "module", fqcn], capture_output=True, text=True, check=False)
        try:
            doc = json.loads(proc.stdout)[fqcn]["doc"] if proc.returncode == 0 else None
        except (ValueError, KeyError, TypeError):
            doc = None
        if not doc:
            failed += 1
            print("ansible-doc %s: exit %s %s" % (fqcn, proc.returncode, proc.stderr.strip()[-500:]))
    print("%d modules import and document: %s" % (len(modules), ", ".join(modules)))
    return 1 if failed else 0


def reap(since, mark, paths):
    """SIGTERM orphans started since SINCE (epoch s) whose environment holds MARK or command line one of PATHS."""
    import signal  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel

    with open("/proc/stat", encoding="ascii") as handle:
        btime = next(int(line.split()[1]) for line in handle if line.startswith("btime "))
    ticks = os.sysconf("SC_CLK_TCK")
    stopped = []
    for pid in (int(name) for name in os.listdir("/proc") if name.isdigit()):
        if pid == os.getpid():
            continue
        try:
            with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        ppid, started = int(fields[1]), btime + int(fields[19]) / ticks
        if ppid != 1 or started < since - 1:
            continue
        if not any(path in cmdline for path in paths):
            try:
                with open("/proc/%d/environ" % pid, "rb") as handle:
                    if mark.encode() not in handle.read().split(b"\0"):
                        continue
            except OSError:
                continue
        try:
            os.kill(pid, signal.SIGTERM)
            stopped.append(pid)
        except OSError:
            pass
    if stopped:
        time.sleep(1)
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        print("stopped %d orphaned process(es) left by the tests: %s" % (len(stopped), " ".join(map(str, stopped))))
    return 0


def complexity(worst, dirs):
    """Every function whose radon rank is worse than ``worst`` (e.g. C), one line each; 1 when there is one."""
    from radon.complexity import cc_rank, cc_visit

    offenders = checked = 0
    for path in sorted(p for d in dirs for p in glob.glob(os.path.join(d, "**", "*.py"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            blocks = cc_visit(handle.read())
        for block in blocks:
            checked += 1
            if cc_rank(block.complexity) > worst:
                offenders += 1
                print(
                    "%s:%d %s - rank %s (%d)"
                    % (path, block.lineno, block.fullname, cc_rank(block.complexity), block.complexity)
                )
    print("%d functions checked, %d above rank %s" % (checked, offenders, worst))
    return 1 if offenders else 0


def main(argv):
    """Dispatch the sub-command."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "farm":
        return farm(args[0], args[1], "--untracked" in args[2:])
    if cmd == "junit":
        return junit(args)
    if cmd == "tarball":
        return tarball(args[0], args[1])
    if cmd == "bindep":
        return bindep(args[0])
    if cmd == "reap":
        return reap(float(args[0]), args[1], args[2:])
    if cmd == "installed":
        return installed(args[0], args[1])
    if cmd == "complexity":
        return complexity(args[0], args[1:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
