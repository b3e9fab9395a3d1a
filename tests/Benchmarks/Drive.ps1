# The Drive phase of Invoke-Benchmarks.ps1 (dot-sourced; uses its helpers and script variables; opt-in: -Phase Drive).
# Issue 14 item 8, against the emulator's Drive serving exports of its own Takeout generator:
#   1. a first backup from Drive (Get-GPhotosTakeoutArchive -Latest | Get-GPhotosMediaItem | Save-GPhotosMediaItem):
#      bytes and requests against the export's size;
#   2. the re-run over a second export with 1 % new items: bytes <= 1.05 x (new media + new sidecars + all central
#      directories) and requests <= 2 per new item + 3 per part + 10 (issue 14 item 3);
#   3. Drive download throughput of that first backup against curl fetching exactly the ranges Save fetched (the
#      emulator logs them), with the emulator's token and Save's concurrency;
#   4. that re-run again without the Takeout entry cache (a new computer): what each item costs once.
# Plain photos are $DrivePhotoSize bytes and plain videos $DriveVideoSize (the generator's size options), so the
# throughput row measures downloads, not the per-file cost of 2 KB files.

# Sizes (run it small on a busy machine): set before the phase runs, e.g. $DriveItems = 2000 in a wrapper.
if (-not (Get-Variable DriveItems -Scope Script -ErrorAction SilentlyContinue)) { $script:DriveItems = 300 }
if (-not (Get-Variable DriveParts -Scope Script -ErrorAction SilentlyContinue)) { $script:DriveParts = 3 }
if (-not (Get-Variable DrivePhotoSize -Scope Script -ErrorAction SilentlyContinue)) { $script:DrivePhotoSize = 300000 }
if (-not (Get-Variable DriveVideoSize -Scope Script -ErrorAction SilentlyContinue)) { $script:DriveVideoSize = 3000000 }

function Get-LocalDriveParts($Export) {
    <# The generator's files of an export, in part order (the emulator serves these bytes as the Drive parts). #>
    @(Get-ChildItem (Split-Path $Export.manifestPath) -File | Where-Object Name -Match '\.zip$' | Sort-Object Name | ForEach-Object FullName)
}

function Get-ZipFacts([string] $Path) {
    <# Entries (name|size|crc -> compressed bytes + local header) and the central directory's size (from the EOCD). #>
    $zip = [IO.Compression.ZipFile]::OpenRead($Path)
    try {
        $entries = @{}
        foreach ($e in $zip.Entries) { $entries["$($e.FullName)|$($e.Length)|$($e.Crc32)"] = [long]$e.CompressedLength + 30 + [Text.Encoding]::UTF8.GetByteCount($e.FullName) }
    }
    finally { $zip.Dispose() }
    $fs = [IO.File]::OpenRead($Path)
    try {
        $tail = [Math]::Min($fs.Length, 65557 + 20 + 56)
        $buf = [byte[]]::new($tail)
        $fs.Position = $fs.Length - $tail
        $null = $fs.Read($buf, 0, $tail)
    }
    finally { $fs.Dispose() }
    $cd = 0L
    for ($i = $tail - 22; $i -ge 0; $i--) {
        if ([BitConverter]::ToUInt32($buf, $i) -eq 0x06054b50) {
            $cd = [BitConverter]::ToUInt32($buf, $i + 12)
            # zip64: the EOCD says 0xFFFFFFFF and the zip64 record (56 bytes before its locator) has the real size.
            if ($cd -eq 0xFFFFFFFF -and $i -ge 76 -and [BitConverter]::ToUInt32($buf, $i - 76) -eq 0x06064b50) { $cd = [BitConverter]::ToInt64($buf, $i - 76 + 40) }
            break
        }
    }
    [pscustomobject]@{ Entries = $entries; CentralDirectory = [long]$cd }
}

function Format-KB([double] $Bytes) { '{0:N0} KB' -f ($Bytes / 1e3) }  # small exports: MB would round new bytes to 0.0

