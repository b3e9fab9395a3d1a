# The Scale phase of Invoke-Benchmarks.ps1 (dot-sourced by it; uses its helpers and script variables): for each size in
# -ScaleItems, a synthetic Takeout (zip parts from the emulator's generator, cached under <WorkFolder>/cache) and an
# emulator Library of the same size, each listed, saved once and saved again; the destination index loaded alone; and
# the growth from the smallest to the largest size (linear = the size ratio). Baselines of the same run:
# takeout-floor.py (listing), unzip (first save), list-floor.py (Library listing).

function Get-ScaleCacheRoot { Join-Path $WorkFolder 'cache' }

# GPHOTOS_BENCH_SCALE_ONLY=TakeoutListing: only the Takeout listing rows (GPhotos and the minimal reader; minutes instead
# of the saves' hour at 500k), for work on the reader's memory. Unset: every row.
$ScaleListingOnly = $env:GPHOTOS_BENCH_SCALE_ONLY -eq 'TakeoutListing'

function Get-GeneratorStamp {
    # Inputs are cached by their parameters and by the generator's source, so a changed generator makes new ones.
    $src = Join-Path $PSScriptRoot '../../src/GPhotos.Emulator/Takeout'
    $files = @(Get-ChildItem $src -Filter *.cs -ErrorAction SilentlyContinue | Sort-Object Name)
    if (-not $files) { $files = @(Get-Item $EmulatorPath) }
    $sha = [Security.Cryptography.SHA256]::Create()
    foreach ($f in $files) { $b = [IO.File]::ReadAllBytes($f.FullName); [void]$sha.TransformBlock($b, 0, $b.Length, $null, 0) }
    [void]$sha.TransformFinalBlock([byte[]]::new(0), 0, 0)
    [Convert]::ToHexString($sha.Hash).Substring(0, 8).ToLowerInvariant()
}

function Get-FreeBytes([string] $Path) {
    $d = [IO.DriveInfo]::new((Resolve-Path $Path).Path)
    $d.AvailableFreeSpace
}

function Assert-FreeDisk([int] $Items, [string] $What) {
    # Measured at 10k items: the zip parts take about 4 KB per item, the manifest 1 KB, a saved copy (small files, one
    # block each, plus the index) about 8 KB, and unzip's copy the same. 40 KB per item leaves room for all at once.
    $need = [long]$Items * 40KB + 2GB
    $free = Get-FreeBytes $WorkFolder
    Write-Step ("  df: {0:N1} GB free, {1} needs about {2:N1} GB" -f ($free / 1e9), $What, ($need / 1e9))
    if ($free -lt $need) { throw "Not enough free disk for $What at $Items items: $([Math]::Round($free / 1e9, 1)) GB free, about $([Math]::Round($need / 1e9, 1)) GB needed." }
}

