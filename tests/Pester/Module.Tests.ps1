BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    $script:module = Get-Module GPhotos
}

Describe 'The GPhotos module' {
    It 'exports exactly its cmdlets, by explicit list' {
        $module.ExportedCmdlets.Keys | Sort-Object | Should -Be @(
            'Connect-GPhotos', 'Disconnect-GPhotos', 'Get-GPhotosAlbum', 'Get-GPhotosMediaItem', 'Get-GPhotosPickerSession',
            'Get-GPhotosTakeoutArchive', 'New-GPhotosPickerSession', 'Remove-GPhotosPickerSession', 'Remove-GPhotosTakeoutArchive', 'Save-GPhotosMediaItem',
            'Test-GPhotosBackup')
    }

    It 'loads its third-party assemblies from the Dependencies folder or the host, never from elsewhere' {
        Import-Module $env:GPHOTOS_TEST_MODULE -Force
        Get-GPhotosMediaItem -TakeoutPath (Join-Path $TestDrive 'missing.zip') -ErrorAction SilentlyContinue  # loads GPhotos.Core
        $null = [GPhotos.Auth.ProtectedTokenStore].GetInterfaces()  # implements Google's IDataStore: loads Google.Apis.Core
        $google = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Google.Apis*' })
        $google.Count | Should -BeGreaterThan 0
        foreach ($a in $google) {
            $a.Location | Should -BeLike (Join-Path $module.ModuleBase 'Dependencies*')
        }
    }

    It 'declares an output type on every cmdlet that writes objects, and has a default view for each' {
        foreach ($name in 'Get-GPhotosMediaItem', 'Save-GPhotosMediaItem', 'Get-GPhotosAlbum', 'New-GPhotosPickerSession', 'Get-GPhotosPickerSession', 'Connect-GPhotos') {
            $types = (Get-Command $name).OutputType.Type
            $types | Should -Not -BeNullOrEmpty -Because "$name should declare [OutputType]"
            foreach ($t in $types) { Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) needs a view" }
        }
    }

    It 'supports -WhatIf on Save and Remove' {
        (Get-Command Save-GPhotosMediaItem).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command Remove-GPhotosPickerSession).Parameters.Keys | Should -Contain 'WhatIf'
    }

    It 'says how to connect when a command needs Google and there is no connection' {
        Disconnect-GPhotos
        $err = { Get-GPhotosMediaItem -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Match '^NotConnected'
        $err.Exception.Message | Should -Match 'Connect-GPhotos'
    }

    It 'rejects an emulator host that is not host:port' {
        $old = $env:GPHOTOS_EMULATOR_HOST
        try {
            $env:GPHOTOS_EMULATOR_HOST = 'http://x/y/z'
            $err = { Connect-GPhotos -AccessToken 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidEmulatorHost*' -PassThru
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { $env:GPHOTOS_EMULATOR_HOST = $old }
    }
}

# Issue 13 item 6: dependencies isolated as PSResourceGet does it, and every reference of a shipped DLL satisfied.
Describe 'Dependency isolation' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
        $script:emu = Start-TestEmulator
        $script:moduleBase = Split-Path $env:GPHOTOS_TEST_MODULE

        # Every reference (name, version) of every managed DLL the module ships, read without loading anything.
        function Get-ShippedReference {
            foreach ($f in Get-ChildItem $moduleBase -Recurse -Filter *.dll) {
                $stream = [IO.File]::OpenRead($f.FullName)
                try {
                    $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
                    if (-not $pe.HasMetadata) { continue }
                    $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
                    foreach ($h in $md.AssemblyReferences) {
                        $r = $md.GetAssemblyReference($h)
                        [pscustomobject]@{ From = $f.Name; Name = $md.GetString($r.Name); Version = $r.Version }
                    }
                }
                finally { $stream.Dispose() }
            }
        }
        # name -> highest version among the DLLs in $Folders.
        function Get-VersionMap([string[]] $Folders) {
            $map = @{}
            foreach ($file in Get-ChildItem $Folders -Filter *.dll -ErrorAction SilentlyContinue) {
                try { $n = [Reflection.AssemblyName]::GetAssemblyName($file.FullName) } catch { continue }
                if (-not $map.ContainsKey($n.Name) -or $map[$n.Name] -lt $n.Version) { $map[$n.Name] = $n.Version }
            }
            $map
        }
        function Get-Unsatisfied($Provided) {
            $shipped = Get-VersionMap @($moduleBase, (Join-Path $moduleBase 'Dependencies'))
            foreach ($r in Get-ShippedReference) {
                $have = if ($shipped.ContainsKey($r.Name)) { $shipped[$r.Name] } elseif ($Provided.ContainsKey($r.Name)) { $Provided[$r.Name] }
                if (-not $have -or $have -lt $r.Version) { "$($r.From) needs $($r.Name) $($r.Version), found $(if ($have) { $have } else { 'none' })" }
            }
        }
    }
    AfterAll { Stop-TestEmulator $emu }

    It 'satisfies every reference of the shipped DLLs on .NET Framework 4.7.2 (netstandard2.0 facades, the GAC, PowerShell 5.1)' {
        # Treated as provided by .NET Framework 4.7.2: the netstandard2.0 facade set (it ships every one, at the
        # versions of NETStandard.Library 2.0's reference assemblies), mscorlib, System.Management (in the GAC, which
        # .NET Framework probes first for strong-named assemblies) and System.Management.Automation 3.0 (the host).
        $packages = ((& dotnet nuget locals global-packages -l) -replace '^global-packages:\s*', '').Trim()
        $facades = Join-Path $packages 'netstandard.library/2.0.3/build/netstandard2.0/ref'
        Test-Path $facades | Should -BeTrue -Because "the netstandard2.0 reference set is restored with the build ($facades)"
        $provided = Get-VersionMap $facades
        $provided['mscorlib'] = [version]'4.0.0.0'
        $provided['System.Management'] = [version]'4.0.0.0'
        $provided['System.Management.Automation'] = [version]'3.0.0.0'
        $provided.ContainsKey('netstandard') | Should -BeTrue
        @(Get-Unsatisfied $provided) | Should -BeNullOrEmpty
    }

    It 'satisfies every reference of the shipped DLLs on PowerShell 7 (its runtime folder and $PSHOME)' {
        $provided = Get-VersionMap @([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory(), $PSHOME)
        @(Get-Unsatisfied $provided) | Should -BeNullOrEmpty
    }

    It 'reports a reference that nothing provides (the check can fail)' {
        $provided = @{}
        $lines = @(Get-Unsatisfied $provided)
        ($lines -join "`n") | Should -Match 'netstandard 2\.0\.0\.0, found none'
    }

    It 'answers a load request only with a shipped file of the same or a higher version (the rule on 5.1 and 7)' {
        $resolver = [GPhotos.Commands.Infrastructure.DependencyResolver]
        $pick = $resolver.GetMethod('Pick', [Reflection.BindingFlags]'Static,NonPublic')
        $pick | Should -Not -BeNullOrEmpty
        $deps = Join-Path $TestDrive 'deps'
        New-Item -ItemType Directory $deps -Force | Out-Null
        Set-Content (Join-Path $deps 'Google.Apis.dll') 'stand-in'
        $shipped = [Collections.Generic.Dictionary[string, Reflection.AssemblyName]]::new([StringComparer]::OrdinalIgnoreCase)
        $shipped['Google.Apis'] = [Reflection.AssemblyName]::new('Google.Apis, Version=1.70.0.0')
        $ask = { param($name) $pick.Invoke($null, @([Reflection.AssemblyName]::new($name), $shipped, [string]$deps, [string]$TestDrive)) }
        & $ask 'Google.Apis, Version=1.69.0.0' | Should -Be (Join-Path $deps 'Google.Apis.dll')  # older asked: ours (higher) answers
        & $ask 'Google.Apis, Version=1.70.0.0' | Should -Be (Join-Path $deps 'Google.Apis.dll')
        & $ask 'Google.Apis' | Should -Be (Join-Path $deps 'Google.Apis.dll')                    # no version: any
        & $ask 'Google.Apis, Version=2.0.0.0' | Should -BeNullOrEmpty                            # newer than ours: not ours to answer
        & $ask 'Newtonsoft.Json, Version=13.0.0.0' | Should -BeNullOrEmpty                        # not shipped
    }

    It 'loads Google.Apis into its private load context and still works end to end' {
        $token = (New-TestToken $emu).accessToken
        Add-TestItem $emu -Item @(@{ filename = 'iso.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $r = Invoke-ChildPwsh -Environment @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TEST_TOKEN = $token } -Script @'
Import-Module $env:GPHOTOS_TEST_MODULE
Connect-GPhotos -AccessToken $env:GPHOTOS_TEST_TOKEN
"ITEMS=" + @(Get-GPhotosMediaItem | Where-Object Filename -eq 'iso.jpg').Count
$null = [GPhotos.Auth.ProtectedTokenStore].GetInterfaces()  # implements Google's IDataStore: loads Google.Apis.Core
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Google.Apis*' }) {
    "ALC=" + $a.GetName().Name + '|' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name
}
'@
        $r.Error | Should -BeNullOrEmpty
        $r.Output | Should -Match 'ITEMS=1'
        $contexts = @([regex]::Matches($r.Output, 'ALC=(\S+)') | ForEach-Object { $_.Groups[1].Value })
        $contexts.Count | Should -BeGreaterThan 0
        foreach ($c in $contexts) { $c | Should -BeLike '*|GPhotos.Dependencies' }
    }

    It 'is not broken by an older Google.Apis another module loaded first' {
        $token = (New-TestToken $emu).accessToken
        Add-TestItem $emu -Item @(@{ filename = 'old.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
        $old = Join-Path $TestDrive 'old'
        New-Item -ItemType Directory $old -Force | Out-Null
        $r = Invoke-ChildPwsh -Environment @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TEST_TOKEN = $token; GPHOTOS_TEST_OLD = $old } -Script @'
# A stand-in for another module's Google.Apis 1.0 (and Google.Apis.Core 1.0): same names, older versions, none of
# our members. Compiled with the C# compiler PowerShell ships (Add-Type would give the assembly a random name).
Add-Type -TypeDefinition 'namespace Warm { public class Up {} }'
foreach ($n in 'Google.Apis', 'Google.Apis.Core') {
    $path = Join-Path $env:GPHOTOS_TEST_OLD "$n.dll"
    $tree = [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText('[assembly: System.Reflection.AssemblyVersion("1.0.0.0")] namespace Old { public class Marker {} }')
    $refs = [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location))
    $options = [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary)
    $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create($n, [Microsoft.CodeAnalysis.SyntaxTree[]]@($tree), $refs, $options)
    if (-not [Microsoft.CodeAnalysis.FileSystemExtensions]::Emit($compilation, $path).Success) { throw "could not build the stand-in $n" }
    $null = [Reflection.Assembly]::LoadFrom($path)
}
Import-Module $env:GPHOTOS_TEST_MODULE
Connect-GPhotos -AccessToken $env:GPHOTOS_TEST_TOKEN
"ITEMS=" + @(Get-GPhotosMediaItem | Where-Object Filename -eq 'old.jpg').Count
$null = [GPhotos.Auth.ProtectedTokenStore].GetInterfaces()
foreach ($a in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Google.Apis.Core' }) { "CORE=" + $a.GetName().Version }
'@
        $r.Error | Should -BeNullOrEmpty
        $r.Output | Should -Match 'ITEMS=1'
        $r.Output | Should -Match 'CORE=1\.0\.0\.0'       # the other module's copy is still there...
        $r.Output | Should -Match 'CORE=1\.7\d\.\d+\.\d+' # ...and ours was loaded beside it, not replaced by it
    }
}