function Get-DriveCounters { Invoke-Control 'drive/counters' }
function Get-MediaRequests($Counters) {
    <# drive.files.media of a counters answer; absent when no media was asked for. #>
    $p = $Counters.requests.PSObject.Properties['drive.files.media']
    if ($p) { [long]$p.Value } else { 0L }
}
function Clear-DriveCounters { $null = Invoke-Control 'drive/counters' Delete }

function Invoke-DriveSave([string] $Destination) {
    <#
    One backup from Drive in this pwsh: the listing (Get-GPhotosTakeoutArchive | Get-GPhotosMediaItem: directories,
    sidecars, media heads), then Save, each timed and counted on its own, so Save's download rate is not diluted by
    the listing. Returns both together (Bytes, Requests) and Save's part (SaveBytes, SaveSeconds, SaveRanges).
    #>
    Clear-DriveCounters
    Sync-Disk
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $items = @(Get-GPhotosTakeoutArchive -Latest -WarningAction SilentlyContinue | Get-GPhotosMediaItem -WarningAction SilentlyContinue)
    $listSeconds = $sw.Elapsed.TotalSeconds
    $l = Get-DriveCounters
    Clear-DriveCounters
    $sw.Restart()
    $results = @($items | Save-GPhotosMediaItem -Path $Destination -WarningAction SilentlyContinue -ErrorAction Continue)
    $sw.Stop()
    $c = Get-DriveCounters
    [pscustomobject]@{
        ListSeconds = $listSeconds; SaveSeconds = $sw.Elapsed.TotalSeconds
        Requests = [long]$l.totalRequests + [long]$c.totalRequests; Bytes = [long]$l.mediaBytesServed + [long]$c.mediaBytesServed
        MediaRequests = (Get-MediaRequests $l) + (Get-MediaRequests $c)
        SaveBytes = [long]$c.mediaBytesServed; SaveRanges = @($c.ranges); SaveMediaRequests = Get-MediaRequests $c
        Ranges = @($l.ranges) + @($c.ranges)
        Saved = @($results | Where-Object Status -EQ 'Saved').Count
        Skipped = @($results | Where-Object Status -EQ 'Skipped').Count; Results = $results.Count
    }
}

