#!/usr/bin/env python3
"""Edit-to-served latency of `briefing serve`: saves an edit to one article and polls its page
over HTTP until the new text is served. Prints each figure and the median.

usage: bench/serve-edit-latency.py SITE [--binary target/release/briefing] [--edits 15] [--kind body|title]
SITE is a briefing site, e.g. one written by ../shared/bench/gen-corpus --articles 10000.
The site is edited in place (the article's text is restored at the end)."""
import argparse, http.client, os, re, statistics, subprocess, sys, time

def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read().decode("utf-8", "replace")
    c.close()
    return r.status, body

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--binary", default="target/release/briefing")
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--kind", choices=["body", "title"], default="body")
    a = ap.parse_args()
    arts = os.path.join(a.site, "content", "articles")
    # A published article: no status line other than published, dated in the past.
    for name in sorted(os.listdir(arts)):
        text = open(os.path.join(arts, name), encoding="utf-8").read()
        if "status: draft" not in text and "status: review" not in text:
            break
    path = os.path.join(arts, name)
    original = text
    slug = re.search(r"^slug: (.+)$", text, re.M)
    slug = slug.group(1).strip() if slug else name[:-3]
    url = f"/articles/{slug}/"
    proc = subprocess.Popen([a.binary, "serve", "--port", "0", "--root", a.site],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    log = os.environ.get("SERVE_LOG")
    try:
        port = None
        started = time.time()
        for line in proc.stdout:
            m = re.match(r"serving http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
            print("  " + line.strip())
        print(f"serving after {time.time() - started:.1f} s (initial build), page {url}")
        assert get(port, url)[0] == 200
        figures = []
        for i in range(a.edits):
            token = f"latencytoken{i}x{int(time.time() * 1000)}"
            if a.kind == "body":
                new = original.rstrip("\n") + f"\n\nEdited paragraph {token}.\n"
            else:
                new = re.sub(r"^title: (.*)$", lambda m: f"title: {token} {m.group(1)}", original, count=1, flags=re.M)
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            while True:
                status, body = get(port, url)
                if token in body:
                    break
                if time.perf_counter() - t0 > 30:
                    sys.exit("the edit never showed up")
            ms = (time.perf_counter() - t0) * 1000
            figures.append(ms)
            print(f"edit {i + 1}: {ms:.0f} ms")
            time.sleep(0.3)
        if log:
            proc.kill()
            rest = proc.stdout.read()
            open(log, "w").write(rest)
        print(f"{a.kind} edit to served page: median {statistics.median(figures):.0f} ms, "
              f"min {min(figures):.0f} ms, max {max(figures):.0f} ms over {len(figures)} edits")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        proc.kill()
        proc.wait()

if __name__ == "__main__":
    main()
