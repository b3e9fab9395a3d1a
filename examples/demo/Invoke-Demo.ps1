<#
.SYNOPSIS
    build.ps1 -Task Demo: GPhotos doing its main job against the local emulator.
.DESCRIPTION
    Starts the Google Photos emulator with a generated sample library, imports the built module, connects with a
    token the emulator minted (no browser needed), runs the card's pipeline
        Get-GPhotosMediaItem | Where-Object IsVideo | Save-GPhotosMediaItem -Path <dir>
    and shows what landed on disk. A second run shows the incremental index at work.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $Destination
)
$ErrorActionPreference = 'Stop'

$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @($EmulatorPath, '--port', '0', '--parent-pid', $PID)) { $psi.ArgumentList.Add([string]$a) }
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$emulator = [System.Diagnostics.Process]::Start($psi)
try {
    $url = $null
    while (-not $url) {
        $line = $emulator.StandardOutput.ReadLine()
        if ($null -eq $line) { throw 'The emulator exited before reporting its address.' }
        if ($line -match '^EMULATOR_URL=(.+)$') { $url = $Matches[1].TrimEnd('/') }
    }
    $null = $emulator.StandardOutput.ReadToEndAsync()
    Write-Host "Emulator with a sample library at $url" -ForegroundColor Cyan

    # Every Google endpoint now goes to the emulator, with Google's own paths.
    $env:GPHOTOS_EMULATOR_HOST = ([uri]$url).Authority
    Import-Module $ModulePath -Force

    $token = Invoke-RestMethod -Method Post -Uri "$url/__emulator/tokens" -ContentType 'application/json' -Body (@{
            scopes = @('https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata', 'https://www.googleapis.com/auth/photospicker.mediaitems.readonly')
        } | ConvertTo-Json)
    Connect-GPhotos -AccessToken $token.accessToken

    if (Test-Path $Destination) { Remove-Item $Destination -Recurse -Force }

    Write-Host "`nThe library, as typed objects:" -ForegroundColor Cyan
    Get-GPhotosMediaItem | Select-Object -First 8 | Format-Table | Out-Host

    Write-Host "PS> Get-GPhotosMediaItem | Where-Object IsVideo | Save-GPhotosMediaItem -Path $Destination" -ForegroundColor Yellow
    Get-GPhotosMediaItem | Where-Object IsVideo | Save-GPhotosMediaItem -Path $Destination -WarningAction Continue | Format-Table | Out-Host

    Write-Host "What landed on disk:" -ForegroundColor Cyan
    Get-ChildItem $Destination -File | Select-Object Name, Length, LastWriteTime | Format-Table | Out-Host

    Write-Host "Run it again: the index in $Destination/.gphotos makes it skip everything already saved." -ForegroundColor Cyan
    $again = Get-GPhotosMediaItem | Where-Object IsVideo | Save-GPhotosMediaItem -Path $Destination -WarningAction SilentlyContinue
    $again | Group-Object Status | Select-Object Name, Count | Format-Table | Out-Host
}
finally {
    try { $emulator.StandardInput.Close() } catch {}
    if (-not $emulator.WaitForExit(5000)) { $emulator.Kill() }
}