function Invoke-CurlDriveRanges([string[]] $Ranges, [int] $Parallel, [string] $Destination) {
    <# curl --parallel fetching the ranges ("fileId start-end", as the emulator logs them) with the bearer header: the floor for those bytes. #>
    New-Item -ItemType Directory -Force $Destination | Out-Null
    $config = Join-Path $WorkFolder 'curl.drive.cfg'
    $lines = [Collections.Generic.List[string]]::new()
    $n = 0
    foreach ($r in $Ranges) {
        $id, $span = $r -split ' '
        # One operation per range ('next'): curl's headers add up across the URLs of one operation, and 500
        # Range headers in one request are refused (431). The token goes in the config file, never on the
        # command line, where ps would show it.
        if ($n -gt 0) { $lines.Add('next') }
        $lines.Add("url = `"$($Emu.Url)/drive/v3/files/$($id)?alt=media`"")
        $lines.Add("header = `"Authorization: Bearer $script:DriveToken`"")
        $lines.Add("header = `"Range: bytes=$span`"")
        $lines.Add('fail')
        $lines.Add("output = `"$(Join-Path $Destination ('r{0:D6}' -f $n++))`"")
    }
    Set-Content -LiteralPath $config -Value $lines
    Sync-Disk
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $Curl --silent --no-progress-meter --show-error --fail --parallel --parallel-max $Parallel --config $config
    $exit = $LASTEXITCODE
    $sw.Stop()
    Remove-Item -LiteralPath $config -ErrorAction SilentlyContinue
    if ($exit -ne 0) { throw "curl failed (exit $exit) fetching Drive ranges." }
    $got = Measure-Folder $Destination
    [pscustomobject]@{ Seconds = $sw.Elapsed.TotalSeconds; Bytes = $got.Bytes; Requests = $n }
}

function Invoke-DrivePhase {
    Write-Step "Drive: $DriveItems items in $DriveParts parts (photos $DrivePhotoSize B, videos $DriveVideoSize B), then an export with 1 % new"
    $null = Invoke-Control 'drive/reset' Post
    $script:DriveToken = (Invoke-Control 'tokens' Post @{ scopes = @('https://www.googleapis.com/auth/drive.readonly') }).accessToken
    Connect-GPhotos -AccessToken $script:DriveToken | Out-Null
    $cache = Join-Path $WorkFolder 'drive-entry-cache'
    $before = $env:GPHOTOS_TAKEOUT_CACHE
    $env:GPHOTOS_TAKEOUT_CACHE = $cache
    try {
        $stamp = { param([int] $HoursAgo) [DateTime]::UtcNow.AddHours(-$HoursAgo).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }
        $first = Invoke-Control 'drive/exports' Post @{ items = $DriveItems; parts = $DriveParts; seed = 7; exportTime = (& $stamp 3); photoSize = $DrivePhotoSize; videoSize = $DriveVideoSize }
        $size1 = [long]($first.parts | Measure-Object size -Sum).Sum
        $dest = Join-Path $WorkFolder 'drive-backup'

        # 1. First backup.
        $r1 = Invoke-DriveSave $dest
        # Every item has a result and none failed (an item whose bytes equal another's is Skipped, not Saved).
        # The items the generator expects a reader to give (trashed ones are not listed).
        $expected1 = (Get-Content $first.manifestPath -Raw | ConvertFrom-Json).Expected.Items
        if ($r1.Results -ne $expected1 -or $r1.Saved + $r1.Skipped -ne $r1.Results) { Set-Broken "Drive first backup: $($r1.Results) results ($($r1.Saved) saved, $($r1.Skipped) skipped) for $expected1 items." }
        Add-Row '8 drive' "first backup from Drive: bytes fetched ($($first.itemCount) items, $($first.parts.Count) parts)" (Format-KB $r1.Bytes) ("export {0}" -f (Format-KB $size1)) ([Math]::Round($r1.Bytes / $size1, 3)) '~ 1 x export' ($r1.Bytes -le 1.05 * $size1)
        Add-Row '8 drive' 'first backup from Drive: requests' $r1.Requests ('{0} items' -f $first.itemCount) ([Math]::Round($r1.Requests / [Math]::Max(1, $first.itemCount), 2)) '' $null ("{0} range requests" -f $r1.MediaRequests)

        # 3. Save's download rate against curl fetching exactly the ranges Save fetched (same bytes, same requests,
        # Save's concurrency); the listing before it is timed apart.
        if ($r1.SaveRanges.Count -ne $r1.SaveMediaRequests) { Set-Broken "Drive: the emulator logged $($r1.SaveRanges.Count) ranges for $($r1.SaveMediaRequests) media requests." }
        $curl = Invoke-CurlDriveRanges $r1.SaveRanges $Throttle (Join-Path $WorkFolder 'drive-curl')
        Remove-Folder (Join-Path $WorkFolder 'drive-curl')
        if ($curl.Bytes -ne $r1.SaveBytes) { Set-Broken "Drive: curl fetched $($curl.Bytes) bytes, Save $($r1.SaveBytes), over the same ranges." }
        $saveRate = $r1.SaveBytes / $r1.SaveSeconds
        $curlRate = $curl.Bytes / $curl.Seconds
        Add-Row '8 drive' "Save from Drive vs curl, same $($curl.Requests) ranges ($(Format-MB $r1.SaveBytes))" ('{0}/s' -f (Format-MB $saveRate)) ('curl {0}/s' -f (Format-MB $curlRate)) ([Math]::Round($saveRate / $curlRate, 2)) '' $null `
            ('Save also writes, hashes and fsyncs {0} files; the listing before it took {1:N1} s' -f $r1.Saved, $r1.ListSeconds)

        # 2. A second export with 1 % new items, read against the first backup.
        $newItems = [Math]::Max(1, [int][Math]::Ceiling($DriveItems / 100))
        $second = Invoke-Control 'drive/exports' Post @{ newItems = $newItems; parts = $DriveParts; exportTime = (& $stamp 2) }
        $old = @{}
        foreach ($p in Get-LocalDriveParts $first) { foreach ($k in (Get-ZipFacts $p).Entries.Keys) { $old[$k] = $true } }
        $newBytes = 0L; $cdBytes = 0L
        foreach ($p in Get-LocalDriveParts $second) {
            $f = Get-ZipFacts $p
            $cdBytes += $f.CentralDirectory
            foreach ($k in $f.Entries.Keys) { if (-not $old.ContainsKey($k)) { $newBytes += $f.Entries[$k] } }
        }
        $r2 = Invoke-DriveSave $dest
        # Where the re-run's bytes went: one line per range request ("fileId start-end"), for when the target is missed.
        Set-Content -LiteralPath (Join-Path $WorkFolder 'drive-rerun-ranges.txt') -Value $r2.Ranges
        $expected2 = (Get-Content $second.manifestPath -Raw | ConvertFrom-Json).Expected.Items
        if ($r2.Results -ne $expected2 -or $r2.Saved -gt $newItems -or $r2.Saved + $r2.Skipped -ne $r2.Results) { Set-Broken "Drive re-run: $($r2.Results) results ($($r2.Saved) saved) for $expected2 items, $newItems new." }
        $byteTarget = 1.05 * ($newBytes + $cdBytes)
        $requestTarget = 2 * $newItems + 3 * $second.parts.Count + 10
        Add-Row '8 drive' "1 %-new re-run: bytes fetched ($newItems new of $($second.itemCount))" (Format-KB $r2.Bytes) ('new {0} + directories {1}' -f (Format-KB $newBytes), (Format-KB $cdBytes)) ([Math]::Round($r2.Bytes / ($newBytes + $cdBytes), 2)) ('<= {0}' -f (Format-KB $byteTarget)) ($r2.Bytes -le $byteTarget) `
            'per part: the last 1 KB (end records), then the rest of its central directory; per new entry: its local header and data'
        Add-Row '8 drive' '1 %-new re-run: requests' $r2.Requests ('{0} parts' -f $second.parts.Count) $null ('<= {0}' -f $requestTarget) ($r2.Requests -le $requestTarget)

        # 4. The same re-run on a new computer: the backup is there, the Takeout entry cache is not (GPHOTOS_TAKEOUT_CACHE
        # not in the backup): each item's sidecar and media head are fetched once more; nothing is saved again.
        # Another, empty folder: the cache is loaded once per process and per folder.
        $env:GPHOTOS_TAKEOUT_CACHE = "$cache-new-computer"
        $r3 = Invoke-DriveSave $dest
        Remove-Folder "$cache-new-computer"
        if ($r3.Saved -ne 0) { Set-Broken "Drive re-run without the entry cache saved $($r3.Saved) items again." }
        Add-Row '8 drive' "re-run without the entry cache (new computer): bytes per item ($($second.itemCount) items)" ('{0:N0} B' -f ($r3.Bytes / $second.itemCount)) ('with the cache {0:N0} B' -f ($r2.Bytes / $second.itemCount)) $null '' $null `
            ('{0} total, {1} requests ({2:N2} per item); once per computer, unless the cache is kept in the backup' -f (Format-KB $r3.Bytes), $r3.Requests, ($r3.Requests / $second.itemCount))
    }
    finally {
        $env:GPHOTOS_TAKEOUT_CACHE = $before
        Remove-Folder $cache
        Remove-Folder (Join-Path $WorkFolder 'drive-backup')
    }
}
