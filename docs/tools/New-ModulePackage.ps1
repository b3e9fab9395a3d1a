#Requires -Version 7.2
<#
.SYNOPSIS
    Packs the laid-out module (out/GPhotos) into <Name>.<Version>.nupkg, installable with Install-PSResource or
    Install-Module from a folder repository (and publishable to the PowerShell Gallery).
.DESCRIPTION
    build.ps1 -Task Package runs this in a child pwsh after the Build task:
        New-ModulePackage.ps1 -ModuleFolder out/GPhotos -OutputFolder out

    How the package is made (-Method Auto tries them in this order):
      PSResourceGet  Compress-PSResource from Microsoft.PowerShell.PSResourceGet (it ships with PowerShell 7.4 and
                     later), or, with PSResourceGet 1.0, Publish-PSResource to a temporary folder repository.
      Manual         The same layout written here with System.IO.Compression, for PowerShell 7.2/7.3 without
                     PSResourceGet: <Name>.nuspec, [Content_Types].xml, _rels/.rels, the OPC core properties, and
                     the module's files at the package root.
    Either way the nuspec then carries the tags the PowerShell Gallery derives from a module (PowerShellGet's
    Publish-Module adds them; PSResourceGet does not): PSModule, PSIncludes_Cmdlet / PSIncludes_Function, and
    PSCmdlet_<name> / PSFunction_<name> / PSCommand_<name> for every exported command, plus PSEdition_<edition>
    from CompatiblePSEditions. Those tags are what "Find-Module -Command" and the Gallery's search use.

    The manifest is read as data (Import-PowerShellDataFile); the module is never imported here. Fields the Gallery
    needs (Author, Description, a version, GUID) must be there or the script throws; fields it recommends (LicenseUri,
    ProjectUri, Tags, ReleaseNotes, explicit export lists) are warned about.

    Finally the package is checked: the nuspec's id and version match the manifest, and every module file is in
    the package with its size. The script exits non-zero on any failure.
.PARAMETER ModuleFolder
    The module as it ships (out/GPhotos): the manifest and every file below it go into the package.
.PARAMETER OutputFolder
    Where <Name>.<Version>.nupkg is written (an existing one of that name is replaced).
.PARAMETER Method
    Auto (default), PSResourceGet or Manual.
.EXAMPLE
    dotnet pwsh ./docs/tools/New-ModulePackage.ps1 -ModuleFolder ./out/GPhotos -OutputFolder ./out
.EXAMPLE
    Register-PSResourceRepository -Name LocalGPhotos -Uri ./out -Trusted
    Install-PSResource -Name GPhotos -Repository LocalGPhotos -Scope CurrentUser
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [ValidateSet('Auto', 'PSResourceGet', 'Manual')] [string] $Method = 'Auto'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

$ModuleFolder = (Resolve-Path -LiteralPath $ModuleFolder).ProviderPath.TrimEnd([IO.Path]::DirectorySeparatorChar, [IO.Path]::AltDirectorySeparatorChar)
$OutputFolder = [IO.Path]::GetFullPath($OutputFolder, (Get-Location -PSProvider FileSystem).ProviderPath)
$null = New-Item -ItemType Directory -Force -Path $OutputFolder

# ------------------------------------------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------------------------------------------

$name = Split-Path $ModuleFolder -Leaf
$manifestPath = Join-Path $ModuleFolder "$name.psd1"
if (-not (Test-Path -LiteralPath $manifestPath)) {
    $found = @(Get-ChildItem -LiteralPath $ModuleFolder -Filter *.psd1 -File)
    if ($found.Count -ne 1) { throw "New-ModulePackage: '$ModuleFolder' should hold exactly one module manifest named after the folder ($name.psd1)." }
    $manifestPath = $found[0].FullName
    $name = $found[0].BaseName
}
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
$psData = if ($manifest.ContainsKey('PrivateData') -and $manifest.PrivateData -and $manifest.PrivateData.ContainsKey('PSData')) { $manifest.PrivateData.PSData } else { @{} }

function Get-Field([hashtable] $Table, [string] $Key) { if ($Table.ContainsKey($Key) -and $Table[$Key]) { $Table[$Key] } else { $null } }