function Get-TakeoutInput([int] $Items) {
    <# The export for -Items items: generated once, then reused while parameters and generator stay the same. #>
    $key = 'takeout-i{0}-p{1}-s{2}-g{3}' -f $Items, $ScaleParts, $ScaleSeed, (Get-GeneratorStamp)
    $dir = Join-Path (Get-ScaleCacheRoot) $key
    $marker = Join-Path $dir 'bench-input.json'
    if (Test-Path $marker) {
        $info = Get-Content $marker -Raw | ConvertFrom-Json
        Write-Step ("  Takeout of {0:N0} items from the cache ({1}; generated in {2:0.0} s)" -f $info.expectedItems, $key, $info.generatorSeconds)
        $info | Add-Member cached $true -Force
        return $info
    }
    Assert-FreeDisk $Items 'the Takeout export and its copies'
    Remove-Folder $dir
    New-Item -ItemType Directory -Force $dir | Out-Null
    Write-Step "  generating a Takeout of $Items items in $ScaleParts parts ($key)"
    $timeFile = Join-Path $WorkFolder 'generator.time'
    $genArgs = @($EmulatorPath, 'takeout', '--out', $dir, '--items', $Items, '--parts', $ScaleParts, '--seed', $ScaleSeed)
    $doc = $null
    $sw = [Diagnostics.Stopwatch]::StartNew()
    if ($GnuTime) { & $GnuTime -f '%U %S %M' -o $timeFile dotnet @genArgs | Out-Null } else { & dotnet @genArgs | Out-Null }
    $exit = $LASTEXITCODE
    $sw.Stop()
    if ($exit -ne 0) { throw "The Takeout generator failed (exit $exit)." }
    $t = if ($GnuTime) { (Get-Content $timeFile | Select-Object -Last 1) -split ' ' } else { @([double]::NaN, 0, 0) }
    Remove-Item $timeFile -ErrorAction SilentlyContinue
    # The manifest (about 1 KB per item) is parsed once, here; only the counts are kept.
    $fs = [IO.File]::OpenRead((Join-Path $dir 'manifest.json'))
    try {
        $doc = [Text.Json.JsonDocument]::Parse([IO.Stream]$fs, [Text.Json.JsonDocumentOptions]::new())
        $expected = $doc.RootElement.GetProperty('expected')
        $parts = @($doc.RootElement.GetProperty('parts').EnumerateArray() | ForEach-Object { Join-Path $dir $_.GetString() })
        $info = [pscustomobject]@{
            key = $key; folder = $dir; parts = $parts; generatedItems = $Items
            expectedItems = $expected.GetProperty('items').GetInt32()
            duplicatesMerged = $expected.GetProperty('duplicatesMerged').GetInt32()
            generatorSeconds = $sw.Elapsed.TotalSeconds; generatorCpuSeconds = [double]$t[0] + [double]$t[1]; generatorPeakRss = [long]$t[2] * 1024
            partBytes = [long](($parts | Get-Item | Measure-Object Length -Sum).Sum)
            manifestBytes = (Get-Item (Join-Path $dir 'manifest.json')).Length
        }
    }
    finally { if ($doc) { $doc.Dispose() }; $fs.Dispose() }
    $info | ConvertTo-Json | Set-Content $marker
    Write-Step ("  generated in {0:0.0} s (CPU {1:0.0} s, peak RSS {2}), parts {3}, manifest {4}" -f $info.generatorSeconds, $info.generatorCpuSeconds, (Format-MB $info.generatorPeakRss), (Format-MB $info.partBytes), (Format-MB $info.manifestBytes))
    $info | Add-Member cached $false -Force
    $info
}

function Invoke-UnzipRun([string[]] $Parts, [string] $Destination) {
    <#
    unzip of every part without the sidecars (-x '*.json': Save writes none by default), one part after the other, into a
    folder that does not exist yet. unzip neither hashes nor fsyncs; Save hashes every file (SHA-256) and flushes it
    before naming it. So, timed apart after it: with python3, hash-fsync.py over unzip's files right away (SHA-256 and
    an fsync of each, $Throttle threads, as the download phases' same-guarantee baseline does), then `sync`; without
    python3 only `sync` ("unzip, then sync": the same durability, no hash).
    #>
    if (Test-Path -LiteralPath $Destination) { throw "The unzip destination '$Destination' exists: each run writes into a fresh folder." }
    New-Item -ItemType Directory -Force $Destination | Out-Null
    $sw = [Diagnostics.Stopwatch]::StartNew()
    foreach ($p in $Parts) {
        & unzip -q -o $p -d $Destination -x '*.json'
        if ($LASTEXITCODE -ne 0) { throw "unzip failed on '$p' (exit $LASTEXITCODE)." }
    }
    $unzipSeconds = $sw.Elapsed.TotalSeconds
    $hashed = Measure-SameGuarantee $Destination
    Sync-Disk
    $sw.Stop()
    $disk = Measure-Folder $Destination
    [pscustomobject]@{ elapsedSeconds = $unzipSeconds; withSyncSeconds = $sw.Elapsed.TotalSeconds; sameGuarantee = $hashed; files = $disk.Files; bytes = $disk.Bytes }
}

