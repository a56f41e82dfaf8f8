# -*- coding: utf-8 -*-
# Copyright: multicloud.images contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What still names an image in a region (launch template versions, auto-scaling configurations, servers), read
once per task, and the blocks and ``referenced_by`` entries made from it.

Cloud-neutral: each adapter lists its reads (``ImageAdapter.reference_reads``); a read returns the references it
found and any further reads it needs (a template's versions), which run in the next wave, on the task's threads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .errors import FORBIDDEN, IN_USE, REFERENCED, CloudError

LAUNCH_TEMPLATE = "launch_template"
SCALING_CONFIGURATION = "scaling_configuration"
SERVER = "server"
# At most this many waves of reads (listing, then one read per listed item): a bound, never reached by the adapters.
MAX_WAVES = 4
# At most this many pages per listing.
MAX_PAGES = 1000
SHOWN = 5


class Read:
    """One reference read: ``func()`` returns (references, further reads); ``permission`` is the policy action
    it needs (named when the cloud refuses it)."""

    def __init__(self, permission, func):
        self.permission = permission
        self.func = func

    def __call__(self):
        return self.func()


def pages(fetch):
    """Every item of a paged listing. ``fetch(seen, index)`` reads the page after ``seen`` items (``index`` from 0)
    and returns (its items, the listing's total); an empty page or the total ends it."""
    items = []
    for index in range(MAX_PAGES):
        page, total = fetch(len(items), index)
        items.extend(page)
        if not page or len(items) >= int(total or 0):
            break
    return items


def reference(image_id, kind, ref_id, name=None, version=None, group=None):
    """(image id, the entry ``referenced_by`` shows)."""
    entry = {"kind": kind, "id": ref_id, "name": name}
    if kind == LAUNCH_TEMPLATE:
        entry["version"] = version
    elif kind == SCALING_CONFIGURATION:
        entry["group"] = group
    return image_id, entry


def template_versions(template, read_versions, image_of, number_of, gone_codes):
    """The references of one launch template's versions (Tencent and Alibaba name the template's fields alike:
    LaunchTemplateId, LaunchTemplateName). A template deleted since it was listed (an error of ``gone_codes``) names
    nothing."""
    try:
        versions = read_versions()
    except CloudError as error:
        if error.code in gone_codes:
            return [], []
        raise
    return [
        reference(
            image_of(v),
            LAUNCH_TEMPLATE,
            template.get("LaunchTemplateId"),
            template.get("LaunchTemplateName"),
            version=number_of(v),
        )
        for v in versions
    ], []


def collect(reads, parallel):
    """Run the reads wave by wave; return {image_id: [entries]}. A refused read raises a CloudError that names the
    permission and the way out."""
    found = {}
    for dummy_wave in range(MAX_WAVES):
        if not reads:
            break
        following = []
        for read, result, error in parallel(lambda read: read(), reads):
            if error is not None:
                raise refused(read, error)
            pairs, more = result
            for image_id, entry in pairs:
                if image_id and entry not in found.setdefault(image_id, []):
                    found[image_id].append(entry)
            following.extend(more)
        reads = following
    return found


def refused(read, error):
    if error.category != FORBIDDEN:
        return error
    return CloudError(
        FORBIDDEN,
        "could not read what still refers to the images (%s): the credentials lack the "
        "permission %s. Grant it, or set protect_referenced: false to delete without this check (%s)"
        % (error.code, read.permission, error.message),
        code=error.code,
        request_id=error.request_id,
        http_status=error.http_status,
    )


def label(entry):
    """A referrer in a person's words."""
    name = " (%s)" % entry["name"] if entry.get("name") else ""
    if entry["kind"] == LAUNCH_TEMPLATE:
        return "launch template %s%s version %s" % (entry["id"], name, entry.get("version"))
    if entry["kind"] == SCALING_CONFIGURATION:
        group = " of scaling group %s" % entry["group"] if entry.get("group") else " (in no scaling group)"
        return "scaling configuration %s%s%s" % (entry["id"], name, group)
    return "server %s%s" % (entry["id"], name)


def listed(entries):
    shown = ", ".join(label(e) for e in entries[:SHOWN])
    return shown + (" and %d more" % (len(entries) - SHOWN) if len(entries) > SHOWN else "")


def blocks(images, found):
    """{image id: (category, code, reason)} for the ``images`` that ``found`` names: servers that run an image make
    it ``in_use``; templates and scaling configurations make it ``referenced``."""
    out = {}
    for image in images:
        entries = found.get(image["id"]) or []
        servers = [e for e in entries if e["kind"] == SERVER]
        others = [e for e in entries if e["kind"] != SERVER]
        what = "image %s (%s)" % (image["id"], image.get("name"))
        if servers:
            out[image["id"]] = (
                IN_USE,
                "ServersUseImage",
                "%s runs %d server(s): %s; delete them or rebuild them "
                "from another image first" % (what, len(servers), listed(servers)),
            )
        elif others:
            out[image["id"]] = (
                REFERENCED,
                "Referenced",
                "%s is still named by %s: point them at another image or "
                "delete them first (or set protect_referenced: false)" % (what, listed(others)),
            )
    return out
