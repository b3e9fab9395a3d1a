#Requires -Version 7.2
<#
.SYNOPSIS
    build.ps1 -Task Bench: Save and Get measured against the network limit (curl) and against the script users write.
.DESCRIPTION
    Starts the emulator on loopback and measures, side by side, reporting ratios (docs/benchmarks.md explains them):
      1. download throughput of Save-GPhotosMediaItem at its defaults vs curl --parallel with the same concurrency,
         for photos and for videos;
      2. Save vs a sequential Invoke-WebRequest -OutFile loop with 50 ms latency per request;
      3. Get-GPhotosMediaItem | Measure-Object over a large library: items/s, requests, memory, first item early;
      4. the incremental re-run (everything already saved) vs pure listing;
      5. memory while saving large videos;
      6. (only with -ScaleItems) a synthetic Takeout and an emulator Library of each size: listing, first Save, re-run,
         the destination index alone, against a minimal Takeout reader, unzip and the minimal list client; 7. growth
         from the smallest to the largest size (Scale.ps1);
      8. (Verify) Test-GPhotosBackup -Full against sha256sum over the same saved files (Verify.ps1).
    Beside each download row: curl's files hashed (SHA-256) and fsynced as Save does, and the ratio a Save that hashes
    could reach at best when the run is CPU-bound (SameGuarantee.ps1, info rows).
    FileCost (a diagnostic) times what one file costs on this disk without HTTP: create+write, +rename, +fsync, +times.
    Every measured run of the module is a fresh child pwsh; each measurement is repeated (-Repeat) and the median
    is reported. Prints a table and writes <WorkFolder>/results.json. Exits 0 on a MISS (benchmarks report, they do
    not gate); non-zero only when the benchmark itself broke (wrong byte or file count, failed runs, bad counters).
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Bench
.EXAMPLE
    # Only some phases, fewer repeats (while working on one thing):
    dotnet pwsh tests/Benchmarks/Invoke-Benchmarks.ps1 -ModulePath out/GPhotos/GPhotos.psd1 -EmulatorPath out/emulator/GPhotos.Emulator.dll -WorkFolder out/bench -Phase Photos -Repeat 1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $WorkFolder,

    # Which phases to run (default: all).
    # PhotosTmpfs repeats Photos on a tmpfs (/dev/shm) as a diagnostic: the same client work without the disk.
    # Scale runs only when asked (-ScaleItems, or -Phase Scale): it takes minutes to hours. Checked below, after commas
    # are split ('pwsh -File' passes -Phase Photos,Scale as one string).
    [string[]] $Phase = @('Photos', 'PhotosTmpfs', 'FileCost', 'Videos', 'Naive', 'List', 'Incremental', 'Verify'),

    # Runs per measurement; the median is reported (the best is in results.json).
    [ValidateRange(1, 20)] [int] $Repeat = 3,
    # Runs of the photos-on-disk comparison (alternating curl, Save, curl, ...): the noisiest row gets the most.
    [ValidateRange(1, 20)] [int] $PhotoRepeat = 5,
    # FileCost: files per variant (of -PhotoSize bytes; fewer than -Photos to keep the diagnostic short).
    [int] $FileCostFiles = 1000,

    # Scale: item counts (e.g. 100000,500000). Given without -Phase, Scale runs after the other phases. Strings split at
    # commas, because 'pwsh -File' passes 100000,500000 as one string (which [int[]] would read as 100000500000).
    [string[]] $ScaleItems = @(),
    # Scale: zip parts per Takeout export, the generator's seed, and listing runs per size (saves run once per size).
    [ValidateRange(1, 100)] [int] $ScaleParts = 5,
    [int] $ScaleSeed = 1,
    [ValidateRange(1, 20)] [int] $ScaleRepeat = 1,

    [int] $Photos = 2000,
    [long] $PhotoSize = 300000,
    [int] $Videos = 20,
    [long] $VideoSize = 50000000,
    [int] $NaivePhotos = 300,
    [int] $LatencyMs = 50,
    [int] $ListItems = 100000,
    [int] $IncrementalItems = 10000,
    # Photos in the incremental library are small: the re-run downloads nothing, and the first save must be quick.
    [long] $IncrementalPhotoSize = 4096,
    # Verify: the backup Test-GPhotosBackup -Full and sha256sum read (photos of -PhotoSize, videos of -VideoSize).
    [int] $VerifyPhotos = 500,
    [int] $VerifyVideos = 10,

    [string] $Curl = '/usr/bin/curl',

    # Wait up to this long at the start for the 1-minute load average to fall below 1.0 (the build that runs just
    # before raises it); then start anyway, with a warning.
    [int] $SettleSeconds = 90,

    # Where downloads land (default: the work folder). Point it at a tmpfs (/dev/shm/bench) to take the disk, and
    # the fsync Save does per file, out of the comparison with curl.
    [string] $DownloadRoot
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Phase = @($Phase -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
$knownPhases = 'Photos', 'PhotosTmpfs', 'Videos', 'Naive', 'List', 'Incremental', 'FileCost', 'Scale', 'Verify', 'Drive'
foreach ($name in $Phase) { if ($name -notin $knownPhases) { throw "Unknown phase '$name'. Phases: $($knownPhases -join ', ')." } }
[int[]] $ScaleItems = @($ScaleItems -split ',' | Where-Object { $_.Trim() } | ForEach-Object { [int]$_.Trim() })
if ($ScaleItems -and -not $PSBoundParameters.ContainsKey('Phase')) { $Phase += 'Scale' }
if ($Phase -contains 'Scale' -and -not $ScaleItems) { throw '-Phase Scale needs -ScaleItems (e.g. -ScaleItems 100000,500000).' }
$ModulePath = (Resolve-Path $ModulePath).Path
$EmulatorPath = (Resolve-Path $EmulatorPath).Path
$WorkFolder = [IO.Path]::GetFullPath($WorkFolder)
$DownloadRoot = if ($DownloadRoot) { [IO.Path]::GetFullPath($DownloadRoot) } else { $WorkFolder }
$Python = (Get-Command python3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
$ChildScript = Join-Path $PSScriptRoot 'BenchChild.ps1'
# GNU time gives curl's CPU time (optional: without it that figure is NaN).
$GnuTime = if (Test-Path /usr/bin/time) { '/usr/bin/time' } else { $null }
$Cores = [Environment]::ProcessorCount
$script:Broken = [System.Collections.Generic.List[string]]::new()
$script:Rows = [System.Collections.Generic.List[object]]::new()
$script:Runs = [ordered]@{}
$benchClock = [Diagnostics.Stopwatch]::StartNew()
. (Join-Path $PSScriptRoot 'Scale.ps1')
. (Join-Path $PSScriptRoot 'FileCost.ps1')
. (Join-Path $PSScriptRoot 'Verify.ps1')
. (Join-Path $PSScriptRoot 'Drive.ps1')  # opt-in: -Phase Drive
. (Join-Path $PSScriptRoot 'SameGuarantee.ps1')

# ------------------------------------------------------------------------------------------------ helpers

function Get-LoadAverage { ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ')[0..2] -join ' ' }

function Get-Median([double[]] $Values) {
    $s = @($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2) { return $s[[int][Math]::Floor($s.Count / 2)] }
    ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}

function Get-MedianRun($Runs) {
    # The run with the median time (the lower middle one for an even count), for its other figures.
    $s = @($Runs | Sort-Object elapsedSeconds)
    if ($s.Count) { $s[[int][Math]::Floor(($s.Count - 1) / 2)] }
}

function Write-Step([string] $Text) {
    Write-Host ("[{0,6:0.0}s load {1}] {2}" -f $benchClock.Elapsed.TotalSeconds, (Get-LoadAverage), $Text) -ForegroundColor DarkGray
}

function Set-Broken([string] $Why) {
    Write-Host "BROKEN: $Why" -ForegroundColor Red
    $script:Broken.Add($Why)
}

function Start-Emulator {
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($x in @($EmulatorPath, '--port', '0', '--parent-pid', $PID, '--empty')) { $psi.ArgumentList.Add([string]$x) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $url = $null
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not $url -and [DateTime]::UtcNow -lt $deadline) {
        $line = $p.StandardOutput.ReadLine()
        if ($null -eq $line) { break }
        if ($line -match '^EMULATOR_URL=(.+)$') { $url = $Matches[1].Trim().TrimEnd('/') }
    }
    if (-not $url) { try { $p.Kill() } catch {}; throw 'The emulator did not report its address.' }
    $null = $p.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{ Url = $url; HostPort = ([uri]$url).Authority; Process = $p }
}

function Stop-Emulator($Emulator) {
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        try { $Emulator.Process.StandardInput.Close() } catch {}
        if (-not $Emulator.Process.WaitForExit(5000)) { $Emulator.Process.Kill() }
    }
}

function Invoke-Control([string] $Path, [string] $Method = 'Get', $Body) {
    $p = @{ Uri = "$($Emu.Url)/__emulator/$Path"; Method = $Method }
    if ($null -ne $Body) { $p.Body = $Body | ConvertTo-Json -Depth 5 -Compress; $p.ContentType = 'application/json' }
    Invoke-RestMethod @p
}

function Sync-Disk {
    # Each timed run starts with nothing of the previous run's data still waiting to be written back.
    if (-not $IsWindows) { & sync }
}

function Get-EmulatorCpu { $Emu.Process.Refresh(); $Emu.Process.TotalProcessorTime.TotalSeconds }

function Reset-Library([int] $PhotoCount, [int] $VideoCount = 0, [long] $Size = $PhotoSize, [int] $Latency = 0) {
    # Plain items only: no motion photos, nothing processing, no archived or duplicate/hostile names, no albums,
    # so every item is listed and has exactly one original to download.
    $o = @{
        photos = $PhotoCount; videos = $VideoCount; motionPhotos = 0; processingVideos = 0; failedVideos = 0
        duplicateNames = 0; hostileNames = 0; undatedPhotos = 0; favorites = 0; archivedItems = 0; albums = 0; foreignItems = 0
        photoSize = $Size; videoSize = $VideoSize; appCreated = $true; latencyMs = $Latency
    }
    $r = Invoke-Control 'reset' Post $o
    if ($r.items -ne $PhotoCount + $VideoCount) { throw "The emulator generated $($r.items) items, expected $($PhotoCount + $VideoCount)." }
    # A new token per library (tokens survive a reset, but a fresh one keeps runs independent of each other).
    $script:Token = (Invoke-Control 'tokens' Post @{ scopes = @('https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata') }).accessToken
    Connect-GPhotos -AccessToken $script:Token | Out-Null
}

function Get-ExpectedBytes {
    # The emulator's facts: the exact size each original is served with.
    $facts = (Invoke-RestMethod -Uri "$($Emu.Url)/__emulator/items?sha256=false").items
    [long]($facts | Measure-Object -Property size -Sum).Sum
}

function Measure-Folder([string] $Path) {
    # Files the run saved (the .gphotos state folder is not content).
    $files = @(Get-ChildItem -LiteralPath $Path -File -Recurse -Force -ErrorAction SilentlyContinue |
            Where-Object { $_.FullName -notmatch '[\\/]\.gphotos([\\/]|$)' })
    [pscustomobject]@{ Files = $files.Count; Bytes = [long]($files | Measure-Object -Property Length -Sum).Sum }
}

function Remove-Folder([string] $Path) {
    if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Recurse -Force }
}

function Invoke-Child([string] $Kind, [hashtable] $Extra = @{}, [int] $TimeoutSeconds = 600) {
    <# One run in a fresh pwsh (BenchChild.ps1); returns its JSON result plus the wall time of the whole child. #>
    $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
    $argsPath = Join-Path $WorkFolder "child-$id.json"
    $resultPath = Join-Path $WorkFolder "child-$id.result.json"
    $settings = @{
        Kind = $Kind; ModulePath = $ModulePath; EmulatorHost = $Emu.HostPort; EmulatorUrl = $Emu.Url
        EmulatorPid = $Emu.Process.Id; AccessToken = $script:Token; ResultPath = $resultPath
    } + $Extra
    $settings | ConvertTo-Json | Set-Content $argsPath
    $native = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $native) { $psi = [System.Diagnostics.ProcessStartInfo]::new($native) }
    else { $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet'); $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($x in '-NoProfile', '-NonInteractive', '-File', $ChildScript, '-ArgsPath', $argsPath) { $psi.ArgumentList.Add($x) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $psi.Environment.Remove('GPHOTOS_EMULATOR_HOST') | Out-Null
    Sync-Disk
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $stdout = $p.StandardOutput.ReadToEndAsync()
    $stderr = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "The $Kind run did not finish within $TimeoutSeconds s." }
    $p.WaitForExit()
    Remove-Item $argsPath -ErrorAction SilentlyContinue
    if (-not (Test-Path $resultPath)) { throw "The $Kind run wrote no result (exit $($p.ExitCode)): $($stderr.Result) $($stdout.Result)" }
    $r = Get-Content $resultPath -Raw | ConvertFrom-Json
    Remove-Item $resultPath -ErrorAction SilentlyContinue
    if (-not $r.ok) { throw "The $Kind run failed: $($r.error) $($stderr.Result)" }
    $r
}