# Creating files right after many were deleted is slow on ext4: it skips inodes freed in the last 60 s (300 s while
# their table block is dirty), and unzip measured 5.9 s in one run and 26.4 s in another on the same parts. So the
# Takeout saves clear what earlier runs left first, then wait this long (after a sync) before unzip and Save write,
# each into a folder of its own that did not exist. GPHOTOS_BENCH_SETTLE overrides it (seconds).
$ScaleSettleSeconds = if ($env:GPHOTOS_BENCH_SETTLE) { [int]$env:GPHOTOS_BENCH_SETTLE } else { 65 }

function Wait-DiskSettle([string] $Why) {
    Sync-Disk
    if ($ScaleSettleSeconds -gt 0) {
        Write-Step "  settling $ScaleSettleSeconds s ($Why)"
        Start-Sleep -Seconds $ScaleSettleSeconds
    }
}

function Test-AllSkipped($Run, [int] $Count, [string] $What) {
    $skipped = if ($Run.statuses -and $Run.statuses.PSObject.Properties['Skipped']) { $Run.statuses.Skipped } else { 0 }
    if ($Run.errors -ne 0 -or $skipped -ne $Count) { Set-Broken "$What skipped $skipped of $Count items with $($Run.errors) error(s): $($Run.firstErrors -join ' | ')" }
}

function Test-AllSaved($Run, [int] $Count, [string] $What) {
    $saved = if ($Run.statuses -and $Run.statuses.PSObject.Properties['Saved']) { $Run.statuses.Saved } else { 0 }
    if ($Run.errors -ne 0 -or $saved -ne $Count) { Set-Broken "$What saved $saved of $Count items with $($Run.errors) error(s): $($Run.firstErrors -join ' | ')" }
}

function Invoke-IndexLoad([string] $Destination, [int] $Count) {
    $path = Join-Path $Destination '.gphotos/index.jsonl'
    $r = Invoke-Child 'IndexLoad' @{ IndexPath = $path }
    if ($r.count -ne $Count) { Set-Broken "The destination index at '$path' loaded $($r.count) entries, expected $Count." }
    $r | Add-Member indexBytes (Get-Item $path).Length
    # The baseline: the same file read by a minimal reader (BenchChild.ps1 IndexFloor), in its own fresh pwsh.
    $f = Invoke-Child 'IndexFloor' @{ IndexPath = $path }
    if ($f.count -ne $Count) { Set-Broken "The minimal index reader loaded $($f.count) entries of '$path', expected $Count." }
    $r | Add-Member floor $f
    $r
}

