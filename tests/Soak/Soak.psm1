# The soak: a seeded, randomized fault run that proves nothing is lost.
#
#   1. An emulator with a mixed library (photos, READY/PROCESSING/FAILED videos, motion photos, duplicate and
#      hostile names), seeded random faults on the Library API and base URLs, plus driver-scheduled faults that
#      only make sense on one target (expired base URLs on media, 401s on library/media, 503s at the token endpoint)
#      and all access tokens expired on a timer.
#   2. A real sign-in (OAuth code + PKCE through a stand-in browser), so children connect from the token cache and
#      can refresh: with -AccessToken an expired token cannot be renewed (by design).
#   3. Run 1 in a child pwsh is killed (SIGKILL of the process, not a Ctrl+C) part-way; run 2 runs to the end.
#   4. The invariants are checked on disk, in the index and in what run 2 reported; then run 3 without faults
#      must download exactly what run 2 reported as not saved, and the invariants hold for every item.
#
# Used by tests/Soak/Invoke-Soak.ps1 (build.ps1 -Task Soak) and tests/Pester/Soak.Tests.ps1 (the short version).

Set-StrictMode -Version Latest

$script:ChildScript = @'
param([string] $Destination, [string] $EventsPath, [string] $ClientId, [string] $TokenCache)
# One soak run: connect from the token cache, list everything, save it; every result, error and warning goes to a
# JSON-lines file as it happens (flushed per line), so what a killed run reported is still known.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$log = [IO.StreamWriter]::new($EventsPath, $true, [Text.UTF8Encoding]::new($false))
$log.AutoFlush = $true
function Out-Event([hashtable] $e) { $log.WriteLine(($e | ConvertTo-Json -Compress -Depth 3)) }
try {
    Import-Module $env:GPHOTOS_TEST_MODULE
    Connect-GPhotos -ClientId $ClientId -TokenCachePath $TokenCache -WarningAction SilentlyContinue
    Out-Event @{ kind = 'start'; pid = $PID }
    Get-GPhotosMediaItem | Save-GPhotosMediaItem -Path $Destination -IncludeMotionVideo -ErrorAction Continue -WarningAction Continue 2>&1 3>&1 |
        ForEach-Object {
            $r = $_
            if ($r -is [System.Management.Automation.ErrorRecord]) {
                $t = $r.TargetObject
                $id = if ($null -ne $t -and $t.PSObject.Properties['Id']) { [string]$t.Id } else { [string]$t }
                Out-Event @{ kind = 'error'; id = $id; errorId = $r.FullyQualifiedErrorId; message = $r.Exception.Message }
            }
            elseif ($r -is [System.Management.Automation.WarningRecord]) {
                Out-Event @{ kind = 'warning'; message = $r.Message }
            }
            else {
                Out-Event @{ kind = 'result'; id = $r.Id; status = [string]$r.Status; reason = [string]$r.Reason; path = $r.RelativePath; motion = $r.MotionVideoPath }
            }
        }
    Out-Event @{ kind = 'end' }
    $log.Dispose()
    exit 0
}
catch {
    Out-Event @{ kind = 'fatal'; errorId = $_.FullyQualifiedErrorId; message = $_.Exception.Message }
    $log.Dispose()
    exit 3
}
'@

# ------------------------------------------------------------------------------------------------ processes

# Processes: the same helpers the Pester suite uses (emulator on a free loopback port, child pwsh start info).
Import-Module (Join-Path $PSScriptRoot '../Pester/TestHelpers.psm1') -Force