function Invoke-CurlRun([string] $Destination, [int] $Parallel) {
    <# curl --parallel over fresh base URLs (=d / =dv), N transfers at a time, as the practical limit of machine + server. #>
    Remove-Folder $Destination
    New-Item -ItemType Directory -Force $Destination | Out-Null
    $items = @(Get-GPhotosMediaItem)
    $config = Join-Path $WorkFolder 'curl.config'
    $sb = [System.Text.StringBuilder]::new()
    $i = 0
    foreach ($it in $items) {
        $i++
        $suffix = if ($it.IsVideo) { '=dv' } else { '=d' }
        $ext = if ($it.IsVideo) { '.mp4' } else { '.jpg' }
        [void]$sb.AppendLine("url = `"$($it.BaseUrl)$suffix`"")
        [void]$sb.AppendLine("output = `"$(Join-Path $Destination ('{0:D6}{1}' -f $i, $ext))`"")
    }
    [IO.File]::WriteAllText($config, $sb.ToString())
    $timeFile = Join-Path $WorkFolder 'curl.time'
    Invoke-Control 'counters' Delete | Out-Null
    Sync-Disk
    $emu0 = Get-EmulatorCpu
    $sw = [Diagnostics.Stopwatch]::StartNew()
    # GNU time reports curl's CPU and peak RSS; --fail makes an HTTP error an exit code; --no-progress-meter because
    # curl 7.x still draws the parallel progress meter with --silent when the transfers come from --config.
    $curlArgs = @('--parallel', '--parallel-max', $Parallel, '--fail', '--no-progress-meter', '--show-error', '--config', $config)
    if ($GnuTime) { & $GnuTime -f '%U %S %M' -o $timeFile $Curl @curlArgs } else { & $Curl @curlArgs }
    $exit = $LASTEXITCODE
    $sw.Stop()
    $emuCpu = (Get-EmulatorCpu) - $emu0
    if ($exit -ne 0) { throw "curl failed with exit code $exit." }
    $t = if ($GnuTime) { (Get-Content $timeFile | Select-Object -Last 1) -split ' ' } else { @([double]::NaN, 0, 0) }
    [pscustomobject]@{
        elapsedSeconds = $sw.Elapsed.TotalSeconds; cpuSeconds = [double]$t[0] + [double]$t[1]; peakWorkingSet = [long]$t[2] * 1024
        emulatorCpuSeconds = $emuCpu; count = $items.Count; mediaRequests = (Invoke-Control 'counters').requests.media
    }
}

function Add-Row([string] $Phase, [string] $Measurement, [string] $Value, [string] $Baseline, $Ratio, [string] $Target, $Pass, [string] $Note = '') {
    $script:Rows.Add([pscustomobject][ordered]@{
            Phase = $Phase; Measurement = $Measurement; Value = $Value; Baseline = $Baseline
            Ratio = if ($null -eq $Ratio) { '' } elseif ($Ratio -is [string]) { $Ratio } else { '{0:0.00}' -f $Ratio }
            Target = $Target; Result = if ($null -eq $Pass) { 'info' } elseif ($Pass) { 'PASS' } else { 'MISS' }; Note = $Note
        })
}

function Add-EmulatorRow([string] $Phase, [string] $What, $Run, $BaselineRun, [string] $BaselineName) {
    # The emulator is not what limits GPhotos while it uses less than one of the cores during GPhotos' run (it serves
    # requests in parallel). The baseline's share is shown for comparison only: a minimal client is meant to find
    # the server's limit.
    $share = $Run.emulatorCpuSeconds / ($Run.elapsedSeconds * $Cores)
    $baseline = ''
    if ($BaselineRun) {
        $baseline = '{0} {1:0}%' -f $BaselineName, (100 * $BaselineRun.emulatorCpuSeconds / ($BaselineRun.elapsedSeconds * $Cores))
    }
    Add-Row $Phase "emulator CPU share, $What" ('{0:0}%' -f (100 * $share)) $baseline $null ('< {0:0}% (one core)' -f (100 / $Cores)) ($share -lt 1 / $Cores) `
        ('emulator CPU {0:0.00} s in {1:0.00} s' -f $Run.emulatorCpuSeconds, $Run.elapsedSeconds)
}

function Format-MB([double] $Bytes) { '{0:N1} MB' -f ($Bytes / 1e6) }  # MB = 10^6 bytes throughout

function Write-ResultTable($Rows) {
    # Fixed columns, no wrapping (Format-Table wraps to a narrow width when the output is redirected).
    $cols = 'Phase', 'Measurement', 'Value', 'Baseline', 'Ratio', 'Target', 'Result'
    $width = @{}
    foreach ($c in $cols) { $width[$c] = [Math]::Max($c.Length, ($Rows | ForEach-Object { "$($_.$c)".Length } | Measure-Object -Maximum).Maximum) }
    $line = { param($values) ($cols | ForEach-Object { "$($values[$_])".PadRight($width[$_]) }) -join ' | ' }
    $header = @{}; foreach ($c in $cols) { $header[$c] = $c }
    $rule = @{}; foreach ($c in $cols) { $rule[$c] = '-' * $width[$c] }
    Write-Host (& $line $header)
    Write-Host (& $line $rule)
    foreach ($r in $Rows) {
        $color = switch ($r.Result) { 'PASS' { 'Green' } 'MISS' { 'Yellow' } default { 'Gray' } }
        $values = @{}; foreach ($c in $cols) { $values[$c] = $r.$c }
        Write-Host (& $line $values) -ForegroundColor $color
    }
}
function Format-Share($Run) {
    # The emulator's CPU as a share of the machine during the run (1.0 = all cores busy with the emulator).
    '{0:0}%' -f (100 * $Run.emulatorCpuSeconds / ($Run.elapsedSeconds * $Cores))
}

function Test-SaveRun($Run, [int] $Count, [string] $Destination, [long] $ExpectedBytes, [string] $What) {
    $disk = Measure-Folder $Destination
    $saved = if ($Run.statuses -and $Run.statuses.PSObject.Properties['Saved']) { $Run.statuses.Saved } else { 0 }
    if ($Run.errors -ne 0) { Set-Broken "$What reported $($Run.errors) error(s): $($Run.firstErrors -join ' | ')" }
    if ($saved -ne $Count) { Set-Broken "$What saved $saved of $Count items." }
    if ($disk.Files -ne $Count -or $disk.Bytes -ne $ExpectedBytes) { Set-Broken "$What left $($disk.Files) files / $($disk.Bytes) bytes on disk, expected $Count / $ExpectedBytes." }
}

function Test-FolderRun([string] $Destination, [int] $Count, [long] $ExpectedBytes, [string] $What) {
    $disk = Measure-Folder $Destination
    if ($disk.Files -ne $Count -or $disk.Bytes -ne $ExpectedBytes) { Set-Broken "$What left $($disk.Files) files / $($disk.Bytes) bytes on disk, expected $Count / $ExpectedBytes." }
}

# ------------------------------------------------------------------------------------------------ phases

function Invoke-DownloadPhase([string] $Name, [int] $PhotoCount, [int] $VideoCount, [string] $Root = $DownloadRoot, [string] $Where = '', [switch] $Diagnostic, [int] $Runs = $Repeat) {
    $n = $PhotoCount + $VideoCount
    $what = if ($VideoCount) { "$VideoCount videos of $('{0:N0} MB' -f ($VideoSize / 1e6))" } else { "$PhotoCount photos of $('{0:N0} KB' -f ($PhotoSize / 1000))" }
    $what += $Where
    Write-Step "Download: $what (Save at defaults vs curl --parallel-max $Throttle), $Runs run(s) each, alternating"
    Reset-Library -PhotoCount $PhotoCount -VideoCount $VideoCount
    $expected = Get-ExpectedBytes
    $curlDest = Join-Path $Root "$Name-curl"
    $saveDest = Join-Path $Root "$Name-save"
    $curlRuns = @(); $saveRuns = @()
    for ($r = 1; $r -le $Runs; $r++) {
        $c = Invoke-CurlRun -Destination $curlDest -Parallel $Throttle
        Test-FolderRun $curlDest $n $expected "curl ($Name)"
        # Save's promises applied to curl's files (SameGuarantee.ps1): info rows beside the curl rows.
        $c | Add-Member sameGuarantee (Measure-SameGuarantee $curlDest)
        Remove-Folder $curlDest
        $curlRuns += $c

        Remove-Folder $saveDest
        Invoke-Control 'counters' Delete | Out-Null
        $s = Invoke-Child 'Save' @{ Destination = $saveDest }
        Test-SaveRun $s $n $saveDest $expected "Save ($Name)"
        $s | Add-Member mediaRequests (Invoke-Control 'counters').requests.media
        Remove-Folder $saveDest
        $saveRuns += $s
        Write-Step ("  run {0}: curl {1:0.00} s, Save {2:0.00} s (peak +{3})" -f $r, $c.elapsedSeconds, $s.elapsedSeconds, (Format-MB $s.peakAboveIdle))
    }
    $script:Runs["$Name.curl"] = $curlRuns
    $script:Runs["$Name.save"] = $saveRuns
    $curlT = Get-Median $curlRuns.elapsedSeconds
    $saveT = Get-Median $saveRuns.elapsedSeconds
    $curlMBs = $expected / 1e6 / $curlT
    $saveMBs = $expected / 1e6 / $saveT
    $sMed = Get-MedianRun $saveRuns
    $cMed = Get-MedianRun $curlRuns
    Add-Row "1 download" "Save throughput, $what" ('{0:N0} MB/s' -f $saveMBs) ('curl {0:N0} MB/s' -f $curlMBs) ($saveMBs / $curlMBs) `
        $(if ($Diagnostic) { '(diagnostic)' } else { '>= 0.90x curl' }) $(if ($Diagnostic) { $null } else { ($saveMBs / $curlMBs) -ge 0.9 }) `
        ("Save {0:0.00} s vs curl {1:0.00} s; CPU Save {2:0.0} s vs curl {3:0.0} s; emulator share {4} vs {5}" -f $saveT, $curlT,
        (Get-Median $saveRuns.cpuSeconds), (Get-Median $curlRuns.cpuSeconds), (Format-Share $sMed), (Format-Share $cMed))
    Add-EmulatorRow "1 download" "while saving $what" $sMed $cMed 'curl'
    Add-SameGuaranteeRows $what $curlRuns $saveRuns $expected
    [pscustomobject]@{ Save = $saveRuns; Curl = $curlRuns; Expected = $expected }
}

function Invoke-NaivePhase {
    Write-Step "Against the users' script: $NaivePhotos photos, $LatencyMs ms latency per request, $Repeat run(s) each"
    Reset-Library -PhotoCount $NaivePhotos -Latency $LatencyMs
    $expected = Get-ExpectedBytes
    $naiveDest = Join-Path $DownloadRoot 'naive-loop'
    $saveDest = Join-Path $DownloadRoot 'naive-save'
    $naiveRuns = @(); $saveRuns = @()
    try {
        for ($r = 1; $r -le $Repeat; $r++) {
            Remove-Folder $naiveDest
            $nr = Invoke-Child 'Naive' @{ Destination = $naiveDest }
            Test-FolderRun $naiveDest $NaivePhotos $expected 'Invoke-WebRequest loop'
            Remove-Folder $naiveDest
            $naiveRuns += $nr

            Remove-Folder $saveDest
            $s = Invoke-Child 'Save' @{ Destination = $saveDest }
            Test-SaveRun $s $NaivePhotos $saveDest $expected 'Save (latency)'
            Remove-Folder $saveDest
            $saveRuns += $s
            Write-Step ("  run {0}: loop {1:0.00} s, Save {2:0.00} s" -f $r, $nr.elapsedSeconds, $s.elapsedSeconds)
        }
    }
    finally { Invoke-Control 'latency' Post @{ ms = 0 } | Out-Null }
    $script:Runs['naive.loop'] = $naiveRuns
    $script:Runs['naive.save'] = $saveRuns
    $naiveT = Get-Median $naiveRuns.elapsedSeconds
    $saveT = Get-Median $saveRuns.elapsedSeconds
    $floor = $NaivePhotos * $LatencyMs / 1000 / $Throttle
    Add-Row '2 vs script' "Save, $NaivePhotos photos, $LatencyMs ms latency" ('{0:0.00} s' -f $saveT) ('IWR loop {0:0.00} s' -f $naiveT) ($naiveT / $saveT) '>= 5x faster' (($naiveT / $saveT) -ge 5) `
        ("speed-up; latency floor at $Throttle parallel: {0:0.00} s, sequential: {1:0.00} s" -f $floor, ($NaivePhotos * $LatencyMs / 1000))
    Add-EmulatorRow '2 vs script' 'Save with latency' (Get-MedianRun $saveRuns) (Get-MedianRun $naiveRuns) 'IWR loop'
}

function Invoke-ListPhase {
    Write-Step "Listing: $ListItems items, $Repeat run(s)"
    $sw = [Diagnostics.Stopwatch]::StartNew()
    Reset-Library -PhotoCount $ListItems -Size 2048
    Write-Step ("  library of $ListItems generated in {0:0.0} s" -f $sw.Elapsed.TotalSeconds)
    $pages = [Math]::Ceiling($ListItems / 100)
    $runs = @(); $floorRuns = @()
    for ($r = 1; $r -le $Repeat; $r++) {
        if ($Python) {
            # The floor: the same sequential page requests from a minimal client (list-floor.py).
            $emu0 = Get-EmulatorCpu
            $f = & $Python (Join-Path $PSScriptRoot 'list-floor.py') $Emu.Url $script:Token | ConvertFrom-Json
            if ($LASTEXITCODE -ne 0 -or $f.items -ne $ListItems) { Set-Broken "list-floor.py listed $($f.items) items (exit $LASTEXITCODE), expected $ListItems." }
            $f | Add-Member emulatorCpuSeconds ((Get-EmulatorCpu) - $emu0)
            $floorRuns += $f
        }
        Invoke-Control 'counters' Delete | Out-Null
        $l = Invoke-Child 'List'
        $l | Add-Member listRequests (Invoke-Control 'counters').requests.'library.list'
        if ($l.count -ne $ListItems) { Set-Broken "Listing returned $($l.count) items, expected $ListItems." }
        $runs += $l
        Write-Step ("  run {0}: {1:0.00} s, {2:N0} items/s, {3} list requests, peak +{4}, emulator share {5}" -f $r, $l.elapsedSeconds, ($ListItems / $l.elapsedSeconds), $l.listRequests, (Format-MB $l.peakAboveIdle), (Format-Share $l))
    }
    $first = Invoke-Child 'FirstItem'
    $script:Runs['list'] = $runs
    $script:Runs['list.floor'] = $floorRuns
    $script:Runs['list.firstItem'] = $first
    $t = Get-Median $runs.elapsedSeconds
    $med = Get-MedianRun $runs
    $requests = @($runs.listRequests | Sort-Object -Unique)
    $peak = Get-Median $runs.peakAboveIdle
    $floorT = if ($floorRuns) { Get-Median $floorRuns.elapsedSeconds } else { [double]::NaN }
    $floorMed = Get-MedianRun $floorRuns
    Add-Row '3 listing' "Get-GPhotosMediaItem | Measure-Object, $ListItems items" ('{0:N0} items/s' -f ($ListItems / $t)) `
        $(if ($floorRuns) { 'minimal client {0:N0} items/s' -f ($ListItems / $floorT) } else { 'python3 not found' }) $(if ($floorRuns) { $floorT / $t } else { $null }) '' $null `
        ("{0:0.00} s vs {1:0.00} s; client CPU {2:0.0} s; emulator share {3} (minimal client: {4})" -f $t, $floorT, (Get-Median $runs.cpuSeconds), (Format-Share $med), $(if ($floorMed) { Format-Share $floorMed } else { '-' }))
    Add-EmulatorRow '3 listing' 'listing' $med $floorMed 'minimal client'
    Add-Row '3 listing' 'list requests' ($requests -join '/') "ceil(n/100) = $pages" ([double]$requests[-1] / $pages) "= $pages (0 extra)" ($requests.Count -eq 1 -and $requests[0] -eq $pages)
    Add-Row '3 listing' 'peak working set above idle' (Format-MB $peak) '' $null '< 50 MB' ($peak -lt 50e6) ("GC gen0/1/2: {0}" -f ($med.gcCollections -join '/'))
    Add-Row '3 listing' 'list requests made when the first item is out' "$($first.listRequestsAtFirstItem)" '' $null '1 (before page 2)' ($first.listRequestsAtFirstItem -eq 1)
}

function Invoke-IncrementalPhase {
    Write-Step "Incremental: $IncrementalItems items saved once, then again ($Repeat run(s)) vs pure listing"
    Reset-Library -PhotoCount $IncrementalItems -Size $IncrementalPhotoSize
    $expected = Get-ExpectedBytes
    $dest = Join-Path $DownloadRoot 'incremental'
    Remove-Folder $dest
    $initial = Invoke-Child 'SaveAll' @{ Destination = $dest } -TimeoutSeconds 900
    Test-SaveRun $initial $IncrementalItems $dest $expected 'Save (first run of the incremental phase)'
    Write-Step ("  first save: {0:0.0} s ({1:N0} items/s)" -f $initial.elapsedSeconds, ($IncrementalItems / $initial.elapsedSeconds))
    $listRuns = @(); $againRuns = @()
    for ($r = 1; $r -le $Repeat; $r++) {
        $l = Invoke-Child 'List'
        if ($l.count -ne $IncrementalItems) { Set-Broken "Listing returned $($l.count) items, expected $IncrementalItems." }
        $listRuns += $l
        Invoke-Control 'counters' Delete | Out-Null
        $s = Invoke-Child 'SaveAll' @{ Destination = $dest }
        $s | Add-Member mediaRequests (Invoke-Control 'counters').requests.media
        $skipped = if ($s.statuses -and $s.statuses.PSObject.Properties['Skipped']) { $s.statuses.Skipped } else { 0 }
        if ($s.errors -ne 0 -or $skipped -ne $IncrementalItems) { Set-Broken "The re-run skipped $skipped of $IncrementalItems items with $($s.errors) error(s)." }
        $againRuns += $s
        Write-Step ("  run {0}: listing {1:0.00} s, re-run {2:0.00} s, {3} media requests" -f $r, $l.elapsedSeconds, $s.elapsedSeconds, $s.mediaRequests)
    }
    Test-FolderRun $dest $IncrementalItems $expected 'the incremental destination'
    Remove-Folder $dest
    $script:Runs['incremental.first'] = $initial
    $script:Runs['incremental.list'] = $listRuns
    $script:Runs['incremental.again'] = $againRuns
    $lt = Get-Median $listRuns.elapsedSeconds
    $st = Get-Median $againRuns.elapsedSeconds
    $media = ($againRuns.mediaRequests | Measure-Object -Maximum).Maximum
    Add-Row '4 incremental' "re-run of $IncrementalItems saved items" ('{0:0.00} s' -f $st) ('listing {0:0.00} s' -f $lt) ($st / $lt) '<= 1.5x listing' (($st / $lt) -le 1.5) `
        ("first save {0:0.0} s; re-run CPU {1:0.0} s vs listing {2:0.0} s" -f $initial.elapsedSeconds, (Get-Median $againRuns.cpuSeconds), (Get-Median $listRuns.cpuSeconds))
    Add-Row '4 incremental' 'media requests in the re-run' "$media" '' $null '0' ($media -eq 0)
    Add-EmulatorRow '4 incremental' 're-run' (Get-MedianRun $againRuns) (Get-MedianRun $listRuns) 'listing'
}

# ------------------------------------------------------------------------------------------------ main

$machine = [ordered]@{
    cores = $Cores
    cpu = ((Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '^model name\s*:\s*', '')
    memoryGB = [Math]::Round((((Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Select-Object -First 1) -replace '\D', '') -as [double]) / 1MB, 1)
    os = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
    dotnet = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    pwsh = $PSVersionTable.PSVersion.ToString()
    curl = ((& $Curl --version) | Select-Object -First 1)
    loadAtStart = Get-LoadAverage
    commit = try { (& git -C $PSScriptRoot describe --always --dirty 2>$null) } catch { $null }
}
Write-Host "GPhotos benchmarks on $($machine.cores) cores ($($machine.cpu)), load $($machine.loadAtStart)" -ForegroundColor Cyan
$settle = [Diagnostics.Stopwatch]::StartNew()
while ([double]((Get-LoadAverage) -split ' ')[0] -ge 1.0 -and $settle.Elapsed.TotalSeconds -lt $SettleSeconds) { Start-Sleep -Seconds 5 }
if ($settle.Elapsed.TotalSeconds -ge 5) {
    Write-Host ("Waited {0:0} s for the machine to settle: load {1}" -f $settle.Elapsed.TotalSeconds, (Get-LoadAverage))
}
$machine.settledSeconds = [Math]::Round($settle.Elapsed.TotalSeconds)
$machine.loadAtStart = Get-LoadAverage
if ([double](($machine.loadAtStart -split ' ')[0]) -ge 1.0) {
    Write-Host 'The machine is busy (load >= 1.0): ratios will be noisy. Take numbers for docs/benchmarks.md when it is quiet.' -ForegroundColor Yellow
}

# Everything of earlier runs goes, except the generated inputs of the Scale phase (cache/, keyed by parameters).
New-Item -ItemType Directory -Force $WorkFolder | Out-Null
Get-ChildItem -LiteralPath $WorkFolder -Force | Where-Object Name -NE 'cache' | Remove-Item -Recurse -Force

$Emu = Start-Emulator
$emuCpuStart = Get-EmulatorCpu
try {
    $env:GPHOTOS_EMULATOR_HOST = $Emu.HostPort
    Import-Module $ModulePath
    # Save's default ThrottleLimit, from the engine itself (GPhotos.Core loads on first use: connect first).
    $script:Token = (Invoke-Control 'tokens' Post @{ scopes = @('https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata') }).accessToken
    Connect-GPhotos -AccessToken $script:Token | Out-Null
    $Throttle = [int]([System.AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'GPhotos.Core' })[0].
        GetType('GPhotos.Saving.SaveOptions', $true).GetField('DefaultThrottleLimit').GetValue($null))
    $machine.saveDefaultThrottleLimit = $Throttle

    foreach ($ph in $Phase) {
        try {
            switch ($ph) {
                'Photos' {
                    $null = Invoke-DownloadPhase -Name 'photos' -PhotoCount $Photos -VideoCount 0 -Runs $PhotoRepeat
                    $sr = $script:Runs['photos.save']
                    Add-Row '5 memory' "peak working set above idle, saving $Photos photos" (Format-MB (Get-Median $sr.peakAboveIdle)) '' $null '' $null
                }
                'PhotosTmpfs' {
                    if (-not (Test-Path /dev/shm)) { Write-Step 'No /dev/shm: the tmpfs diagnostic is skipped.'; break }
                    $shm = "/dev/shm/gphotos-bench-$PID"
                    try { $null = Invoke-DownloadPhase -Name 'photos-tmpfs' -PhotoCount $Photos -VideoCount 0 -Root $shm -Where ' on tmpfs' -Diagnostic }
                    finally { Remove-Folder $shm }
                }
                'Videos' {
                    $null = Invoke-DownloadPhase -Name 'videos' -PhotoCount 0 -VideoCount $Videos
                    $sr = $script:Runs['videos.save']
                    $peak = Get-Median $sr.peakAboveIdle
                    Add-Row '5 memory' "peak working set above idle, saving $Videos videos of $('{0:N0} MB' -f ($VideoSize / 1e6))" (Format-MB $peak) ("{0:N0} MB downloaded" -f ($Videos * $VideoSize / 1e6)) $null '< 100 MB' ($peak -lt 100e6) `
                        ('max of runs {0}; working set at the end +{1}' -f (Format-MB ($sr.peakAboveIdle | Measure-Object -Maximum).Maximum), (Format-MB (Get-Median ($sr | ForEach-Object { $_.endWorkingSet - $_.idleWorkingSet }))))
                }
                'Naive' { Invoke-NaivePhase }
                'List' { Invoke-ListPhase }
                'Incremental' { Invoke-IncrementalPhase }
                'FileCost' { Invoke-FileCostPhase }
                'Verify' { Invoke-VerifyPhase }
                'Scale' { Invoke-ScalePhase }
                'Drive' { Invoke-DrivePhase }
            }
        }
        catch {
            Set-Broken "Phase $ph failed: $($_.Exception.Message)"
        }
    }
}
finally {
    $emuCpuTotal = (Get-EmulatorCpu) - $emuCpuStart
    Stop-Emulator $Emu
    Get-ChildItem $WorkFolder -Filter 'curl.*' -ErrorAction SilentlyContinue | Remove-Item -ErrorAction SilentlyContinue
}