$missing = @(foreach ($key in 'ModuleVersion', 'Author', 'Description', 'GUID') { if (-not (Get-Field $manifest $key)) { $key } })
if ($missing) { throw "New-ModulePackage: $manifestPath lacks what the PowerShell Gallery requires: $($missing -join ', ')." }
foreach ($key in 'LicenseUri', 'ProjectUri', 'Tags', 'ReleaseNotes') {
    if (-not (Get-Field $psData $key)) { Write-Warning "New-ModulePackage: the manifest has no PrivateData.PSData.$key; the PowerShell Gallery shows it on the module's page." }
}
foreach ($key in 'CmdletsToExport', 'FunctionsToExport') {
    if (@(Get-Field $manifest $key) -contains '*') { Write-Warning "New-ModulePackage: $key is '*'; list the commands explicitly so the package can be tagged with them (and imports stay fast)." }
}

$version = [string]$manifest.ModuleVersion
$prerelease = Get-Field $psData 'Prerelease'
if ($prerelease) { $version = "$version-$prerelease" }

$cmdlets = @(Get-Field $manifest 'CmdletsToExport' | Where-Object { $_ -and $_ -notmatch '\*' })
$functions = @(Get-Field $manifest 'FunctionsToExport' | Where-Object { $_ -and $_ -notmatch '\*' })
$tags = [Collections.Generic.List[string]]::new()
function Add-Tag([string] $Tag) { if ($Tag -and -not ($tags | Where-Object { $_ -eq $Tag })) { $tags.Add($Tag) } }
Add-Tag 'PSModule'
foreach ($t in @(Get-Field $psData 'Tags')) { Add-Tag $t }
foreach ($edition in @(Get-Field $manifest 'CompatiblePSEditions')) { Add-Tag "PSEdition_$edition" }
if ($cmdlets) { Add-Tag 'PSIncludes_Cmdlet' }
if ($functions) { Add-Tag 'PSIncludes_Function' }
foreach ($c in $cmdlets) { Add-Tag "PSCmdlet_$c" }
foreach ($f in $functions) { Add-Tag "PSFunction_$f" }
foreach ($c in $cmdlets + $functions) { Add-Tag "PSCommand_$c" }
$tagText = $tags -join ' '

$packageName = "$name.$version.nupkg"
$packagePath = Join-Path $OutputFolder $packageName
if (Test-Path -LiteralPath $packagePath) { Remove-Item -LiteralPath $packagePath -Force }

