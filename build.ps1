#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, demonstrates and measures GPhotos.
.DESCRIPTION
    Tasks:
      Build    dotnet publish, then lay out out/GPhotos as an importable module (checked against an explicit file list)
               and the emulator in out/emulator.
      Test     Build, then xunit (core + emulator), then Pester in a child pwsh against out/GPhotos. Non-zero exit on
               any failure; ends with one summary line "N passed, N failed, N skipped".
      Demo     Build, start the emulator with a sample library, run the card's pipeline against it and show the files.
      Bench    Build, then the benchmarks (docs/benchmarks.md explains them). Not part of Test. -BenchScale 100000,500000
               adds the scale rows (synthetic Takeout and Library of each size; long); -BenchPhase runs only some phases.
      Soak     Build, then the long randomized fault run (seed printed; -Seed replays it).
      Fuzz     The seeded fuzz tests of every parser of outside bytes (xunit classes named *FuzzTests), long:
               -FuzzIterations cases per target (Test runs the same targets with a short fixed-seed run).
      Package  Build, then a .nupkg in out/ that Install-PSResource/Install-Module can install from a folder repository.
      Clean    Remove out/ and every bin/obj folder.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Soak', 'Fuzz', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester: only test files whose name matches (e.g. 'Save*').
    [string] $PesterFilter = '*',

    # Soak: the random seed (printed by every run so a failure can be replayed).
    [int] $Seed = 0,

    # Soak: how many items.
    [int] $SoakItems = 3000,

    # Fuzz: cases per fuzz target (the seed is -Seed, or a random one that is printed).
    [int] $FuzzIterations = 100000,

    # Bench: item counts for the scale rows (e.g. 100000,500000); none by default, which keeps the run at about 4 minutes.
    # Strings split at commas: 'pwsh -File build.ps1 -BenchScale 100000,500000' passes one string, which [int[]] would
    # read as the single number 100000500000.
    [string[]] $BenchScale = @(),

    # Bench: only these phases (Invoke-Benchmarks.ps1 -Phase), e.g. Scale; commas split as for -BenchScale.
    [string[]] $BenchPhase = @()
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'GPhotos'
$EmulatorOut = Join-Path $Out 'emulator'
$PesterVersion = '5.7.1'

# The module as it ships: anything else in out/GPhotos fails the build (and System.Management.Automation.dll never ships).
$ExpectedModuleFiles = @(
    'GPhotos.psd1'
    'GPhotos.dll'
    'GPhotos.Core.dll'
    'GPhotos.Format.ps1xml'
    'en-US/GPhotos.dll-Help.xml'
    'en-US/about_GPhotos.help.txt'
    'Dependencies/Google.Apis.dll'
    'Dependencies/Google.Apis.Auth.dll'
    'Dependencies/Google.Apis.Core.dll'
    'Dependencies/Newtonsoft.Json.dll'
    'Dependencies/ICSharpCode.SharpZipLib.dll'
    # Polyfills that Windows PowerShell 5.1 (.NET Framework 4.7.2) needs; PowerShell 7 has newer copies built in.
    'Dependencies/System.Buffers.dll'
    'Dependencies/System.CodeDom.dll'
    'Dependencies/System.Management.dll'
    'Dependencies/System.Memory.dll'
    'Dependencies/System.Numerics.Vectors.dll'
    'Dependencies/System.Runtime.CompilerServices.Unsafe.dll'
    'Dependencies/System.Threading.Tasks.Extensions.dll'
)

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    Write-Host "> $FilePath $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    $publish = Join-Path $Out 'publish'
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/GPhotos/GPhotos.csproj'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    Invoke-Native dotnet @('build', (Join-Path $Root 'src/GPhotos.Emulator/GPhotos.Emulator.csproj'), '-c', $Configuration, '-o', $EmulatorOut, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')

    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $deps = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'Dependencies')
    $help = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'en-US')
    Copy-Item (Join-Path $Root 'GPhotos.psd1') $ModuleOut
    Copy-Item (Join-Path $Root 'src/GPhotos/GPhotos.Format.ps1xml') $ModuleOut
    foreach ($own in 'GPhotos.dll', 'GPhotos.Core.dll') { Copy-Item (Join-Path $publish $own) $ModuleOut }
    foreach ($dll in Get-ChildItem $publish -Filter *.dll) {
        if ($dll.Name -in 'GPhotos.dll', 'GPhotos.Core.dll') { continue }
        if ($dll.Name -eq 'System.Management.Automation.dll') { throw 'System.Management.Automation.dll must never ship with the module.' }
        Copy-Item $dll.FullName $deps
    }
    & (Join-Path $Root 'docs/tools/Build-Help.ps1') -HelpSource (Join-Path $Root 'docs/help') -OutputFolder $help

    # Check the layout against the explicit list, both ways.
    $actual = Get-ChildItem $ModuleOut -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($ModuleOut, $_.FullName).Replace('\', '/') }
    $missing = $ExpectedModuleFiles | Where-Object { $_ -notin $actual }
    $extra = $actual | Where-Object { $_ -notin $ExpectedModuleFiles }
    if ($missing -or $extra) {
        throw "Module layout differs from the expected file list.`n  missing: $($missing -join ', ')`n  unexpected: $($extra -join ', ')`nUpdate `$ExpectedModuleFiles in build.ps1 only if the change is intended."
    }
    Write-Host "Module laid out in $ModuleOut ($($actual.Count) files)." -ForegroundColor Green
}