$machine.loadAtEnd = Get-LoadAverage
$machine.benchSeconds = [Math]::Round($benchClock.Elapsed.TotalSeconds, 1)
Write-Host ''
$script:Rows = @($script:Rows | Sort-Object -Stable Phase)
Write-ResultTable $script:Rows
foreach ($row in $script:Rows | Where-Object Note) { Write-Host "  $($row.Measurement): $($row.Note)" -ForegroundColor DarkGray }
Write-Host ("Load at start {0}, at end {1}; {2:0} s; emulator CPU {3:0.0} s in all." -f $machine.loadAtStart, $machine.loadAtEnd, $benchClock.Elapsed.TotalSeconds, $emuCpuTotal)

$json = [ordered]@{
    generated = [DateTime]::UtcNow.ToString('o')
    machine = $machine
    settings = [ordered]@{ repeat = $Repeat; photos = $Photos; photoSize = $PhotoSize; videos = $Videos; videoSize = $VideoSize; naivePhotos = $NaivePhotos; latencyMs = $LatencyMs; listItems = $ListItems; incrementalItems = $IncrementalItems; phases = $Phase; photoRepeat = $PhotoRepeat; scaleItems = $ScaleItems; scaleParts = $ScaleParts; scaleSeed = $ScaleSeed; scaleRepeat = $ScaleRepeat }
    results = $script:Rows
    broken = $script:Broken
    runs = $script:Runs
}
$json | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $WorkFolder 'results.json')
Write-Host "Results: $(Join-Path $WorkFolder 'results.json')"

if ($script:Broken.Count) {
    Write-Host "The benchmark itself broke ($($script:Broken.Count) problem(s)); numbers above are not trustworthy." -ForegroundColor Red
    exit 1
}
exit 0