$moduleFiles = @(Get-ChildItem -LiteralPath $ModuleFolder -Recurse -File | ForEach-Object {
        [pscustomobject]@{ Relative = [IO.Path]::GetRelativePath($ModuleFolder, $_.FullName).Replace('\', '/'); Full = $_.FullName; Length = $_.Length }
    })

# ------------------------------------------------------------------------------------------------------------------
# PSResourceGet
# ------------------------------------------------------------------------------------------------------------------

function New-PackageWithPSResourceGet {
    $module = Get-Module -ListAvailable Microsoft.PowerShell.PSResourceGet | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $module) { return $false }
    Import-Module $module
    $staging = Join-Path ([IO.Path]::GetTempPath()) ("gphotos-pack-" + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $staging
    try {
        if (Get-Command Compress-PSResource -ErrorAction SilentlyContinue) {
            Write-Host "Packing with Compress-PSResource (PSResourceGet $($module.Version))."
            Compress-PSResource -Path $ModuleFolder -DestinationPath $staging
        }
        else {
            # PSResourceGet 1.0: publish to a temporary folder repository, which writes the same .nupkg.
            Write-Host "Packing with Publish-PSResource to a temporary folder repository (PSResourceGet $($module.Version))."
            $repository = 'GPhotosPack' + [guid]::NewGuid().ToString('N').Substring(0, 8)
            Register-PSResourceRepository -Name $repository -Uri $staging -Trusted
            try { Publish-PSResource -Path $ModuleFolder -Repository $repository -SkipDependenciesCheck }
            finally { Unregister-PSResourceRepository -Name $repository }
        }
        $made = @(Get-ChildItem -LiteralPath $staging -Filter *.nupkg -File)
        if ($made.Count -ne 1) { throw "New-ModulePackage: PSResourceGet wrote $($made.Count) packages to $staging; expected one." }
        Move-Item -LiteralPath $made[0].FullName -Destination $packagePath -Force
    }
    finally {
        Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction SilentlyContinue
    }
    $true
}

# ------------------------------------------------------------------------------------------------------------------
# Manual: the layout PowerShellGet and PSResourceGet produce
# ------------------------------------------------------------------------------------------------------------------

function New-XmlText([scriptblock] $Write) {
    $settings = [Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [Text.UTF8Encoding]::new($false)
    $stream = [IO.MemoryStream]::new()
    $w = [Xml.XmlWriter]::Create($stream, $settings)
    try { & $Write $w } finally { $w.Dispose() }
    $stream.ToArray()
}

function Get-NuspecBytes {
    New-XmlText {
        param($w)
        $ns = 'http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd'
        $w.WriteStartDocument()
        $w.WriteStartElement('package', $ns)
        $w.WriteStartElement('metadata', $ns)
        $w.WriteElementString('id', $ns, $name)
        $w.WriteElementString('version', $ns, $version)
        $w.WriteElementString('authors', $ns, [string]$manifest.Author)
        $w.WriteElementString('owners', $ns, $(if (Get-Field $manifest 'CompanyName') { [string]$manifest.CompanyName } else { [string]$manifest.Author }))
        $w.WriteElementString('requireLicenseAcceptance', $ns, ([bool](Get-Field $psData 'RequireLicenseAcceptance')).ToString().ToLowerInvariant())
        if (Get-Field $psData 'LicenseUri') { $w.WriteElementString('licenseUrl', $ns, [string]$psData.LicenseUri) }
        if (Get-Field $psData 'ProjectUri') { $w.WriteElementString('projectUrl', $ns, [string]$psData.ProjectUri) }
        if (Get-Field $psData 'IconUri') { $w.WriteElementString('iconUrl', $ns, [string]$psData.IconUri) }
        $w.WriteElementString('description', $ns, [string]$manifest.Description)
        if (Get-Field $psData 'ReleaseNotes') { $w.WriteElementString('releaseNotes', $ns, [string]$psData.ReleaseNotes) }
        if (Get-Field $manifest 'Copyright') { $w.WriteElementString('copyright', $ns, [string]$manifest.Copyright) }
        $w.WriteElementString('tags', $ns, $tagText)
        $required = @(Get-Field $manifest 'RequiredModules')
        if ($required) {
            $w.WriteStartElement('dependencies', $ns)
            foreach ($r in $required) {
                $w.WriteStartElement('dependency', $ns)
                if ($r -is [hashtable]) {
                    $w.WriteAttributeString('id', [string]$r.ModuleName)
                    $range = if ($r.ContainsKey('RequiredVersion')) { "[$($r.RequiredVersion)]" } elseif ($r.ContainsKey('ModuleVersion')) { [string]$r.ModuleVersion } else { $null }
                    if ($range) { $w.WriteAttributeString('version', $range) }
                }
                else { $w.WriteAttributeString('id', [string]$r) }
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
}

function New-PackageManually {
    Write-Host 'Packing without PSResourceGet (the nupkg layout written directly).'
    $corePropertiesName = 'package/services/metadata/core-properties/' + [guid]::NewGuid().ToString('N') + '.psmdcp'
    $extensions = [Collections.Generic.SortedSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $noExtension = [Collections.Generic.List[string]]::new()
    foreach ($f in $moduleFiles) {
        $ext = [IO.Path]::GetExtension($f.Relative).TrimStart('.')
        if ($ext) { $null = $extensions.Add($ext) } else { $noExtension.Add($f.Relative) }
    }
    $null = $extensions.Add('nuspec')

    $contentTypes = New-XmlText {
        param($w)
        $ns = 'http://schemas.openxmlformats.org/package/2006/content-types'
        $w.WriteStartDocument()
        $w.WriteStartElement('Types', $ns)
        $defaults = [ordered]@{ rels = 'application/vnd.openxmlformats-package.relationships+xml'; psmdcp = 'application/vnd.openxmlformats-package.core-properties+xml' }
        foreach ($e in $extensions) { if (-not $defaults.Contains($e)) { $defaults[$e] = 'application/octet' } }
        foreach ($e in $defaults.Keys) {
            $w.WriteStartElement('Default', $ns); $w.WriteAttributeString('Extension', $e); $w.WriteAttributeString('ContentType', $defaults[$e]); $w.WriteEndElement()
        }
        foreach ($p in $noExtension) {
            $w.WriteStartElement('Override', $ns); $w.WriteAttributeString('PartName', '/' + (ConvertTo-PartName $p)); $w.WriteAttributeString('ContentType', 'application/octet'); $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    $rels = New-XmlText {
        param($w)
        $ns = 'http://schemas.openxmlformats.org/package/2006/relationships'
        $w.WriteStartDocument()
        $w.WriteStartElement('Relationships', $ns)
        foreach ($r in @(
                @{ Type = 'http://schemas.microsoft.com/packaging/2010/07/manifest'; Target = "/$name.nuspec" },
                @{ Type = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties'; Target = "/$corePropertiesName" })) {
            $w.WriteStartElement('Relationship', $ns)
            $w.WriteAttributeString('Type', $r.Type); $w.WriteAttributeString('Target', $r.Target)
            $w.WriteAttributeString('Id', 'R' + [guid]::NewGuid().ToString('N').Substring(0, 16).ToUpperInvariant())
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    $core = New-XmlText {
        param($w)
        $ns = 'http://schemas.openxmlformats.org/package/2006/metadata/core-properties'
        $dc = 'http://purl.org/dc/elements/1.1/'
        $w.WriteStartDocument()
        $w.WriteStartElement('coreProperties', $ns)
        $w.WriteAttributeString('xmlns', 'dc', $null, $dc)
        $w.WriteAttributeString('xmlns', 'dcterms', $null, 'http://purl.org/dc/terms/')
        $w.WriteAttributeString('xmlns', 'xsi', $null, 'http://www.w3.org/2001/XMLSchema-instance')
        $w.WriteElementString('creator', $dc, [string]$manifest.Author)
        $w.WriteElementString('description', $dc, [string]$manifest.Description)
        $w.WriteElementString('identifier', $dc, $name)
        $w.WriteElementString('version', $ns, $version)
        $w.WriteElementString('keywords', $ns, $tagText)
        $w.WriteElementString('lastModifiedBy', $ns, 'GPhotos New-ModulePackage.ps1')
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }

    $zip = [IO.Compression.ZipFile]::Open($packagePath, [IO.Compression.ZipArchiveMode]::Create)
    try {
        function Add-Entry([string] $EntryName, [byte[]] $Bytes) {
            $entry = $zip.CreateEntry($EntryName, [IO.Compression.CompressionLevel]::Optimal)
            $s = $entry.Open(); try { $s.Write($Bytes, 0, $Bytes.Length) } finally { $s.Dispose() }
        }
        Add-Entry '_rels/.rels' $rels
        Add-Entry "$name.nuspec" (Get-NuspecBytes)
        foreach ($f in $moduleFiles) {
            $null = [IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $f.Full, (ConvertTo-PartName $f.Relative), [IO.Compression.CompressionLevel]::Optimal)
        }
        Add-Entry '[Content_Types].xml' $contentTypes
        Add-Entry $corePropertiesName $core
    }
    finally { $zip.Dispose() }
}

function ConvertTo-PartName([string] $Relative) {
    # OPC part names are URI-escaped per segment (NuGet unescapes them when it extracts).
    (($Relative -split '/') | ForEach-Object { [Uri]::EscapeDataString($_) }) -join '/'
}

# ------------------------------------------------------------------------------------------------------------------
# Tags: make the nuspec (and the OPC keywords) carry the command tags, whoever wrote the package
# ------------------------------------------------------------------------------------------------------------------

function Update-PackageTags {
    $zip = [IO.Compression.ZipFile]::Open($packagePath, [IO.Compression.ZipArchiveMode]::Update)
    try {
        foreach ($entry in @($zip.Entries)) {
            $isNuspec = $entry.FullName -eq "$name.nuspec"
            $isCore = $entry.FullName -like 'package/services/metadata/core-properties/*.psmdcp'
            if (-not ($isNuspec -or $isCore)) { continue }
            $reader = [IO.StreamReader]::new($entry.Open())
            try { $xml = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
            $element = if ($isNuspec) { 'tags' } else { 'keywords' }
            $node = $xml.SelectSingleNode("//*[local-name()='$element']")
            if (-not $node) {
                $metadata = if ($isNuspec) { $xml.SelectSingleNode("//*[local-name()='metadata']") } else { $xml.DocumentElement }
                $node = $metadata.AppendChild($xml.CreateElement($element, $metadata.NamespaceURI))
            }
            $node.InnerText = $tagText
            $fullName = $entry.FullName
            $entry.Delete()
            $replacement = $zip.CreateEntry($fullName, [IO.Compression.CompressionLevel]::Optimal)
            $stream = $replacement.Open()
            try {
                $settings = [Xml.XmlWriterSettings]::new(); $settings.Indent = $true; $settings.Encoding = [Text.UTF8Encoding]::new($false)
                $w = [Xml.XmlWriter]::Create($stream, $settings); try { $xml.Save($w) } finally { $w.Dispose() }
            }
            finally { $stream.Dispose() }
        }
    }
    finally { $zip.Dispose() }
}

# ------------------------------------------------------------------------------------------------------------------
# Check what was written
# ------------------------------------------------------------------------------------------------------------------

function Test-Package {
    $zip = [IO.Compression.ZipFile]::OpenRead($packagePath)
    try {
        $entries = @{}
        foreach ($e in $zip.Entries) { $entries[[Uri]::UnescapeDataString($e.FullName)] = $e }
        $problems = [Collections.Generic.List[string]]::new()
        if (-not $entries.ContainsKey("$name.nuspec")) { throw "New-ModulePackage: $packageName has no $name.nuspec." }
        $reader = [IO.StreamReader]::new($entries["$name.nuspec"].Open())
        try { $nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        $meta = $nuspec.package.metadata
        if ($meta.id -ne $name) { $problems.Add("nuspec id '$($meta.id)' is not '$name'") }
        if ([string]$meta.version -ne $version) { $problems.Add("nuspec version '$($meta.version)' is not '$version'") }
        $packedTags = ([string]$meta.tags) -split '\s+'
        foreach ($t in $tags) { if ($packedTags -notcontains $t) { $problems.Add("tag '$t' is missing") } }
        foreach ($required in '[Content_Types].xml', '_rels/.rels') { if (-not $entries.ContainsKey($required)) { $problems.Add("$required is missing") } }
        foreach ($f in $moduleFiles) {
            if (-not $entries.ContainsKey($f.Relative)) { $problems.Add("module file $($f.Relative) is missing") }
            elseif ($entries[$f.Relative].Length -ne $f.Length) { $problems.Add("module file $($f.Relative) has $($entries[$f.Relative].Length) bytes, not $($f.Length)") }
        }
        if ($problems.Count) { throw "New-ModulePackage: $packageName is not right:`n  - " + ($problems -join "`n  - ") }
    }
    finally { $zip.Dispose() }
}

$made = $false
if ($Method -in 'Auto', 'PSResourceGet') {
    $made = New-PackageWithPSResourceGet
    if (-not $made -and $Method -eq 'PSResourceGet') { throw 'New-ModulePackage: Microsoft.PowerShell.PSResourceGet is not available (it ships with PowerShell 7.4 and later).' }
}
if (-not $made) { New-PackageManually }
Update-PackageTags
Test-Package

$size = (Get-Item -LiteralPath $packagePath).Length
Write-Host "Package: $packagePath ($([math]::Round($size / 1KB)) KB, $($moduleFiles.Count) module files, $($tags.Count) tags)." -ForegroundColor Green
Write-Host "Install it from a folder repository:`n  Register-PSResourceRepository -Name LocalGPhotos -Uri '$OutputFolder' -Trusted`n  Install-PSResource -Name $name -Repository LocalGPhotos"