function Get-PesterModulePath {
    # Pester comes from NuGet (the PowerShell Gallery is not used): a PackageDownload puts it in the package cache.
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/Pester/Pester.Tools.csproj'), '--nologo', '-v', 'quiet')
    $cache = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $psd1 = Join-Path $cache.Trim() "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) { throw "Pester $PesterVersion was not found at $psd1 after restore." }
    $psd1
}

function Get-TrxCounts([string] $Folder) {
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $Folder -Filter *.trx -ErrorAction SilentlyContinue) {
        $xml = [xml](Get-Content $trx.FullName -Raw)
        $c = $xml.TestRun.ResultSummary.Counters
        $passed += [int]$c.passed; $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; $skipped += [int]$c.total - [int]$c.executed
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Skipped = $skipped }
}

function Invoke-Test {
    $results = Join-Path $Out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $xunitFailed = $false
    foreach ($project in 'tests/GPhotos.Core.Tests', 'tests/GPhotos.Emulator.Tests') {
        & dotnet test (Join-Path $Root $project) -c $Configuration --nologo --logger 'trx' --logger 'console;verbosity=minimal' --results-directory (Join-Path $results 'xunit')
        if ($LASTEXITCODE -ne 0) { $xunitFailed = $true }
    }
    $xunit = Get-TrxCounts (Join-Path $results 'xunit')

    # Pester runs in a child pwsh: an imported binary module stays locked for the life of its process.
    $pester = Get-PesterModulePath
    $summaryFile = Join-Path $results 'pester-summary.json'
    New-Item -ItemType Directory -Force $results | Out-Null
    $runner = Join-Path $Root 'tests/Pester/Invoke-GPhotosPester.ps1'
    # The filter travels in the environment: pwsh expands wildcards in a native command's arguments on Unix.
    $env:GPHOTOS_PESTER_FILTER = $PesterFilter
    & dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterPath $pester -ModulePath (Join-Path $ModuleOut 'GPhotos.psd1') `
        -EmulatorPath (Join-Path $EmulatorOut 'GPhotos.Emulator.dll') -SummaryPath $summaryFile
    $pesterExit = $LASTEXITCODE
    $p = if (Test-Path $summaryFile) { Get-Content $summaryFile -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }

    $passed = $xunit.Passed + $p.Passed
    $failed = $xunit.Failed + $p.Failed
    $skipped = $xunit.Skipped + $p.Skipped
    Write-Host ''
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($p.Passed) passed, $($p.Failed) failed, $($p.Skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($xunitFailed -or $pesterExit -ne 0 -or $failed -gt 0 -or $passed -eq 0) { throw 'Tests failed.' }
}

function Invoke-Demo {
    & dotnet pwsh -NoProfile -File (Join-Path $Root 'examples/demo/Invoke-Demo.ps1') -ModulePath (Join-Path $ModuleOut 'GPhotos.psd1') `
        -EmulatorPath (Join-Path $EmulatorOut 'GPhotos.Emulator.dll') -Destination (Join-Path $Out 'demo')
    if ($LASTEXITCODE -ne 0) { throw 'The demo failed.' }
}