function Invoke-SoakEmulator {
    param($Emulator, [string] $Path, [string] $Method = 'Get', $Body)
    $params = @{ Uri = "$($Emulator.Url)/__emulator/$Path"; Method = $Method; TimeoutSec = 60 }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function Get-SoakRequests {
    <# Request counters (plus faults injected) without the per-item media table, which is large. #>
    param($Emulator)
    $c = Invoke-SoakEmulator $Emulator 'counters'
    $req = @{}; foreach ($p in $c.requests.PSObject.Properties) { $req[$p.Name] = [long]$p.Value }
    $faults = @{}; foreach ($p in $c.faultsInjected.PSObject.Properties) { $faults[$p.Name] = [long]$p.Value }
    [pscustomobject]@{ Requests = $req; Faults = $faults; MediaBytes = [long]$c.mediaBytesServed }
}

# ------------------------------------------------------------------------------------------------ the plan

function New-SoakPlan {
    <# Everything the seed decides: the library, the fault mix, the kill point, the token expiry period. #>
    param([int] $Seed, [int] $Items, [double] $Probability, [int] $ThrottleLimit)
    $rng = [System.Random]::new($Seed)
    $videos = [Math]::Max(4, [int][Math]::Round($Items * 0.15))
    $motion = [Math]::Max(2, [int][Math]::Round($Items * 0.12))
    $photos = $Items - $videos - $motion
    if ($photos -lt 20) { throw "Too few items for a soak: $Items (at least 30)." }
    $library = [ordered]@{
        seed             = $Seed
        photos           = $photos
        videos           = $videos
        motionPhotos     = $motion
        processingVideos = [Math]::Max(2, [int][Math]::Round($videos * 0.06))
        failedVideos     = [Math]::Max(1, [int][Math]::Round($videos * 0.02))
        duplicateNames   = [Math]::Max(6, [int][Math]::Round($Items * 0.05))
        hostileNames     = [Math]::Min($photos, [Math]::Max(16, [int][Math]::Round($Items * 0.015)))
        undatedPhotos    = [Math]::Max(1, [int][Math]::Round($Items * 0.01))
        favorites        = 3
        archivedItems    = [Math]::Max(1, [int][Math]::Round($Items * 0.01))
        albums           = 2
        photoSize        = 40000
        videoSize        = 200000
        motionVideoSize  = 80000
    }
    [pscustomobject]@{
        Seed            = $Seed
        Items           = $Items
        Probability     = $Probability
        ThrottleLimit   = $ThrottleLimit
        Library         = $library
        # Transient everywhere: on the Library API (listing, batchGet) and on base URLs.
        RandomKinds     = @('429', '429noRetryAfter', '500', '503', 'drop', 'truncate', 'slow')
        RandomTargets   = @('library', 'media')
        # Scheduled by the driver at p/8 of the requests each: an expired base URL only means something on media
        # (on the Library API a 403 is a real refusal), and a 401 must never hit the token endpoint (there it means
        # a rejected OAuth client, which ends the connection by design).
        ExpireUrlRate   = $Probability / 8
        UnauthorizedRate = $Probability / 8
        OAuthFaultChance = 0.3
        # Kill run 1 once 25-60 % of the expected files are in the index.
        KillFraction    = 0.25 + 0.35 * $rng.NextDouble()
        TokenExpirySeconds = 2 + 3 * $rng.NextDouble()
        Rng             = $rng
    }
}

function Get-SoakExpectation {
    <# What a perfect backup of the emulator's library holds, and what a fault-free run costs in media requests. #>
    param($Facts)
    $byId = @{}
    foreach ($f in $Facts) {
        $isVideo = $f.type -eq 'VIDEO'
        $ready = $isVideo -and $f.status -eq 'READY'
        $saved = -not $isVideo -or $ready
        # Fault-free cost with -IncludeMotionVideo: a READY video =dv once; a motion photo =d and =dv; a plain photo
        # =d, then =dv answers 404 on a fresh URL = "no video part" (see BaseUrlContentSource.OpenAsync).
        # PROCESSING/FAILED videos are skipped before any request.
        $probe = if ($isVideo) { 0 } else { 1 }
        $byId[$f.id] = [pscustomobject]@{
            Id           = $f.id
            Filename     = $f.filename
            IsVideo      = $isVideo
            Status       = $f.status
            Motion       = [bool]$f.motion
            Saved        = $saved
            Hash         = if (-not $saved) { $null } elseif ($isVideo) { $f.sha256Dv } else { $f.sha256D }
            Size         = if (-not $saved) { $null } elseif ($isVideo) { [long]$f.sizeDv } else { [long]$f.sizeD }
            MotionHash   = if (-not $isVideo -and $f.motion) { $f.sha256Dv } else { $null }
            OriginalCost = if ($saved) { 1 } else { 0 }
            ProbeCost    = $probe
            OtherHashes  = @($f.sha256D, $f.sha256Dv) | Where-Object { $_ }
        }
    }
    $byId
}

# ------------------------------------------------------------------------------------------------ runs

function Start-SoakChild {
    param($Context, [string] $Name)
    $events = Join-Path $Context.WorkFolder "$Name.events.jsonl"
    Remove-Item $events -ErrorAction SilentlyContinue
    $psi = New-PwshStartInfo @('-NoProfile', '-NonInteractive', '-File', $Context.ChildScript,
        '-Destination', $Context.Destination, '-EventsPath', $events, '-ClientId', $Context.ClientId, '-TokenCache', $Context.TokenCache)
    $psi.Environment['GPHOTOS_TEST_MODULE'] = $Context.ModulePath
    $psi.Environment['GPHOTOS_EMULATOR_HOST'] = $Context.Emulator.HostPort
    $psi.Environment['GPHOTOS_RETRY_DELAY_SCALE'] = $Context.DelayScale
    $psi.Environment['GPHOTOS_INTERACTIVE'] = '0'
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    [pscustomobject]@{
        Name = $Name; Process = $p; EventsPath = $events
        Stdout = $p.StandardOutput.ReadToEndAsync(); Stderr = $p.StandardError.ReadToEndAsync()
        Watch = [Diagnostics.Stopwatch]::StartNew()
    }
}

function Get-IndexLineCount {
    <# Lines in the index so far, reading only what was appended since the last call (-State remembers where it was). #>
    param([string] $Path, [hashtable] $State)
    try {
        $fs = [IO.FileStream]::new($Path, 'Open', 'Read', 'ReadWrite, Delete')
        try {
            if ($fs.Length -lt $State.Offset) { $State.Offset = 0; $State.Lines = 0 } # rewritten (compacted)
            $null = $fs.Seek($State.Offset, 'Begin')
            $buffer = [byte[]]::new(262144)
            while (($read = $fs.Read($buffer, 0, $buffer.Length)) -gt 0) {
                $i = -1
                while (($i = [Array]::IndexOf($buffer, [byte]10, $i + 1, $read - $i - 1)) -ge 0) { $State.Lines++ }
                $State.Offset += $read
            }
        }
        finally { $fs.Dispose() }
    }
    catch [IO.FileNotFoundException], [IO.DirectoryNotFoundException] { }
    $State.Lines
}

function Invoke-SoakRun {
    <#
    Runs one child to its end (or kills it at -KillAtLines index lines), injecting the driver's scheduled faults
    meanwhile: expired base URLs and 401s in proportion to the requests made since the last tick, token expiry on a
    timer (sometimes with a 503 at the token endpoint for the refresh). A run that makes no progress for
    -HangSeconds is killed and reported as hung.
    #>
    param($Context, [string] $Name, [int] $KillAtLines = 0, [switch] $Faults, [int] $HangSeconds = 150)
    $plan = $Context.Plan
    $rng = $plan.Rng
    $emu = $Context.Emulator
    $indexPath = Join-Path $Context.Destination '.gphotos/index.jsonl'
    $child = Start-SoakChild $Context $Name
    $run = [ordered]@{
        Name = $Name; Killed = $false; Hung = $false; ExitCode = $null; Elapsed = $null; TempFilesAtKill = 0; IndexLinesAtKill = 0
        TokenExpiries = 0; ScheduledFaults = [ordered]@{ 'media expireUrl' = 0; 'media unauthorized' = 0; 'library unauthorized' = 0; 'oauth 503' = 0 }; Events = @(); Stdout = ''; Stderr = ''
    }
    $last = Get-SoakRequests $emu
    $lineState = @{ Offset = 0L; Lines = 0 }
    $lastLines = -1; $lastEventsLength = -1; $progressAt = [DateTime]::UtcNow
    # The first expiry comes as soon as this run has saved something (so even a fast run sees one), then on a timer.
    $nextExpiry = [DateTime]::MinValue
    $linesAtStart = Get-IndexLineCount $indexPath @{ Offset = 0L; Lines = 0 }
    $nextSchedule = [DateTime]::UtcNow.AddSeconds(1)
    $credits = [ordered]@{ 'media expireUrl' = 0; 'media unauthorized' = 0; 'library unauthorized' = 0 }
    while (-not $child.Process.WaitForExit(200)) {
        $now = [DateTime]::UtcNow
        $lines = Get-IndexLineCount $indexPath $lineState
        if ($KillAtLines -gt 0 -and $lines -ge $KillAtLines) {
            $child.Process.Kill($true) # SIGKILL on Unix, TerminateProcess on Windows: no finally blocks, no Dispose
            $child.Process.WaitForExit()
            $run.Killed = $true
            $run.IndexLinesAtKill = Get-IndexLineCount $indexPath $lineState
            $run.TempFilesAtKill = @(Get-ChildItem (Join-Path $Context.Destination '.gphotos/tmp') -File -ErrorAction SilentlyContinue).Count
            break
        }
        $eventsLength = if (Test-Path $child.EventsPath) { (Get-Item $child.EventsPath).Length } else { 0 }
        if ($lines -ne $lastLines -or $eventsLength -ne $lastEventsLength) { $progressAt = $now; $lastLines = $lines; $lastEventsLength = $eventsLength }
        elseif (($now - $progressAt).TotalSeconds -gt $HangSeconds) {
            $child.Process.Kill($true); $child.Process.WaitForExit()
            $run.Hung = $true
            break
        }
        if ($Faults -and $now -ge $nextSchedule) {
            # Credits at p/8 of the requests made since the last look; at most one pending rule per target and kind,
            # so a scheduled fault never hits a burst of consecutive requests (the retry of the request it hit, say).
            $nextSchedule = $now.AddMilliseconds(250)
            $c = Get-SoakRequests $emu
            $dMedia = $c.Requests['media'] - $last.Requests['media']
            $dLibrary = ($c.Requests['library.list'] + $c.Requests['library.batchGet']) - ($last.Requests['library.list'] + $last.Requests['library.batchGet'])
            $last = $c
            for ($i = 0; $i -lt $dMedia; $i++) {
                if ($rng.NextDouble() -lt $plan.ExpireUrlRate) { $credits['media expireUrl']++ }
                if ($rng.NextDouble() -lt $plan.UnauthorizedRate) { $credits['media unauthorized']++ }
            }
            for ($i = 0; $i -lt $dLibrary; $i++) { if ($rng.NextDouble() -lt $plan.UnauthorizedRate) { $credits['library unauthorized']++ } }
            if (($credits.Values | Measure-Object -Sum).Sum -gt 0) {
                $pending = @((Invoke-SoakEmulator $emu 'faults').pending | ForEach-Object { "$($_.target) $($_.kind)" })
                $rules = @(foreach ($key in @($credits.Keys)) {
                        if ($credits[$key] -gt 0 -and $key -notin $pending) {
                            $credits[$key]--
                            $run.ScheduledFaults[$key]++
                            $t, $k = $key -split ' '
                            @{ target = $t; kind = $k; count = 1 }
                        }
                    })
                if ($rules.Count -gt 0) { Invoke-SoakEmulator $emu 'faults' -Method Post -Body @{ rules = $rules } | Out-Null }
            }
        }
        if ($Faults -and $lines -gt $linesAtStart -and $now -ge $nextExpiry) {
            $nextExpiry = $now.AddSeconds($plan.TokenExpirySeconds)
            if ($rng.NextDouble() -lt $plan.OAuthFaultChance -and 'oauth 503' -notin @((Invoke-SoakEmulator $emu 'faults').pending | ForEach-Object { "$($_.target) $($_.kind)" })) {
                Invoke-SoakEmulator $emu 'faults' -Method Post -Body @{ rules = @(@{ target = 'oauth'; kind = '503'; count = 1 }) } | Out-Null
                $run.ScheduledFaults['oauth 503']++
            }
            Invoke-SoakEmulator $emu 'tokens/expire' -Method Post | Out-Null
            $run.TokenExpiries++
        }
    }
    $child.Process.WaitForExit()
    $run.ExitCode = $child.Process.ExitCode
    $run.Elapsed = $child.Watch.Elapsed
    $run.Stdout = $child.Stdout.Result
    $run.Stderr = $child.Stderr.Result
    $run.Events = @(Read-SoakEvents $child.EventsPath)
    [pscustomobject]$run
}

function Read-SoakEvents {
    param([string] $Path)
    if (-not (Test-Path $Path)) { return }
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        if (-not $line) { continue }
        try { $line | ConvertFrom-Json } catch { } # a line torn by the kill
    }
}

