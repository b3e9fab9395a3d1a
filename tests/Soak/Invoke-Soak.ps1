<#
.SYNOPSIS
    The long soak: a seeded randomized fault run over a few thousand mixed items, killed once part-way and run
    again, then checked (nothing lost, nothing partial, index = disk, errors reported, requests within a bound).
.DESCRIPTION
    Called by build.ps1 -Task Soak (which prints the seed first). Replays with the same -Seed: same library, same
    fault sequence, same kill point and token-expiry period (the interleaving of parallel requests still varies).
    Exit code 0 when every invariant held, 1 otherwise. See tests/Soak/Soak.psm1.
.EXAMPLE
    dotnet pwsh tests/Soak/Invoke-Soak.ps1 -ModulePath out/GPhotos/GPhotos.psd1 -EmulatorPath out/emulator/GPhotos.Emulator.dll -WorkFolder out/soak -Seed 42 -Items 3000
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $WorkFolder,
    [int] $Seed = 0,
    [int] $Items = 3000,
    # Fault probability per Library API / base URL request (the driver adds expired URLs and 401s at p/8 each).
    [double] $Probability = 0.1,
    # Where the result goes as JSON (default: <WorkFolder>.summary.json).
    [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Soak.psm1') -Force
if ($Seed -eq 0) { $Seed = Get-Random -Minimum 1 -Maximum 1000000 }
Write-Host "Soak seed: $Seed, $Items items, fault probability $Probability (replay: -Seed $Seed -Items $Items)"
Write-Host 'Children run with GPHOTOS_RETRY_DELAY_SCALE=0.01: every retry delay is a hundredth of Google''s (30 s after a 429 becomes 0.3 s).'

$result = Invoke-GPhotosSoak -ModulePath $ModulePath -EmulatorPath $EmulatorPath -WorkFolder $WorkFolder -Seed $Seed -Items $Items -Probability $Probability -DelayScale '0.01' `
    -Log { param($m) Write-Host ("[{0:HH:mm:ss}] {1}" -f (Get-Date), $m) }
Format-SoakSummary $result | ForEach-Object { Write-Host $_ }

if (-not $SummaryPath) { $SummaryPath = ($WorkFolder.TrimEnd('/', '\')) + '.summary.json' }
[pscustomobject]@{
    seed = $result.Seed; items = $result.Items; probability = $result.Probability; passed = $result.Passed
    seconds = [Math]::Round($result.Elapsed.TotalSeconds, 1)
    mediaRequests = $result.MediaRequests; idealMediaRequests = $result.IdealMediaRequests; mediaBound = $result.MediaBound
    faultsInjected = $result.Counters.Faults; requests = $result.Counters.Requests
    runs = @($result.Runs | ForEach-Object {
            [pscustomobject]@{ name = $_.Name; killed = $_.Killed; hung = $_.Hung; exitCode = $_.ExitCode; seconds = [Math]::Round($_.Elapsed.TotalSeconds, 1)
                tempFilesAtKill = $_.TempFilesAtKill; indexLinesAtKill = $_.IndexLinesAtKill; tokenExpiries = $_.TokenExpiries; scheduledFaults = $_.ScheduledFaults
                errors = @($_.Events | Where-Object kind -EQ 'error' | Select-Object id, errorId, message) }
        })
    checks = @($result.Checks | Select-Object Name, Passed, Detail, Problems)
} | ConvertTo-Json -Depth 6 | Set-Content -Path $SummaryPath
Write-Host "Summary: $SummaryPath"
exit ([int](-not $result.Passed))