function Invoke-Bench {
    # -File cannot pass arrays (-ScaleItems 1,2 arrives as one string), so the call is an encoded command.
    $q = { param($s) "'" + ($s -replace "'", "''") + "'" }
    $cmd = "& $(& $q (Join-Path $Root 'tests/Benchmarks/Invoke-Benchmarks.ps1')) -ModulePath $(& $q (Join-Path $ModuleOut 'GPhotos.psd1'))" +
        " -EmulatorPath $(& $q (Join-Path $EmulatorOut 'GPhotos.Emulator.dll')) -WorkFolder $(& $q (Join-Path $Out 'bench'))"
    $sizes = @($BenchScale -split ',' | Where-Object { $_.Trim() } | ForEach-Object { [int]$_.Trim() })
    $phases = @($BenchPhase -split ',' | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim() })
    if ($sizes) { $cmd += ' -ScaleItems ' + ($sizes -join ',') }
    if ($phases) { $cmd += ' -Phase ' + (($phases | ForEach-Object { & $q $_ }) -join ',') }
    $cmd += '; exit $LASTEXITCODE'
    # -OutputFormat Text: with -EncodedCommand and redirected output pwsh would otherwise write CLIXML.
    & dotnet pwsh -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand ([Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($cmd)))
    if ($LASTEXITCODE -ne 0) { throw 'The benchmarks failed.' }
}

function Invoke-Soak {
    if ($Seed -eq 0) { $script:Seed = Get-Random -Minimum 1 -Maximum 1000000 }
    Write-Host "Soak seed: $Seed (replay with ./build.ps1 -Task Soak -Seed $Seed)"
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Soak/Invoke-Soak.ps1') -ModulePath (Join-Path $ModuleOut 'GPhotos.psd1') `
        -EmulatorPath (Join-Path $EmulatorOut 'GPhotos.Emulator.dll') -WorkFolder (Join-Path $Out 'soak') -Seed $Seed -Items $SoakItems
    if ($LASTEXITCODE -ne 0) { throw "The soak run failed (seed $Seed)." }
}

function Invoke-Fuzz {
    if ($Seed -eq 0) { $script:Seed = Get-Random -Minimum 1 -Maximum 1000000 }
    Write-Host "Fuzz seed: $Seed, $FuzzIterations cases per target (replay with ./build.ps1 -Task Fuzz -Seed $Seed)"
    $env:GPHOTOS_FUZZ_SEED = "$Seed"; $env:GPHOTOS_FUZZ_ITERATIONS = "$FuzzIterations"
    try {
        & dotnet test (Join-Path $Root 'tests/GPhotos.Core.Tests') -c $Configuration --nologo --filter 'FullyQualifiedName~FuzzTests' --logger 'console;verbosity=normal'
        if ($LASTEXITCODE -ne 0) { throw "Fuzzing found a failure (seed $Seed)." }
    }
    finally { Remove-Item Env:GPHOTOS_FUZZ_SEED, Env:GPHOTOS_FUZZ_ITERATIONS -ErrorAction SilentlyContinue }
}

function Invoke-Package {
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/tools/New-ModulePackage.ps1') -ModuleFolder $ModuleOut -OutputFolder $Out
    if ($LASTEXITCODE -ne 0) { throw 'Packaging failed.' }
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
    Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Where-Object FullName -NotMatch '[\\/]\.git[\\/]' | Remove-Item -Recurse -Force
}

foreach ($t in $Task) {
    Write-Host "=== $t" -ForegroundColor Cyan
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Build; Invoke-Test }
        'Demo' { Invoke-Build; Invoke-Demo }
        'Bench' { Invoke-Build; Invoke-Bench }
        'Soak' { Invoke-Build; Invoke-Soak }
        'Fuzz' { Invoke-Fuzz }
        'Package' { Invoke-Build; Invoke-Package }
        'Clean' { Invoke-Clean }
    }
}
