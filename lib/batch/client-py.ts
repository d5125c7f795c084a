/**
 * The batch client (mode batch): a small Python program, standard library only, run in the pinned
 * python image. It reads its settings from client.json (lib/batch/client.ts), waits until the model
 * server in the same pod is ready, sends every input file of this pod's shard and writes one result
 * per request. Input formats and exit codes: docs/MODES.md.
 */

/** Exit code of the upload step when the server rejected requests (the Job then fails without retries). */
export const EXIT_REJECTED = 3;

/** The client's source, stored in the ClientConfig ConfigMap as client.py. */
export const CLIENT_PY = String.raw`"""Batch client of cdk8s-model-serving (generated: do not edit).

Sends the input files of this pod's shard to the model server in the same pod and writes one result
per request. Settings: the JSON file named by argv[1]. Exit codes: 0 every request answered (rejected
ones are recorded next to the results and counted in .status/rejected), 1 the server could not be
reached, 2 bad settings.
"""
import concurrent.futures
import itertools
import json
import os
import pathlib
import sys
import time
import urllib.error
import urllib.request
import uuid

CFG = json.loads(pathlib.Path(sys.argv[1]).read_text())
REQ = CFG["request"]
BASE = "http://127.0.0.1:%d" % CFG["port"]
IN = pathlib.Path(CFG["inputDir"])
OUT = pathlib.Path(CFG["outputDir"])
ATTEMPTS = 5
CHUNK = 1000


class Unreachable(Exception):
    """The server did not become ready, or stopped answering."""


def log(msg):
    print(msg, flush=True)


def call(method, path, body=None, ctype=None):
    headers = {"Content-Type": ctype} if ctype else {}
    req = urllib.request.Request(BASE + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=CFG["requestTimeoutSeconds"]) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_ready():
    deadline = time.monotonic() + CFG["readyTimeoutSeconds"]
    while True:
        try:
            status, _ = call("GET", REQ["readyPath"])
            if status == 200:
                return
            why = "HTTP %d" % status
        except OSError as e:
            why = str(e)
        if time.monotonic() > deadline:
            raise Unreachable("GET %s did not answer 200 within %ds (%s)" % (REQ["readyPath"], CFG["readyTimeoutSeconds"], why))
        time.sleep(5)


def post(path, body, ctype):
    """POST, retried on connection errors (after the server is ready again), 429 and 5xx."""
    delay = 1
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, data = call("POST", path, body, ctype)
            if status != 429 and status < 500:
                return status, data
            why = "HTTP %d" % status
        except OSError as e:
            status, data, why = None, b"", str(e)
        if attempt == ATTEMPTS:
            if status is None:
                raise Unreachable("POST %s failed %d times: %s" % (path, ATTEMPTS, why))
            return status, data
        log("POST %s: %s (attempt %d of %d)" % (path, why, attempt, ATTEMPTS))
        if status is None:
            wait_ready()
        time.sleep(delay)
        delay = min(delay * 2, 30)


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def decoded(data):
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def one_file(src):
    rel = src.relative_to(IN).as_posix()
    result = OUT / (rel + REQ["resultSuffix"])
    error = OUT / (rel + ".error.json")
    if result.exists():
        return "skipped"
    status, data = post(REQ["path"], src.read_bytes(), REQ["contentType"])
    if 200 <= status < 300:
        write(result, data)
        if error.exists():
            error.unlink()
        return "ok"
    log("%s: HTTP %d" % (rel, status))
    write(error, json.dumps({"input": rel, "status_code": status, "error": decoded(data)}).encode())
    return "rejected"


def one_line(item):
    number, line = item
    rid = uuid.uuid4().hex
    custom_id = None
    try:
        req = json.loads(line)
        custom_id = req.get("custom_id")
        if req.get("method", "POST") != "POST" or req.get("url") not in REQ["urls"]:
            raise ValueError("method %s url %s is not served here (POST %s)" % (req.get("method"), req.get("url"), ", ".join(REQ["urls"])))
        body = req["body"]
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
    except (ValueError, KeyError, AttributeError) as e:
        return {"id": "batch_req_" + rid, "custom_id": custom_id, "response": None, "error": {"message": "line %d: %s" % (number, e)}}, False
    for key, value in (REQ.get("bodyDefaults") or {}).items():
        body.setdefault(key, value)
    status, data = post(req["url"], json.dumps(body).encode(), "application/json")
    ok = 200 <= status < 300
    response = {"status_code": status, "request_id": rid, "body": decoded(data) if ok else None}
    return {"id": "batch_req_" + rid, "custom_id": custom_id, "response": response, "error": None if ok else decoded(data)}, ok


def one_jsonl(pool, src, counts):
    rel = src.relative_to(IN).as_posix()
    result = OUT / rel
    if result.exists():
        counts["skipped"] += 1
        return
    result.parent.mkdir(parents=True, exist_ok=True)
    tmp = result.with_name(result.name + ".partial")
    with src.open(encoding="utf-8") as lines, tmp.open("w", encoding="utf-8") as out:
        numbered = ((n, l) for n, l in enumerate(lines, 1) if l.strip())
        for chunk in iter(lambda: list(itertools.islice(numbered, CHUNK)), []):
            for record, ok in pool.map(one_line, chunk):
                out.write(json.dumps(record) + "\n")
                counts["ok" if ok else "rejected"] += 1
    os.replace(tmp, result)


def main():
    if REQ["format"] not in ("body-per-file", "openai-batch"):
        log("unknown request format %s" % REQ["format"])
        return 2
    suffixes = tuple(REQ.get("inputSuffixes") or ())
    files = sorted(p for p in IN.rglob("*") if p.is_file() and (not suffixes or p.name.endswith(suffixes)))
    log("%d input file(s) in %s for %s" % (len(files), IN, BASE))
    counts = {"ok": 0, "rejected": 0, "skipped": 0}
    if files:
        wait_ready()
        with concurrent.futures.ThreadPoolExecutor(CFG["concurrency"]) as pool:
            if REQ["format"] == "body-per-file":
                for outcome in pool.map(one_file, files):
                    counts[outcome] += 1
            else:
                for src in files:
                    one_jsonl(pool, src, counts)
    log("done: %(ok)d answered, %(rejected)d rejected, %(skipped)d already done" % counts)
    if counts["rejected"]:
        write(OUT / ".status" / "rejected", b"%d\n" % counts["rejected"])
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Unreachable as e:
        log("error: %s" % e)
        sys.exit(1)
`;