# ------------------------------------------------------------------------------------------------ what is on disk

function Read-SoakIndex {
    <# .gphotos/index.jsonl as DestinationIndex reads it: last line per id wins, "removed" forgets, torn lines are ignored. #>
    param([string] $Path)
    $entries = @{}; $lines = 0; $unreadable = 0
    if (Test-Path $Path) {
        foreach ($line in [IO.File]::ReadAllLines($Path, [Text.UTF8Encoding]::new($false))) {
            if ($line.Length -eq 0) { continue }
            $lines++
            try { $o = $line | ConvertFrom-Json -ErrorAction Stop } catch { $unreadable++; continue }
            if ($o -isnot [pscustomobject] -or -not $o.PSObject.Properties['id'] -or -not $o.id) { $unreadable++; continue }
            if ($o.PSObject.Properties['removed'] -and $o.removed) { $entries.Remove($o.id); continue }
            if (-not $o.PSObject.Properties['path'] -or -not $o.PSObject.Properties['size']) { $unreadable++; continue }
            $entries[$o.id] = [pscustomobject]@{
                Id = $o.id; Path = $o.path; Size = [long]$o.size
                MotionChecked = [bool]($o.PSObject.Properties['motionChecked'] -and $o.motionChecked)
                Motion = if ($o.PSObject.Properties['motion']) { $o.motion } else { $null }
                MotionSize = if ($o.PSObject.Properties['motionSize']) { [long]$o.motionSize } else { $null }
                Metadata = if ($o.PSObject.Properties['metadata']) { $o.metadata } else { $null }
            }
        }
    }
    [pscustomobject]@{ Entries = $entries; Lines = $lines; Unreadable = $unreadable }
}