function Invoke-ScaleTakeout([int] $Items) {
    Write-Step "Scale: Takeout of $Items items"
    $in = Get-TakeoutInput $Items
    $n = $in.expectedItems
    $glob = Join-Path $in.folder '*.zip'
    $res = [ordered]@{ items = $n; input = $in; list = @(); floor = @() }
    for ($r = 1; $r -le $ScaleRepeat; $r++) {
        $f = $null
        if ($Python) {
            $f = & $Python (Join-Path $PSScriptRoot 'takeout-floor.py') @($in.parts) | ConvertFrom-Json
            if ($LASTEXITCODE -ne 0 -or $f.items -lt $n) { Set-Broken "takeout-floor.py read $($f.items) media files (exit $LASTEXITCODE), expected at least $n." }
            $res.floor += $f
        }
        $l = Invoke-Child 'List' @{ TakeoutPath = $glob } -TimeoutSeconds 3600
        if ($l.count -ne $n) { Set-Broken "Get-GPhotosMediaItem -TakeoutPath listed $($l.count) items, expected $n." }
        $res.list += $l
        Write-Step ("  listing run {0}: GPhotos {1:0.00} s peak +{2}; floor {3:0.00} s peak +{4}" -f $r, $l.elapsedSeconds, (Format-MB $l.peakAboveIdle),
            $(if ($f) { $f.elapsedSeconds } else { [double]::NaN }), $(if ($f) { Format-MB $f.peakAboveIdle } else { '-' }))
    }
    if ($ScaleListingOnly) { return [pscustomobject]$res }
    # Fresh folders per run (never written before): unzip's and Save's copies both stay until the end, so neither
    # writes right after the other's deletes.
    $stamp = [DateTime]::UtcNow.ToString('HHmmss')
    $dest = Join-Path $DownloadRoot "scale-takeout-$Items-$stamp"
    $unzipDest = Join-Path $DownloadRoot "scale-unzip-$Items-$stamp"
    Get-ChildItem -LiteralPath $DownloadRoot -Directory -ErrorAction SilentlyContinue |
        Where-Object { $_.Name -like 'scale-takeout-*' -or $_.Name -like 'scale-unzip-*' } | ForEach-Object { Remove-Folder $_.FullName }
    Assert-FreeDisk $Items 'the saved copies'
    try {
        Wait-DiskSettle 'after deleting earlier copies, before unzip'
        $res.unzip = Invoke-UnzipRun $in.parts $unzipDest
        Wait-DiskSettle 'before Save'
        $res.first = Invoke-Child 'SaveAll' @{ Destination = $dest; TakeoutPath = $glob; StreamResults = $true } -TimeoutSeconds 7200
        Test-AllSaved $res.first $n "Save of the Takeout ($Items)"
        $res.again = Invoke-Child 'SaveAll' @{ Destination = $dest; TakeoutPath = $glob; StreamResults = $true } -TimeoutSeconds 3600
        Test-AllSkipped $res.again $n "The Takeout re-run ($Items)"
        $res.index = Invoke-IndexLoad $dest $n
        Write-Step ("  unzip {0:0.0} s, with hash-fsync (or sync) {1:0.0} s ({2:N0} files); Save {3:0.0} s; re-run {4:0.0} s; index load {5:0.00} s, +{6} managed" -f $res.unzip.elapsedSeconds,
            $res.unzip.withSyncSeconds, $res.unzip.files, $res.first.elapsedSeconds, $res.again.elapsedSeconds, $res.index.elapsedSeconds, (Format-MB $res.index.managedBytes))
    }
    finally { Remove-Folder $dest; Remove-Folder $unzipDest }
    [pscustomobject]$res
}

function Invoke-ScaleLibrary([int] $Items) {
    Write-Step "Scale: emulator Library of $Items items"
    $sw = [Diagnostics.Stopwatch]::StartNew()
    Reset-Library -PhotoCount $Items -Size $IncrementalPhotoSize
    $res = [ordered]@{ items = $Items; generateSeconds = $sw.Elapsed.TotalSeconds; list = @(); floor = @() }
    for ($r = 1; $r -le $ScaleRepeat; $r++) {
        if ($Python) {
            $f = & $Python (Join-Path $PSScriptRoot 'list-floor.py') $Emu.Url $script:Token | ConvertFrom-Json
            if ($LASTEXITCODE -ne 0 -or $f.items -ne $Items) { Set-Broken "list-floor.py listed $($f.items) items, expected $Items." }
            $res.floor += $f
        }
        $l = Invoke-Child 'List' -TimeoutSeconds 3600
        if ($l.count -ne $Items) { Set-Broken "Listing returned $($l.count) items, expected $Items." }
        $res.list += $l
    }
    $dest = Join-Path $DownloadRoot "scale-library-$Items"
    Assert-FreeDisk $Items 'the saved Library'
    try {
        Remove-Folder $dest
        # The Takeout rows deleted their copies (1.07 million files at 500k) seconds ago: ext4 creates files several
        # times slower while freed inodes are recent, which made this Save grow 7.5x from 100k to 500k in the bench
        # against 3.8x run on its own (docs/benchmarks.md, "Takeout read ahead, sixth session").
        Wait-DiskSettle 'after the Takeout copies were deleted, before the Library Save'
        $res.first = Invoke-Child 'SaveAll' @{ Destination = $dest; StreamResults = $true } -TimeoutSeconds 7200
        Test-AllSaved $res.first $Items "Save of the Library ($Items)"
        Invoke-Control 'counters' Delete | Out-Null
        $res.again = Invoke-Child 'SaveAll' @{ Destination = $dest; StreamResults = $true } -TimeoutSeconds 3600
        $res.againMedia = (Invoke-Control 'counters').requests.media
        Test-AllSkipped $res.again $Items "The Library re-run ($Items)"
        if ($res.againMedia -ne 0) { Set-Broken "The Library re-run ($Items) made $($res.againMedia) media requests." }
        Write-Step ("  library generated in {0:0.0} s; listing {1:0.00} s peak +{2}; Save {3:0.0} s; re-run {4:0.0} s" -f $res.generateSeconds,
            (Get-Median $res.list.elapsedSeconds), (Format-MB (Get-Median $res.list.peakAboveIdle)), $res.first.elapsedSeconds, $res.again.elapsedSeconds)
    }
    finally { Remove-Folder $dest }
    [pscustomobject]$res
}

