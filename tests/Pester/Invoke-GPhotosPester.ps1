<#
.SYNOPSIS
    Runs the Pester suite in this (child) pwsh against the built module. Called by build.ps1 -Task Test.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [string] $Filter = ($env:GPHOTOS_PESTER_FILTER ? $env:GPHOTOS_PESTER_FILTER : '*'),
    [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

# The test files find the module and the emulator through these.
$env:GPHOTOS_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:GPHOTOS_TEST_EMULATOR = (Resolve-Path $EmulatorPath).Path
# Retries wait a hundredth of Google's delays, so fault tests take milliseconds, not minutes.
$env:GPHOTOS_RETRY_DELAY_SCALE = '0.01'

$config = New-PesterConfiguration
$config.Run.Path = @(Get-ChildItem $PSScriptRoot -Filter "$Filter.Tests.ps1" | ForEach-Object FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Should.ErrorAction = 'Continue'
$result = Invoke-Pester -Configuration $config

if ($SummaryPath) {
    [pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount } |
        ConvertTo-Json | Set-Content -Path $SummaryPath
}
exit ([int]($result.Result -ne 'Passed'))
