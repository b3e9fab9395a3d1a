<#
.SYNOPSIS
    What a Library listing keeps alive as it goes: the live managed heap every N/10 items, against the first mark.
.DESCRIPTION
    Starts the emulator with N plain photos, lists them with Get-GPhotosMediaItem in this pwsh and takes
    [GC]::GetTotalMemory($true) (a full collection) every N/10 items. Flat means nothing per item outlives its page;
    a peak working set (BenchChild 'List') also carries the GC's gen0 budget and moves ±10 MB run to run on a busy
    machine, this does not.
.EXAMPLE
    dotnet pwsh tests/Benchmarks/diagnostics/ListRetained.ps1 -Module out/GPhotos/GPhotos.psd1 -N 100000
#>
param(
    [Parameter(Mandatory)] [string] $Module,
    [int] $N = 100000,
    [string] $EmulatorPath = (Join-Path $PSScriptRoot '../../../out/emulator/GPhotos.Emulator.dll')
)
$ErrorActionPreference = 'Stop'
$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($x in @((Resolve-Path $EmulatorPath).Path, '--port', '0', '--parent-pid', $PID, '--empty')) { $psi.ArgumentList.Add([string]$x) }
$psi.RedirectStandardOutput = $true; $psi.RedirectStandardInput = $true; $psi.UseShellExecute = $false
$p = [System.Diagnostics.Process]::Start($psi)
$deadline = [DateTime]::UtcNow.AddSeconds(60)
while ([DateTime]::UtcNow -lt $deadline) { $line = $p.StandardOutput.ReadLine(); if ($null -eq $line) { break }; if ($line -match '^EMULATOR_URL=(.+)$') { $url = $Matches[1].Trim().TrimEnd('/'); break } }
if (-not $url) { $p.Kill(); throw "The emulator did not report its address." }
$null = $p.StandardOutput.ReadToEndAsync()
try {
$o = @{ photos = $N; videos = 0; motionPhotos = 0; processingVideos = 0; failedVideos = 0; duplicateNames = 0; hostileNames = 0; undatedPhotos = 0; favorites = 0; archivedItems = 0; albums = 0; foreignItems = 0; photoSize = 1000; videoSize = 1000; appCreated = $true; latencyMs = 0 }
Invoke-RestMethod -Method Post -Uri "$url/__emulator/reset" -Body ($o | ConvertTo-Json -Compress) -ContentType 'application/json' | Out-Null
$tok = (Invoke-RestMethod -Method Post -Uri "$url/__emulator/tokens" -Body (@{ scopes = @('https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata') } | ConvertTo-Json -Compress) -ContentType 'application/json').accessToken
$env:GPHOTOS_EMULATOR_HOST = ([uri]$url).Authority
Import-Module $Module
Connect-GPhotos -AccessToken $tok | Out-Null
$marks = @{}
Get-GPhotosMediaItem | ForEach-Object -Begin { $i = 0 } -Process { $i++; if ($i % ($N / 10) -eq 0) { $marks[$i] = [GC]::GetTotalMemory($true) } }
$m0 = $marks[$N / 10]
$marks.Keys | Sort-Object | ForEach-Object { '{0,7} items: live managed heap +{1:0.00} MB vs {2} items' -f $_, (($marks[$_] - $m0) / 1MB), ($N / 10) }
}
finally { $p.StandardInput.Close(); if (-not $p.WaitForExit(5000)) { $p.Kill() } }
