"""The floor for listing: the same sequential mediaItems.list requests (pageSize=100, following nextPageToken)
made by a minimal client (one keep-alive connection, json.loads, nothing else). Used by Invoke-Benchmarks.ps1
as the reference for Get-GPhotosMediaItem's items/s. Prints one JSON line."""
import http.client
import json
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
token = sys.argv[2]
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": "Bearer " + token}
items = pages = received = 0
page_token = None
start = time.perf_counter()
while True:
    path = "/v1/mediaItems?pageSize=100" + ("&pageToken=" + urllib.parse.quote(page_token, safe="") if page_token else "")
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {body[:200]!r}")
    received += len(body)
    page = json.loads(body)
    items += len(page.get("mediaItems", []))
    pages += 1
    page_token = page.get("nextPageToken")
    if not page_token:
        break
elapsed = time.perf_counter() - start
print(json.dumps({"items": items, "pages": pages, "bytes": received, "elapsedSeconds": elapsed}))