function Add-ScaleRows($T, $L) {
    $n = $T.items
    $lt = Get-Median $T.list.elapsedSeconds
    $lp = Get-Median $T.list.peakAboveIdle
    # One phase name for all sizes: rows sort by phase (stable), so sizes stay in the order they ran (ascending).
    $ph = '6 scale'
    $at = '{0:N0}: ' -f $n
    if ($T.floor) {
        $ft = Get-Median $T.floor.elapsedSeconds
        $fp = Get-Median $T.floor.peakAboveIdle
        Add-Row $ph ($at + "Takeout listing, $ScaleParts zip parts") ('{0:0.00} s' -f $lt) ('minimal reader {0:0.00} s' -f $ft) ($ft / $lt) '>= 1.0x minimal reader' (($ft / $lt) -ge 1.0) `
            ('GPhotos CPU {0:0.0} s; minimal reader peak +{1}' -f (Get-Median $T.list.cpuSeconds), (Format-MB $fp))
    }
    Add-Row $ph ($at + 'Takeout listing, peak working set above idle') ('{0} ({1:N0} B/item)' -f (Format-MB $lp), ($lp / $n)) $(if ($T.floor) { 'minimal reader {0:N0} B/item' -f ($fp / $n) } else { '' }) $null '<= 1 KB/item' (($lp / $n) -le 1024)
    if ($ScaleListingOnly) { return }
    Add-Row $ph ($at + 'Takeout first Save (media only)') ('{0:0.0} s' -f $T.first.elapsedSeconds) ('unzip {0:0.0} s' -f $T.unzip.elapsedSeconds) ($T.unzip.elapsedSeconds / $T.first.elapsedSeconds) '>= 1.0x unzip' (($T.unzip.elapsedSeconds / $T.first.elapsedSeconds) -ge 1.0) `
        ('unzip wrote {0:N0} files (album copies too), Save {1:N0}; Save peak +{2} ({3:N0} B/item)' -f $T.unzip.files, $n, (Format-MB $T.first.peakAboveIdle), ($T.first.peakAboveIdle / $n))
    if ($T.unzip.PSObject.Properties['sameGuarantee'] -and $T.unzip.sameGuarantee) {
        $hf = $T.unzip.sameGuarantee
        Add-Row $ph ($at + 'Takeout first Save vs unzip + SHA-256 + fsync of each file (same guarantee)') ('{0:0.0} s' -f $T.first.elapsedSeconds) ('unzip + hash + fsync {0:0.0} s' -f $T.unzip.withSyncSeconds) ($T.unzip.withSyncSeconds / $T.first.elapsedSeconds) '' $null `
            ('unzip {0:0.0} s, then hash-fsync.py {1:0.0} s ({2:0.0} s CPU, of it hash {3:0.0} s, fsync {4:0.0} s) and sync; it hashes and fsyncs album copies too' -f $T.unzip.elapsedSeconds, $hf.seconds, $hf.cpuSeconds, $hf.hashCpuSeconds, $hf.fsyncCpuSeconds)
    }
    elseif ($T.unzip.PSObject.Properties['withSyncSeconds']) {
        Add-Row $ph ($at + 'Takeout first Save vs unzip, then sync (same durability)') ('{0:0.0} s' -f $T.first.elapsedSeconds) ('unzip + sync {0:0.0} s' -f $T.unzip.withSyncSeconds) ($T.unzip.withSyncSeconds / $T.first.elapsedSeconds) '' $null `
            'Save fsyncs each file and hashes it; unzip does neither, so its copy reaches the disk only at the sync (no python3: no hash-fsync.py)'
    }
    Add-Row $ph ($at + 'Takeout re-run (0 writes)') ('{0:0.0} s' -f $T.again.elapsedSeconds) ('listing {0:0.00} s' -f $lt) ($T.again.elapsedSeconds / $lt) '<= 1.5x listing' (($T.again.elapsedSeconds / $lt) -le 1.5) ('peak +{0}' -f (Format-MB $T.again.peakAboveIdle))
    $xf = $T.index.PSObject.Properties['floor'] ? $T.index.floor : $null
    Add-Row $ph ($at + "destination index load alone") ('{0:0.00} s ({1:0.0} us/entry)' -f $T.index.elapsedSeconds, (1e6 * $T.index.elapsedSeconds / $n)) `
        $(if ($xf) { 'minimal reader {0:0.00} s ({1:0.0} us/entry)' -f $xf.elapsedSeconds, (1e6 * $xf.elapsedSeconds / $n) } else { '' }) $(if ($xf) { $xf.elapsedSeconds / $T.index.elapsedSeconds } else { $null }) '' $null `
        ('{0} file; managed +{1} ({2:N0} B/entry), peak working set +{3} ({4:N0} B/entry){5}' -f (Format-MB $T.index.indexBytes), (Format-MB $T.index.managedBytes), ($T.index.managedBytes / $n), (Format-MB $T.index.peakAboveIdle), ($T.index.peakAboveIdle / $n),
            $(if ($xf) { '; minimal reader managed +{0} ({1:N0} B/entry)' -f (Format-MB $xf.managedBytes), ($xf.managedBytes / $n) } else { '' }))
    $llt = Get-Median $L.list.elapsedSeconds
    if ($L.floor) {
        $lft = Get-Median $L.floor.elapsedSeconds
        Add-Row $ph ($at + "Library listing") ('{0:0.00} s' -f $llt) ('minimal client {0:0.00} s' -f $lft) ($lft / $llt) '' $null
    }
    $llp = Get-Median $L.list.peakAboveIdle
    Add-Row $ph ($at + 'Library listing, peak working set above idle') (Format-MB $llp) '' $null '< 50 MB (flat)' ($llp -lt 50e6)
    Add-Row $ph ($at + 'Library first Save') ('{0:0.0} s' -f $L.first.elapsedSeconds) '' $null '' $null ('{0:N0} items/s; peak +{1}' -f ($L.items / $L.first.elapsedSeconds), (Format-MB $L.first.peakAboveIdle))
    Add-Row $ph ($at + 'Library re-run (0 media requests)') ('{0:0.0} s' -f $L.again.elapsedSeconds) ('listing {0:0.00} s' -f $llt) ($L.again.elapsedSeconds / $llt) '<= 1.5x listing' (($L.again.elapsedSeconds / $llt) -le 1.5) ('media requests {0}' -f $L.againMedia)
}

function Add-GrowthRows($Small, $Large) {
    # Large / small for each measure; linear growth is the ratio of the sizes (5.0 for 100k -> 500k).
    $linear = $Large.T.items / $Small.T.items
    $ph = '7 growth'
    $span = '{0:N0} -> {1:N0}: ' -f $Small.T.items, $Large.T.items
    $target = '<= {0:0.0} (linear)' -f $linear
    $note = 'PASS allows 10% above linear for noise'
    $pairs = [ordered]@{
        'Takeout listing time' = { param($s) Get-Median $s.T.list.elapsedSeconds }
        'Takeout listing peak above idle' = { param($s) Get-Median $s.T.list.peakAboveIdle }
        'Takeout first Save time' = { param($s) $s.T.first.elapsedSeconds }
        'Takeout re-run time' = { param($s) $s.T.again.elapsedSeconds }
        'index load time' = { param($s) $s.T.index.elapsedSeconds }
        'index managed memory' = { param($s) $s.T.index.managedBytes }
        'Library listing time' = { param($s) Get-Median $s.L.list.elapsedSeconds }
        'Library first Save time' = { param($s) $s.L.first.elapsedSeconds }
        'Library re-run time' = { param($s) $s.L.again.elapsedSeconds }
    }
    if ($ScaleListingOnly) { foreach ($k in @($pairs.Keys)) { if ($k -notlike 'Takeout listing*') { $pairs.Remove($k) } } }
    foreach ($k in $pairs.Keys) {
        $a = [double](& $pairs[$k] $Small); $b = [double](& $pairs[$k] $Large)
        $g = if ($a -gt 0) { $b / $a } else { [double]::NaN }
        Add-Row $ph ($span + $k) ('{0:0.00}x' -f $g) '' $g $target ($g -le $linear * 1.1) $note
        $note = ''
    }
    # The baselines' growth over the same inputs in the same run (info): what the machine itself does with N times the
    # files or entries (a file system's directories and journal, a hash table's caches), beside GPhotos' growth above.
    $baselines = [ordered]@{
        'Takeout listing time: minimal reader' = { param($s) if ($s.T.floor) { Get-Median $s.T.floor.elapsedSeconds } }
        'Takeout first Save time: unzip of the same parts' = { param($s) if ($s.T.unzip) { $s.T.unzip.elapsedSeconds } }
        'Takeout first Save time: unzip + SHA-256 + fsync (same guarantee)' = { param($s) if ($s.T.unzip -and $s.T.unzip.PSObject.Properties['withSyncSeconds']) { $s.T.unzip.withSyncSeconds } }
        'index load time: minimal reader' = { param($s) if ($s.T.index -and $s.T.index.PSObject.Properties['floor']) { $s.T.index.floor.elapsedSeconds } }
        'Library listing time: minimal client' = { param($s) if ($s.L -and $s.L.floor) { Get-Median $s.L.floor.elapsedSeconds } }
    }
    foreach ($k in $baselines.Keys) {
        $a = & $baselines[$k] $Small; $b = & $baselines[$k] $Large
        if ($null -eq $a -or $null -eq $b -or [double]$a -le 0) { continue }
        $g = [double]$b / [double]$a
        Add-Row $ph ($span + 'baseline: ' + $k) ('{0:0.00}x' -f $g) '' $g '' $null
    }
    if ($ScaleListingOnly) { return }
    $a = Get-Median $Small.L.list.peakAboveIdle; $b = Get-Median $Large.L.list.peakAboveIdle
    Add-Row $ph ($span + 'Library listing peak above idle') ('{0} -> {1}' -f (Format-MB $a), (Format-MB $b)) '' ($b / $a) 'flat (about 1.0)' (($b / $a) -le 1.5)
}

function Invoke-ScalePhase {
    if (-not $ScaleItems) { Write-Step 'Scale: no -ScaleItems given; skipped.'; return }
    New-Item -ItemType Directory -Force (Get-ScaleCacheRoot) | Out-Null
    $sizes = @($ScaleItems | Sort-Object -Unique)
    $done = @()
    foreach ($size in $sizes) {
        $t = Invoke-ScaleTakeout $size
        $l = if ($ScaleListingOnly) { $null } else { Invoke-ScaleLibrary $t.items }
        $script:Runs["scale.$size.takeout"] = $t
        $script:Runs["scale.$size.library"] = $l
        Add-ScaleRows $t $l
        Add-Row '6 scale' ('{0:N0}: inputs: Takeout generator / Library reset' -f $t.items) ('{0:0.0} s / {1}' -f $t.input.generatorSeconds, $(if ($l) { '{0:0.0} s' -f $l.generateSeconds } else { 'not run' })) '' $null '' $null `
            ('{0}generator peak RSS {1}; parts {2}, manifest {3}' -f $(if ($t.input.cached) { 'cached; ' } else { '' }), (Format-MB $t.input.generatorPeakRss), (Format-MB $t.input.partBytes), (Format-MB $t.input.manifestBytes))
        $done += [pscustomobject]@{ T = $t; L = $l }
    }
    if ($done.Count -ge 2) { Add-GrowthRows $done[0] $done[-1] }
}