function Get-SoakDisk {
    <# Every file under the destination: relative '/' path (NFC) -> { Length; Hash }, and what .gphotos holds. #>
    param([string] $Destination)
    $root = (Resolve-Path $Destination).Path
    $files = @{}
    $state = Join-Path $root '.gphotos'
    foreach ($f in Get-ChildItem $root -Recurse -File -Force) {
        if ($f.FullName.StartsWith($state + [IO.Path]::DirectorySeparatorChar)) { continue }
        $rel = [IO.Path]::GetRelativePath($root, $f.FullName).Replace('\', '/').Normalize([Text.NormalizationForm]::FormC)
        $files[$rel] = [pscustomobject]@{ Length = $f.Length; Hash = (Get-FileHash -LiteralPath $f.FullName -Algorithm SHA256).Hash }
    }
    $stateItems = @(Get-ChildItem $state -Force -ErrorAction SilentlyContinue | ForEach-Object { $_.Name + ($_.PSIsContainer ? '/' : '') })
    $temp = @(Get-ChildItem (Join-Path $state 'tmp') -Force -Recurse -ErrorAction SilentlyContinue | ForEach-Object Name)
    [pscustomobject]@{ Files = $files; StateItems = $stateItems; TempItems = $temp }
}

# ------------------------------------------------------------------------------------------------ invariants

function New-Check([string] $Name, [string[]] $Problems, [string] $Detail = '') {
    $p = @($Problems | Where-Object { $_ })
    [pscustomobject]@{ Name = $Name; Passed = $p.Count -eq 0; Problems = $p; Detail = $Detail }
}

function Test-SoakState {
    <#
    The on-disk invariants for -Expected, given what -FinalRun reported. With -RequireAll every item that can be
    saved must be on disk; otherwise an item may be missing only if the final run reported an error for it.
    Returns checks (Name, Passed, Problems) plus the set of incomplete items.
    #>
    param($Context, $FinalRun, [switch] $RequireAll, [string] $Label)
    $expected = $Context.Expected
    $index = Read-SoakIndex (Join-Path $Context.Destination '.gphotos/index.jsonl')
    $disk = Get-SoakDisk $Context.Destination
    $checks = [System.Collections.Generic.List[object]]::new()
    $nfc = { param($s) if ($null -eq $s) { $null } else { ([string]$s).Normalize([Text.NormalizationForm]::FormC) } }

    # No temporary or partial file: tmp empty, nothing in .gphotos but the index, the lock and its owner note.
    $problems = @()
    if ($disk.TempItems.Count) { $problems += "$($disk.TempItems.Count) item(s) left in .gphotos/tmp: $($disk.TempItems[0..4] -join ', ')" }
    $strayState = @($disk.StateItems | Where-Object { $_ -notin 'index.jsonl', 'lock', 'lock.owner', 'tmp/' })
    if ($strayState) { $problems += "unexpected in .gphotos: $($strayState -join ', ')" }
    foreach ($kv in $disk.Files.GetEnumerator()) {
        if ($kv.Key -match '\.(part|old|tmp)$') { $problems += "partial-looking file '$($kv.Key)'" }
        if ($kv.Value.Length -eq 0) { $problems += "empty file '$($kv.Key)'" }
    }
    $checks.Add((New-Check "$Label no temporary or partial file" $problems "tmp: $($disk.TempItems.Count) item(s); .gphotos: $($disk.StateItems -join ', ')"))

    # The index matches the disk: every entry's files exist with the recorded size, every file belongs to one entry.
    $problems = @()
    $owner = @{}
    foreach ($e in $index.Entries.Values) {
        foreach ($pair in @(@($e.Path, $e.Size, 'file'), @($e.Motion, $e.MotionSize, 'motion video'), @($e.Metadata, $null, 'metadata'))) {
            $path = & $nfc $pair[0]
            if (-not $path) { continue }
            if ($owner.ContainsKey($path)) { $problems += "'$path' is recorded for both $($owner[$path]) and $($e.Id)"; continue }
            $owner[$path] = $e.Id
            if (-not $disk.Files.ContainsKey($path)) { $problems += "index: $($pair[2]) '$path' of $($e.Id) is not on disk" }
            elseif ($null -ne $pair[1] -and $disk.Files[$path].Length -ne $pair[1]) { $problems += "index: '$path' of $($e.Id) is $($disk.Files[$path].Length) bytes, the index says $($pair[1])" }
        }
    }
    foreach ($path in $disk.Files.Keys) { if (-not $owner.ContainsKey($path)) { $problems += "stray file '$path': not in the index" } }
    $checks.Add((New-Check "$Label index matches the disk" $problems "$($index.Entries.Count) live entries from $($index.Lines) lines ($($index.Unreadable) unreadable), $($disk.Files.Count) files"))

    # Every saved item is on disk exactly once with the emulator's bytes; nothing else is.
    $problems = @()
    $hashCount = @{}
    foreach ($f in $disk.Files.Values) { $hashCount[$f.Hash] = 1 + ($hashCount[$f.Hash] ?? 0) }
    $incomplete = [System.Collections.Generic.List[object]]::new()
    foreach ($x in $expected.Values) {
        $e = $index.Entries[$x.Id]
        if (-not $x.Saved) {
            if ($e) { $problems += "$($x.Status) video $($x.Id) '$($x.Filename)' is in the index" }
            foreach ($h in $x.OtherHashes) { if ($hashCount[$h]) { $problems += "$($x.Status) video $($x.Id) '$($x.Filename)' has bytes on disk" } }
            continue
        }
        $missingOriginal = $true; $missingMotion = $false
        if ($e) {
            $f = $disk.Files[(& $nfc $e.Path)]
            if ($f -and $f.Hash -eq $x.Hash) { $missingOriginal = $false }
            elseif ($f) { $problems += "$($x.Id) '$($x.Filename)': '$($e.Path)' does not hold the emulator's bytes" }
        }
        if ($hashCount[$x.Hash] -gt 1) { $problems += "$($x.Id) '$($x.Filename)' is on disk $($hashCount[$x.Hash]) times" }
        if (-not $x.IsVideo) {
            # -IncludeMotionVideo: a motion photo's video part beside it; a plain photo checked and found to have none.
            if (-not $e -or -not $e.MotionChecked) { $missingMotion = $true }
            elseif ($x.Motion) {
                $m = if ($e.Motion) { $disk.Files[(& $nfc $e.Motion)] } else { $null }
                if (-not $m) { $problems += "motion photo $($x.Id) '$($x.Filename)': checked, but no video part saved" }
                elseif ($m.Hash -ne $x.MotionHash) { $problems += "motion photo $($x.Id): '$($e.Motion)' does not hold the emulator's video bytes" }
                if ($hashCount[$x.MotionHash] -gt 1) { $problems += "the video part of $($x.Id) is on disk $($hashCount[$x.MotionHash]) times" }
            }
            elseif ($e.Motion) { $problems += "plain photo $($x.Id) has a motion video '$($e.Motion)'" }
        }
        if ($missingOriginal -or $missingMotion) {
            $incomplete.Add([pscustomobject]@{ Item = $x; Original = $missingOriginal; Motion = $missingMotion })
        }
    }
    $known = @{}; foreach ($x in $expected.Values) { if ($x.Hash) { $known[$x.Hash] = 1 }; if ($x.MotionHash) { $known[$x.MotionHash] = 1 } }
    foreach ($kv in $disk.Files.GetEnumerator()) { if (-not $known[$kv.Value.Hash]) { $problems += "'$($kv.Key)' holds bytes of no item" } }
    foreach ($id in $index.Entries.Keys) { if (-not $expected.ContainsKey($id)) { $problems += "index entry for unknown id $id" } }
    if ($RequireAll) { foreach ($i in $incomplete) { $problems += "$($i.Item.Id) '$($i.Item.Filename)' not saved ($(if ($i.Original) { 'file' } else { 'motion video' }))" } }
    $savable = @($expected.Values | Where-Object Saved).Count
    $checks.Add((New-Check "$Label every item on disk once, byte for byte" $problems "$($savable - $incomplete.Count) of $savable items complete"))

    if ($FinalRun) {
        # Every item not saved has an error record with a reason, from the run that should have saved it.
        $problems = @()
        $errors = @{}
        foreach ($ev in $FinalRun.Events | Where-Object kind -EQ 'error') { if ($ev.id) { $errors[$ev.id] = $ev } }
        foreach ($i in $incomplete) {
            $ev = $errors[$i.Item.Id]
            if (-not $ev) { $problems += "$($i.Item.Id) '$($i.Item.Filename)' was not saved and $($FinalRun.Name) reported no error for it" }
            elseif (-not $ev.errorId -or -not $ev.message) { $problems += "the error for $($i.Item.Id) has no reason" }
        }
        $checks.Add((New-Check "$Label every item not saved has an error with a reason" $problems "$($incomplete.Count) not saved, $(@($FinalRun.Events | Where-Object kind -EQ 'error').Count) error record(s)"))

        # Every listed item came back as a result or an error: nothing dropped silently.
        $problems = @()
        $answered = @{}
        foreach ($ev in $FinalRun.Events) { if ($ev.kind -in 'result', 'error' -and $ev.id) { $answered[$ev.id] = 1 } }
        foreach ($x in $expected.Values | Where-Object Saved) { if (-not $answered[$x.Id]) { $problems += "$($x.Id) '$($x.Filename)': no result and no error" } }
        $checks.Add((New-Check "$Label every item answered (result or error)" $problems "$($answered.Count) item(s) answered"))

        # PROCESSING videos: a warning each (by name: warnings carry no id), not on disk (checked above).
        $problems = @()
        $warnings = @($FinalRun.Events | Where-Object kind -EQ 'warning' | ForEach-Object message)
        foreach ($group in $expected.Values | Where-Object { -not $_.Saved } | Group-Object Status, Filename) {
            $x = $group.Group[0]
            $pattern = if ($x.Status -eq 'PROCESSING') { 'still processing' } else { 'failed to process' }
            $quoted = "'" + (& $nfc $x.Filename) + "'"
            $n = @($warnings | Where-Object { (& $nfc $_).Contains($quoted) -and $_ -match $pattern }).Count
            if ($n -lt $group.Count) { $problems += "$($x.Status) video '$($x.Filename)': $n warning(s) for $($group.Count) item(s)" }
        }
        $notReady = @($expected.Values | Where-Object { -not $_.Saved })
        $checks.Add((New-Check "$Label PROCESSING/FAILED videos warned about, not on disk" $problems "$($notReady.Count) not-ready videos, $($warnings.Count) warning(s)"))
    }
    [pscustomobject]@{ Checks = $checks; Incomplete = $incomplete; Index = $index; Disk = $disk }
}

# ------------------------------------------------------------------------------------------------ the soak

function Invoke-GPhotosSoak {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string] $EmulatorPath,
        [Parameter(Mandatory)] [string] $WorkFolder,
        [int] $Seed = 1,
        [int] $Items = 3000,
        [double] $Probability = 0.1,
        [string] $DelayScale = '0.01',
        [scriptblock] $Log = { param($m) Write-Host $m }
    )
    $total = [Diagnostics.Stopwatch]::StartNew()
    $ThrottleLimit = 8 # Save-GPhotosMediaItem's default, which the children use
    if (Test-Path $WorkFolder) { Remove-Item $WorkFolder -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $WorkFolder
    $WorkFolder = (Resolve-Path $WorkFolder).Path
    $plan = New-SoakPlan -Seed $Seed -Items $Items -Probability $Probability -ThrottleLimit $ThrottleLimit
    $ctx = [pscustomobject]@{
        Plan = $plan; WorkFolder = $WorkFolder; ModulePath = (Resolve-Path $ModulePath).Path
        Destination = Join-Path $WorkFolder 'backup'; TokenCache = Join-Path $WorkFolder 'token-cache'
        ChildScript = Join-Path $WorkFolder 'soak-child.ps1'; ClientId = 'soak-client.apps.googleusercontent.com'
        DelayScale = $DelayScale; Emulator = $null; Expected = $null
    }
    Set-Content -Path $ctx.ChildScript -Value $script:ChildScript
    $emu = Start-TestEmulator -EmulatorPath (Resolve-Path $EmulatorPath).Path
    $ctx.Emulator = $emu
    $result = [ordered]@{ Seed = $Seed; Items = $Items; Probability = $Probability; DelayScale = $DelayScale; Plan = $plan; Checks = @(); Runs = @(); Passed = $false }
    try {
        $lib = $plan.Library
        Invoke-SoakEmulator $emu 'reset' -Method Post -Body $lib | Out-Null
        $facts = @((Invoke-SoakEmulator $emu 'items').items)
        $ctx.Expected = Get-SoakExpectation $facts
        $x = @($ctx.Expected.Values)
        $result.Library = [pscustomobject]@{
            Photos = @($x | Where-Object { -not $_.IsVideo -and -not $_.Motion }).Count; MotionPhotos = @($x | Where-Object Motion).Count
            Videos = @($x | Where-Object IsVideo).Count; Processing = @($x | Where-Object Status -EQ 'PROCESSING').Count; Failed = @($x | Where-Object Status -EQ 'FAILED').Count
            DuplicateNames = @($facts | Group-Object filename | Where-Object Count -GT 1 | ForEach-Object { $_.Count }) | Measure-Object -Sum | ForEach-Object Sum
            Hostile = $lib.hostileNames
        }
        $expectedFiles = @($x | Where-Object Saved).Count + @($x | Where-Object Motion).Count
        $ideal = ($x | ForEach-Object { $_.OriginalCost + $_.ProbeCost } | Measure-Object -Sum).Sum
        $result.IdealMediaRequests = $ideal
        $result.MediaBound = [Math]::Floor($ideal * (1 + 3 * $Probability * 1.25)) + 3 * $ThrottleLimit
        & $Log ("library: {0} items ({1} photos, {2} motion photos, {3} videos of which {4} PROCESSING and {5} FAILED; {6} items share a name; {7} hostile names); {8} files expected" -f `
                $Items, $result.Library.Photos, $result.Library.MotionPhotos, $result.Library.Videos, $result.Library.Processing, $result.Library.Failed, $result.Library.DuplicateNames, $lib.hostileNames, $expectedFiles)

        # A real sign-in through the OAuth flow, once, with a stand-in browser: the children refresh from the cache.
        $browser = if ($IsWindows) { Join-Path $WorkFolder 'browser.cmd' } else { Join-Path $WorkFolder 'browser.sh' }
        if ($IsWindows) { Set-Content $browser "@curl.exe -s -L -o NUL `"%~1`"" } else { Set-Content $browser "#!/bin/sh`ncurl -s -L -o /dev/null `"`$1`"`n"; chmod +x $browser }
        $psi = New-PwshStartInfo @('-NoProfile', '-Command', "`$ErrorActionPreference='Stop'; Import-Module `$env:GPHOTOS_TEST_MODULE; Connect-GPhotos -ClientId '$($ctx.ClientId)' -ClientSecret 'not-secret' -TokenCachePath '$($ctx.TokenCache)'")
        $psi.Environment['GPHOTOS_TEST_MODULE'] = $ctx.ModulePath
        $psi.Environment['GPHOTOS_EMULATOR_HOST'] = $emu.HostPort
        $psi.Environment['GPHOTOS_BROWSER'] = $browser
        $psi.Environment['GPHOTOS_INTERACTIVE'] = '1'
        $p = [System.Diagnostics.Process]::Start($psi); $p.StandardInput.Close()
        $so = $p.StandardOutput.ReadToEndAsync(); $se = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(120000)) { $p.Kill($true); throw 'The sign-in did not finish within 120 s.' }
        $p.WaitForExit()
        if ($p.ExitCode -ne 0) { throw "The sign-in failed (exit $($p.ExitCode)): $($so.Result) $($se.Result)" }
        & $Log 'signed in through the OAuth flow (stand-in browser); the runs connect from the token cache and refresh'

        Invoke-SoakEmulator $emu 'counters' -Method Delete | Out-Null
        Invoke-SoakEmulator $emu 'random-faults' -Method Post -Body @{ seed = $Seed; probability = $Probability; kinds = $plan.RandomKinds; targets = $plan.RandomTargets } | Out-Null
        & $Log ("faults: p={0} per Library/base-URL request ({1}); expireUrl and 401 scheduled at p/8 each; tokens expired every {2:0.0} s (30 % with a 503 from the token endpoint); retry delays x{3} (GPHOTOS_RETRY_DELAY_SCALE, so Google's 30 s 429 backoff is {4:0.##} s)" -f `
                $Probability, ($plan.RandomKinds -join ', '), $plan.TokenExpirySeconds, $DelayScale, (30 * [double]$DelayScale))

        $killAt = [Math]::Max(1, [int]($plan.KillFraction * $expectedFiles * 0.8))
        & $Log ("run 1: will be killed at {0} index lines ({1:P0} of the way)" -f $killAt, $plan.KillFraction)
        $run1 = Invoke-SoakRun $ctx 'run1' -KillAtLines $killAt -Faults
        & $Log ("run 1: {0} after {1:0.0} s: {2} index lines, {3} temp file(s) left behind, {4} results, {5} errors" -f `
                $(if ($run1.Killed) { 'killed' } elseif ($run1.Hung) { 'HUNG' } else { "exited $($run1.ExitCode)" }), $run1.Elapsed.TotalSeconds, $run1.IndexLinesAtKill, $run1.TempFilesAtKill,
                @($run1.Events | Where-Object kind -EQ 'result').Count, @($run1.Events | Where-Object kind -EQ 'error').Count)

        $run2 = Invoke-SoakRun $ctx 'run2' -Faults
        $after2 = Get-SoakRequests $emu
        $r2 = @($run2.Events | Where-Object kind -EQ 'result')
        & $Log ("run 2: {0} after {1:0.0} s: {2} saved ({3} of them again after the kill: {4}), {5} skipped, {6} errors, {7} warnings" -f `
                $(if ($run2.Hung) { 'HUNG' } else { "exited $($run2.ExitCode)" }), $run2.Elapsed.TotalSeconds, @($r2 | Where-Object status -EQ 'Saved').Count,
                @($r2 | Where-Object { $_.status -eq 'Saved' -and $_.reason -ne 'New' }).Count, (($r2 | Where-Object { $_.status -eq 'Saved' -and $_.reason -ne 'New' } | Group-Object reason | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', '),
                @($r2 | Where-Object status -EQ 'Skipped').Count, @($run2.Events | Where-Object kind -EQ 'error').Count, @($run2.Events | Where-Object kind -EQ 'warning').Count)
        foreach ($e in $run2.Events | Where-Object kind -EQ 'error') { & $Log "  run 2 error: $($e.errorId) $($e.id): $($e.message)" }

        Invoke-SoakEmulator $emu 'random-faults' -Method Delete | Out-Null
        Invoke-SoakEmulator $emu 'faults' -Method Delete | Out-Null

        $checks = [System.Collections.Generic.List[object]]::new()
        $checks.Add((New-Check 'run 1 was killed part-way' @(
                    if (-not $run1.Killed) { "run 1 was not killed (hung: $($run1.Hung), exit code $($run1.ExitCode)); $($run1.Stderr)" }
                    elseif ($run1.IndexLinesAtKill -ge $expectedFiles) { 'run 1 had finished everything when it was killed' }
                ) "at $($run1.IndexLinesAtKill) index lines, $($run1.TempFilesAtKill) temp file(s) in flight"))
        $checks.Add((New-Check 'run 2 finished (no hang, no fatal error)' @(
                    if ($run2.Hung) { 'run 2 made no progress for 150 s and was killed' }
                    if ($run2.ExitCode -ne 0) { "run 2 exited $($run2.ExitCode): $(($run2.Events | Where-Object kind -EQ 'fatal' | ForEach-Object { "$($_.errorId): $($_.message)" }) -join '; ') $($run2.Stderr)" }
                    if (-not @($run2.Events | Where-Object kind -EQ 'end').Count -and -not $run2.Hung -and $run2.ExitCode -eq 0) { 'run 2 did not reach its end' }
                ) "$([Math]::Round($run2.Elapsed.TotalSeconds, 1)) s"))
        $state2 = Test-SoakState $ctx -FinalRun $run2 -Label 'after run 2:'
        foreach ($c in $state2.Checks) { $checks.Add($c) }

        $media12 = $after2.Requests['media']
        $checks.Add((New-Check 'media requests within the bound' @(
                    if ($media12 -gt $result.MediaBound) { "$media12 media requests in runs 1+2, bound $($result.MediaBound)" }
                    if ($media12 -lt ($ideal - 3 * @($state2.Incomplete).Count)) { "$media12 media requests, fewer than the $ideal needed: something was not fetched" }
                ) "$media12 requests, ideal $ideal, bound $($result.MediaBound)"))

        # Run 3, no faults: must fetch exactly what run 2 reported as not saved, then everything is there.
        $before3 = Get-SoakRequests $emu
        $run3 = Invoke-SoakRun $ctx 'run3'
        $after3 = Get-SoakRequests $emu
        $media3 = $after3.Requests['media'] - $before3.Requests['media']
        $need3 = 0
        foreach ($i in $state2.Incomplete) { $need3 += ($i.Original ? $i.Item.OriginalCost : 0) + $i.Item.ProbeCost }
        $checks.Add((New-Check 'run 3 (no faults) fetches exactly what was missing' @(
                    if ($run3.ExitCode -ne 0) { "run 3 exited $($run3.ExitCode): $($run3.Stderr)" }
                    if (@($run3.Events | Where-Object kind -EQ 'error').Count) { "run 3 reported errors: $(($run3.Events | Where-Object kind -EQ 'error' | Select-Object -First 3 | ForEach-Object { "$($_.errorId) $($_.message)" }) -join '; ')" }
                    if ($media3 -ne $need3) { "run 3 made $media3 media requests; the $(@($state2.Incomplete).Count) incomplete item(s) need $need3" }
                ) "$media3 media request(s) for $(@($state2.Incomplete).Count) incomplete item(s)"))
        $state3 = Test-SoakState $ctx -FinalRun $run3 -RequireAll -Label 'after run 3:'
        foreach ($c in $state3.Checks) { $checks.Add($c) }

        $result.Checks = $checks.ToArray()
        $result.Runs = @($run1, $run2, $run3)
        $result.MediaRequests = $media12
        $result.Counters = $after2
        $result.Run3MediaRequests = $media3
        $result.IndexAfter = $state3.Index
        $result.Passed = -not @($checks | Where-Object { -not $_.Passed }).Count
    }
    finally {
        Stop-TestEmulator $emu
        $result.Elapsed = $total.Elapsed
    }
    [pscustomobject]$result
}

function Format-SoakSummary {
    param($Result)
    $lines = [System.Collections.Generic.List[string]]::new()
    $c = $Result.Counters
    $lines.Add(('=' * 100))
    $lines.Add("GPhotos soak: seed $($Result.Seed), $($Result.Items) items, fault probability $($Result.Probability), $([Math]::Round($Result.Elapsed.TotalSeconds)) s in all")
    $lines.Add("  retry delays scaled by GPHOTOS_RETRY_DELAY_SCALE=$($Result.DelayScale) in the children (Google's 30 s 429 backoff waits $(30 * [double]$Result.DelayScale) s)")
    if ($c) {
        $lines.Add("faults injected in runs 1+2 (emulator faultsInjected):")
        foreach ($k in $c.Faults.Keys | Sort-Object) { $lines.Add(("  {0,-16} {1,6}" -f $k, $c.Faults[$k])) }
        $lines.Add(("  {0,-16} {1,6}   (driver: POST /__emulator/tokens/expire)" -f 'tokens expired', ($Result.Runs[0].TokenExpiries + $Result.Runs[1].TokenExpiries)))
        $scheduled = foreach ($k in $Result.Runs[0].ScheduledFaults.Keys) { "$k $($Result.Runs[0].ScheduledFaults[$k] + $Result.Runs[1].ScheduledFaults[$k])" }
        $lines.Add("  of which scheduled by the driver (the rest random, seeded): $($scheduled -join ', ')")
        $lines.Add(("requests in runs 1+2: media {0}, library.list {1}, library.batchGet {2}, oauth.token {3} (refreshes), {4:N0} media bytes" -f `
                    $c.Requests['media'], $c.Requests['library.list'], $c.Requests['library.batchGet'], $c.Requests['oauth.token'], $c.MediaBytes))
        $lines.Add(("media requests vs ideal: {0} / {1} = {2:0.000}; bound ideal x (1 + 3 x 1.25p) + 3 x ThrottleLimit = {3} -> {4}" -f `
                    $Result.MediaRequests, $Result.IdealMediaRequests, ($Result.MediaRequests / [Math]::Max(1, $Result.IdealMediaRequests)), $Result.MediaBound, $(if ($Result.MediaRequests -le $Result.MediaBound) { 'within' } else { 'EXCEEDED' })))
    }
    foreach ($r in $Result.Runs) {
        $ev = @($r.Events)
        $lines.Add(("{0}: {1,-9} {2,6:0.0} s  results {3,5} (saved {4}, skipped {5})  errors {6}  warnings {7}" -f $r.Name,
                    $(if ($r.Killed) { 'killed' } elseif ($r.Hung) { 'HUNG' } else { "exit $($r.ExitCode)" }), $r.Elapsed.TotalSeconds,
                    @($ev | Where-Object kind -EQ 'result').Count, @($ev | Where-Object { $_.kind -eq 'result' -and $_.status -eq 'Saved' }).Count,
                    @($ev | Where-Object { $_.kind -eq 'result' -and $_.status -eq 'Skipped' }).Count, @($ev | Where-Object kind -EQ 'error').Count, @($ev | Where-Object kind -EQ 'warning').Count))
    }
    foreach ($check in $Result.Checks) {
        $lines.Add(("[{0}] {1}  ({2})" -f $(if ($check.Passed) { 'PASS' } else { 'FAIL' }), $check.Name, $check.Detail))
        foreach ($p in @($check.Problems | Select-Object -First 10)) { $lines.Add("       - $p") }
        if (@($check.Problems).Count -gt 10) { $lines.Add("       ... and $(@($check.Problems).Count - 10) more") }
    }
    $lines.Add($(if ($Result.Passed) { "SOAK PASSED (seed $($Result.Seed))" } else { "SOAK FAILED (seed $($Result.Seed)): replay with ./build.ps1 -Task Soak -Seed $($Result.Seed) -SoakItems $($Result.Items)" }))
    $lines.Add(('=' * 100))
    $lines
}

Export-ModuleMember -Function Invoke-GPhotosSoak, Format-SoakSummary, Read-SoakIndex
