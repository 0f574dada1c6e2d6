"""gradeplugin.py: the pytest side of `make grade` (loaded with -p gradeplugin).

Owns: choosing the tests of a lab at collection time and recording what
each test did, one JSON object per line, in the file WEFT_GRADE_RECORD
names. tests/grade.py (the driver) reads that file and does the scoring.
Rules: WEFT_GRADE_LAB (empty = everything; "cow,threads" = two labs)
keeps only the labs' usertests cases and the overlay tests that name one
of them, plus the boot stand-in so a dead kernel is reported;
WEFT_GRADE_TEST keeps one test (a usertests case, a pytest function or a
display name such as shell/echo_prints_its_arguments); points.UNGRADED
functions are never kept.
Invariant: a line is written and flushed as soon as a test finishes, so
the driver keeps every result even if this process is killed later.
"""

import json
import os

import points

_record = None          # the open WEFT_GRADE_RECORD file
_phases = {}            # nodeid -> {"outcome", "output", "duration"} so far


def _emit(event):
    global _record
    path = os.environ.get("WEFT_GRADE_RECORD")
    if not path:
        return
    if _record is None:
        _record = open(path, "a", encoding="utf-8")
    _record.write(json.dumps(event) + "\n")
    _record.flush()


def _case(item):
    """The usertests case name of a test_usertest item, else None."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or "usertest" not in callspec.params:
        return None
    return callspec.params["usertest"][0]


def _describe(item):
    return {"nodeid": item.nodeid, "file": item.path.name,
            "function": item.originalname or item.name, "case": _case(item)}


def _display(item):
    group = item.path.name[len("test_"):-len(".py")]
    case = _case(item)
    if case is not None:
        return "%s/%s" % (group, case)
    fn = item.originalname or item.name
    short = fn[len("test_"):] if fn.startswith("test_") else fn
    return "%s/%s" % (group, short[len(group) + 1:] if short.startswith(group + "_") else short)


def _wanted(item, labs, one):
    case = _case(item)
    fn = item.originalname or item.name
    if case == points.BOOT_CASE:
        return True
    if one:
        return one in (case, fn, _display(item))
    if case is not None:
        return points.in_lab(case, labs)
    return points.graded(item.path.name, fn) and points.pytest_in_lab(item.path.name, fn, labs)


def pytest_collection_modifyitems(session, config, items):
    labs = points.parse_labs(os.environ.get("WEFT_GRADE_LAB", ""))
    one = os.environ.get("WEFT_GRADE_TEST", "")
    keep, drop = [], []
    for item in items:
        (keep if _wanted(item, labs, one) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    _emit({"event": "collected", "items": [_describe(i) for i in keep]})


def _text(report):
    if report.passed:
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return "skipped: " + str(report.longrepr[2])
    return report.longreprtext


def pytest_runtest_logreport(report):
    """Fold setup/call/teardown into one result; emit it after teardown."""
    rec = _phases.setdefault(report.nodeid,
                             {"outcome": "passed", "output": [], "duration": 0.0})
    rec["duration"] += report.duration
    if report.failed:
        rec["outcome"] = "failed"
    elif report.skipped and rec["outcome"] == "passed":
        rec["outcome"] = "skipped"
    text = _text(report)
    if text:
        where = "" if report.when == "call" else "(in %s) " % report.when
        rec["output"].append(where + text)
    if report.when == "teardown":
        _phases.pop(report.nodeid)
        _emit({"event": "result", "nodeid": report.nodeid,
               "outcome": rec["outcome"], "duration": round(rec["duration"], 2),
               "output": "\n".join(rec["output"])})


def pytest_sessionfinish(session, exitstatus):
    _emit({"event": "finished", "exitstatus": int(exitstatus)})
