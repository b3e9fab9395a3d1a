<#
.SYNOPSIS
    Save's CPU per file, A/B: builds of the module compared in alternating runs against one emulator.
.DESCRIPTION
    A diagnostic for a loaded machine, where wall time is noise: each run is BenchChild.ps1's 'Save' (a fresh pwsh,
    items listed first, then $items | Save-GPhotosMediaItem), and what counts is the CPU time of that process during
    the save (user + system) and the bytes it allocated, per file. Modules are run in turn (A, B, A, B, ...) so load
    changes hit both alike; medians are printed.
.EXAMPLE
    dotnet pwsh tests/Benchmarks/diagnostics/SaveCpu.ps1 -ModulePath out/GPhotos/GPhotos.psd1, ../base/out/GPhotos/GPhotos.psd1 -Runs 5
#>
param(
    [Parameter(Mandatory)] [string[]] $ModulePath,
    [string] $EmulatorPath = (Join-Path $PSScriptRoot '../../../out/emulator/GPhotos.Emulator.dll'),
    [string] $WorkFolder = (Join-Path $PSScriptRoot '../../../out/savecpu'),
    [int] $Photos = 2000,
    [long] $PhotoSize = 300000,
    [int] $Videos = 0,
    [long] $VideoSize = 50000000,
    [int] $Runs = 5,
    # SaveAll: the incremental re-run (Get | Save into a destination saved once before, untimed).
    [ValidateSet('Save', 'SaveAll')] [string] $Kind = 'Save',
    # A command line the child runs under, e.g. 'perf','record','-g','-o','save.data','--' for a CPU profile
    # (set DOTNET_PerfMapEnabled=1 so perf can name jitted frames).
    [string[]] $Wrap = @()
)

$ErrorActionPreference = 'Stop'
$Wrap = @($Wrap -split "," | Where-Object { $_ })
$ModulePath = @($ModulePath -split ',' | ForEach-Object { (Resolve-Path $_.Trim()).Path })
$EmulatorPath = (Resolve-Path $EmulatorPath).Path
$WorkFolder = [IO.Path]::GetFullPath($WorkFolder)
New-Item -ItemType Directory -Force $WorkFolder | Out-Null
$ChildScript = (Resolve-Path (Join-Path $PSScriptRoot '../BenchChild.ps1')).Path

function Invoke-Control([string] $Path, [string] $Method = 'Get', $Body) {
    $p = @{ Uri = "$($Emu.Url)/__emulator/$Path"; Method = $Method }
    if ($null -ne $Body) { $p.Body = $Body | ConvertTo-Json -Depth 5 -Compress; $p.ContentType = 'application/json' }
    Invoke-RestMethod @p
}

function Invoke-Child([string] $Module, [string] $Destination) {
    $argsPath = Join-Path $WorkFolder 'child.json'
    $resultPath = Join-Path $WorkFolder 'child.result.json'
    @{ Kind = $Kind; ModulePath = $Module; EmulatorHost = $Emu.HostPort; EmulatorUrl = $Emu.Url; EmulatorPid = $Emu.Process.Id
        AccessToken = $Token; ResultPath = $resultPath; Destination = $Destination } | ConvertTo-Json | Set-Content $argsPath
    Remove-Item $resultPath -ErrorAction SilentlyContinue
    & sync
    $exe = @($Wrap) + @(Join-Path $PSHOME 'pwsh')
    & $exe[0] @($exe | Select-Object -Skip 1) -NoProfile -NonInteractive -File $ChildScript -ArgsPath $argsPath | Out-Null
    $r = Get-Content $resultPath -Raw | ConvertFrom-Json
    if (-not $r.ok) { throw "The run failed: $($r.error)" }
    $r
}

$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($x in @($EmulatorPath, '--port', '0', '--parent-pid', $PID, '--empty')) { $psi.ArgumentList.Add([string]$x) }
$psi.RedirectStandardOutput = $true; $psi.RedirectStandardInput = $true; $psi.UseShellExecute = $false
$p = [System.Diagnostics.Process]::Start($psi)
$url = $null
while (-not $url) { $line = $p.StandardOutput.ReadLine(); if ($null -eq $line) { throw 'no emulator' }; if ($line -match '^EMULATOR_URL=(.+)$') { $url = $Matches[1].Trim().TrimEnd('/') } }
$null = $p.StandardOutput.ReadToEndAsync()
$Emu = [pscustomobject]@{ Url = $url; HostPort = ([uri]$url).Authority; Process = $p }
try {
    $o = @{ photos = $Photos; videos = $Videos; motionPhotos = 0; processingVideos = 0; failedVideos = 0; duplicateNames = 0; hostileNames = 0
        undatedPhotos = 0; favorites = 0; archivedItems = 0; albums = 0; foreignItems = 0; photoSize = $PhotoSize; videoSize = $VideoSize; appCreated = $true; latencyMs = 0 }
    $null = Invoke-Control 'reset' Post $o
    $Token = (Invoke-Control 'tokens' Post @{ scopes = @('https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata') }).accessToken
    $n = $Photos + $Videos
    $results = @{}
    foreach ($m in $ModulePath) { $results[$m] = @() }
    for ($r = 1; $r -le $Runs; $r++) {
        for ($i = 0; $i -lt $ModulePath.Count; $i++) {
            $m = $ModulePath[$i]
            $dest = Join-Path $WorkFolder "dest$i"
            if ($Kind -eq 'Save' -and (Test-Path $dest)) { Remove-Item -Recurse -Force $dest }
            if ($Kind -eq 'SaveAll' -and -not (Test-Path $dest)) { $null = Invoke-Child $m $dest }  # the first save, untimed
            $res = Invoke-Child $m $dest
            $results[$m] += $res
            $load = ((Get-Content /proc/loadavg) -split ' ')[0]
            '{0} run {1}: {2:0.00} s wall, {3:0.00} s CPU ({4:0} us/file), {5:0.0} KB alloc/file, count {6}, load {7}' -f $i, $r, $res.elapsedSeconds, $res.cpuSeconds,
                (1e6 * $res.cpuSeconds / $n), ($res.allocatedBytes / 1e3 / $n), $res.count, $load | Write-Host
        }
    }
    foreach ($i in 0..($ModulePath.Count - 1)) {
        $rs = $results[$ModulePath[$i]]
        $med = { param($v) $s = @($v | Sort-Object); if ($s.Count % 2) { $s[[Math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }
        '{0} {1}: median wall {2:0.00} s, CPU {3:0.00} s = {4:0} us/file, alloc {5:0.0} KB/file' -f $i, $ModulePath[$i], (& $med $rs.elapsedSeconds),
            (& $med $rs.cpuSeconds), (1e6 * (& $med $rs.cpuSeconds) / $n), ((& $med $rs.allocatedBytes) / 1e3 / $n) | Write-Host -ForegroundColor Cyan
    }
}
finally {
    try { $p.StandardInput.Close() } catch {}
    if (-not $p.WaitForExit(5000)) { $p.Kill() }
}
