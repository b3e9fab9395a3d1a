# The .nupkg that build.ps1 -Task Package makes (docs/tools/New-ModulePackage.ps1) installs from a folder repository
# with PSResourceGet and gives a working module. Both ways of making it are tested: with PSResourceGet
# (Compress-PSResource, PowerShell 7.4+) and written directly (the fallback for 7.2/7.3).
# Installs go to TestDrive: Save-PSResource here, and Install-PSResource -Scope CurrentUser in a child pwsh whose
# HOME is TestDrive (Linux/macOS), so the user's own module folders and repository list are never touched by installs.

BeforeDiscovery {
    $hasPSResourceGet = [bool](Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet)
    $methods = @(
        @{ Method = 'Auto' }
        @{ Method = 'Manual' }
    )
}

BeforeAll {
    $moduleFolder = Split-Path $env:GPHOTOS_TEST_MODULE -Parent
    $manifest = Import-PowerShellDataFile $env:GPHOTOS_TEST_MODULE
    $version = [string]$manifest.ModuleVersion
    $packer = Join-Path $PSScriptRoot '../../docs/tools/New-ModulePackage.ps1'
    $repositories = [Collections.Generic.List[string]]::new()

    function Invoke-Pwsh {
        <# A fresh pwsh (dotnet pwsh.dll when this one runs as the dotnet tool); returns { ExitCode; Output }. #>
        param([string] $Command, [hashtable] $Environment = @{})
        $exe = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $file = Join-Path $TestDrive ("child-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Value $Command
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        foreach ($a in $prefix + @('-NoProfile', '-NonInteractive', '-File', $file)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $TestDrive # whatever a child writes relative to its current folder stays in TestDrive
        foreach ($k in $Environment.Keys) {
            if ($null -eq $Environment[$k]) { $null = $psi.Environment.Remove($k) } else { $psi.Environment[$k] = [string]$Environment[$k] }
        }
        $p = [System.Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'Child pwsh did not finish within 5 minutes.' }
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result + $err.Result }
    }
}

AfterAll {
    foreach ($name in $repositories) { Unregister-PSResourceRepository -Name $name -ErrorAction SilentlyContinue }
}

Describe 'Package made with -Method <Method>' -ForEach $methods -Skip:(-not $hasPSResourceGet) {
    BeforeAll {
        $out = Join-Path $TestDrive "repo-$Method"
        # A child pwsh, as build.ps1 runs it: packing must work without the module imported.
        $packed = Invoke-Pwsh "& '$packer' -ModuleFolder '$moduleFolder' -OutputFolder '$out' -Method $Method"
        $package = Join-Path $out "GPhotos.$version.nupkg"
        $repository = "GPhotosTest$Method" + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Register-PSResourceRepository -Name $repository -Uri $out -Trusted
        $repositories.Add($repository)
    }

    It 'writes GPhotos.<version>.nupkg' {
        $packed.ExitCode | Should -Be 0 -Because $packed.Output
        $package | Should -Exist
    }

    It 'has the nuspec and the module files at the package root' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try {
            $names = @($zip.Entries | ForEach-Object FullName)
            $names | Should -Contain 'GPhotos.nuspec'
            $names | Should -Contain '[Content_Types].xml'
            $names | Should -Contain '_rels/.rels'
            foreach ($file in Get-ChildItem $moduleFolder -Recurse -File) {
                $names | Should -Contain ([IO.Path]::GetRelativePath($moduleFolder, $file.FullName).Replace('\', '/'))
            }
            $reader = [IO.StreamReader]::new($zip.GetEntry('GPhotos.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd(); $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'GPhotos'
        $meta.version | Should -Be $version
        $meta.authors | Should -Not -BeNullOrEmpty
        $meta.description | Should -Not -BeNullOrEmpty
        $tags = $meta.tags -split ' '
        $tags | Should -Contain 'PSModule'
        $tags | Should -Contain 'PSIncludes_Cmdlet'
        foreach ($cmdlet in $manifest.CmdletsToExport) {
            $tags | Should -Contain "PSCmdlet_$cmdlet"
            $tags | Should -Contain "PSCommand_$cmdlet"
        }
    }

    It 'is found in the folder repository' {
        $found = Find-PSResource -Name GPhotos -Repository $repository
        $found.Name | Should -Be 'GPhotos'
        [string]$found.Version | Should -Be $version
        @($found.Includes.Cmdlet) | Should -Contain 'Save-GPhotosMediaItem'
    }

    It 'saves with Save-PSResource and imports in a child pwsh with its cmdlets and help' {
        $saved = Join-Path $TestDrive "saved-$Method"
        $null = New-Item -ItemType Directory -Force $saved
        Save-PSResource -Name GPhotos -Repository $repository -Path $saved -TrustRepository -Quiet
        $psd1 = Join-Path $saved "GPhotos/$version/GPhotos.psd1"
        $psd1 | Should -Exist

        $check = Invoke-Pwsh @"
Import-Module '$psd1' -ErrorAction Stop
(Get-Command -Module GPhotos -CommandType Cmdlet).Name -join ','
(Get-Help Save-GPhotosMediaItem).Synopsis
"@
        $check.ExitCode | Should -Be 0 -Because $check.Output
        foreach ($cmdlet in $manifest.CmdletsToExport) {
            if (Get-Command $cmdlet -Module GPhotos -ErrorAction SilentlyContinue) { $check.Output | Should -Match ([regex]::Escape($cmdlet)) }
        }
        $check.Output | Should -Not -Match 'Save-GPhotosMediaItem \[' -Because 'the help should be the shipped one, not the generated syntax'
    }

    It 'installs with Install-PSResource -Scope CurrentUser and imports by name' -Skip:$IsWindows {
        # HOME (and the XDG folders) point into TestDrive: the install, and the repository registration it needs,
        # land there instead of in the user's profile.
        # PSModulePath is removed so the child builds its own from the new HOME and finds only what was installed there.
        $fakeHome = Join-Path $TestDrive "home-$Method"
        $null = New-Item -ItemType Directory -Force $fakeHome
        $environment = @{
            HOME = $fakeHome; XDG_DATA_HOME = (Join-Path $fakeHome '.local/share'); XDG_CONFIG_HOME = (Join-Path $fakeHome '.config')
            XDG_CACHE_HOME = (Join-Path $fakeHome '.cache'); PSModulePath = $null
        }
        # .NET reports a special folder that does not exist as '' (and PSResourceGet would then keep its repository
        # list in the current folder): create them.
        foreach ($folder in $environment.XDG_DATA_HOME, $environment.XDG_CONFIG_HOME, $environment.XDG_CACHE_HOME) { $null = New-Item -ItemType Directory -Force $folder }
        $install = Invoke-Pwsh -Environment $environment @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalGPhotos -Uri '$out' -Trusted
Install-PSResource -Name GPhotos -Repository LocalGPhotos -Scope CurrentUser -TrustRepository -Quiet
Remove-Module GPhotos -ErrorAction SilentlyContinue
Import-Module GPhotos
`$m = Get-Module GPhotos
"BASE=`$(`$m.ModuleBase)"
"CMDLETS=`$(@(`$m.ExportedCmdlets.Keys).Count)"
"@
        $install.ExitCode | Should -Be 0 -Because $install.Output
        $install.Output | Should -Match ('BASE=' + [regex]::Escape($fakeHome))
        $install.Output | Should -Match 'CMDLETS=[1-9]'
    }
}
