"""The floor for Takeout listing: a minimal reader of the same zip parts (zipfile + json, sidecars matched by name in
the same folder, across parts). Used by Invoke-Benchmarks.ps1 (Scale phase) as the reference for
Get-GPhotosMediaItem -TakeoutPath: time and peak memory above this process's idle RSS. Prints one JSON line.

What it does, per item, is the least a correct reader must: index every part's central directory, parse every
sidecar (keeping only the fields an item needs), pair each media file with the sidecar named after it
(IMG.JPG.supplemental-metadata.json, IMG.JPG.json, IMG.json, and names Takeout cut at 46 characters), then emit one
small record per media file. It does not merge album copies, read media heads or handle the rarer quirks, so it is
a floor, not a competitor."""
import json
import resource
import sys
import time
import zipfile

SUPPLEMENTAL = ".supplemental-metadata"


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak_rss_bytes():
    # VmHWM, not getrusage's ru_maxrss: on Linux that keeps the peak of the process image before exec (here, the
    # forked pwsh that started this script, about 180 MB).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak():
    # As BenchChild.ps1 does: the peak starts from the idle RSS.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def sidecar_stems(name):
    """Keys a sidecar file name answers to: its stem, and its stem without a (possibly cut) .supplemental-metadata."""
    stem = name[:-5]
    yield stem
    dot = stem.rfind(".")
    if dot > 0 and SUPPLEMENTAL.startswith(stem[dot:]):
        yield stem[:dot]


def main(paths):
    reset_peak()
    idle = rss_bytes()
    start = time.perf_counter()
    archives = [zipfile.ZipFile(p) for p in paths]
    sidecars = {}   # (folder, stem lowercased) -> (id, title, taken, lat, lon)
    media = []      # (archive index, ZipInfo)
    for ai, z in enumerate(archives):
        for info in z.infolist():
            name = info.filename
            if name.endswith("/") or "/Google Photos/" not in name:
                continue
            folder, _, leaf = name.rpartition("/")
            if leaf.lower().endswith(".json"):
                if leaf == "metadata.json":
                    continue
                try:
                    doc = json.loads(z.read(info))
                except ValueError:
                    continue
                url = doc.get("url") or ""
                record = (url.rsplit("/", 1)[-1] or None, doc.get("title"),
                          (doc.get("photoTakenTime") or {}).get("timestamp"),
                          (doc.get("geoData") or {}).get("latitude"), (doc.get("geoData") or {}).get("longitude"))
                for stem in sidecar_stems(leaf):
                    sidecars.setdefault((folder, stem.lower()), record)
            else:
                media.append((ai, info))
    items = matched = 0
    for ai, info in media:
        folder, _, leaf = info.filename.rpartition("/")
        low = leaf.lower()
        dot = low.rfind(".")
        sc = (sidecars.get((folder, low)) or (sidecars.get((folder, low[:dot])) if dot > 0 else None)
              or sidecars.get((folder, low[:46])))
        item = {"archive": paths[ai], "entry": info.filename, "size": info.file_size,
                "id": sc[0] if sc else None, "title": sc[1] if sc else leaf, "taken": sc[2] if sc else None}
        items += 1
        matched += sc is not None
        del item  # emitted: the caller would stream it on
    elapsed = time.perf_counter() - start
    peak = peak_rss_bytes()
    print(json.dumps({"items": items, "matched": matched, "sidecars": len(sidecars), "elapsedSeconds": elapsed,
                      "idleRss": idle, "peakRss": peak, "peakAboveIdle": peak - idle}))


if __name__ == "__main__":
    main(sys.argv[1:])
