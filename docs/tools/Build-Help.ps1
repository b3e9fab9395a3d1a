#Requires -Version 7.2
<#
.SYNOPSIS
    Builds the module's help from docs/help/*.md: GPhotos.dll-Help.xml (MAML, what Get-Help reads for a binary
    module) and about_*.help.txt.
.DESCRIPTION
    The markdown in docs/help is the source of truth; it follows platyPS's layout (# Name, ## SYNOPSIS,
    ## DESCRIPTION, ## EXAMPLES with ### Example n: title + a powershell block + remarks, ## PARAMETERS with
    ### -Name, ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS), so platyPS could take over later.

    What the markdown does not say comes from the built module itself: parameter names, types, parameter sets,
    mandatory/position/pipeline/wildcard/alias information and ValidateSet values. They are read by a CHILD pwsh
    that imports the module and writes Get-Command's metadata as JSON. This script never imports the binary module
    into its own process: build.ps1 runs it in the build's pwsh, and an imported DLL stays locked for the life of
    the process.

    Strict, so the help cannot quietly fall behind the code. For every cmdlet that the module exports AND that has
    a markdown file, it fails (throws, listing every problem) when:
      - the synopsis or description is missing;
      - there are no examples, or an example has no title or no code, or its code does not parse;
      - a parameter of the cmdlet (common parameters excluded) has no description;
      - an example calls a GPhotos cmdlet with a parameter that neither the cmdlet nor its markdown knows.
    Cmdlets exported without a markdown file, and markdown for cmdlets or parameters that are not in the module
    yet (planned work), only produce warnings, so the build stays green while cmdlets are being added; the Pester
    help test (tests/Pester/Help.Tests.ps1) is what insists that every exported cmdlet has full help.
.PARAMETER HelpSource
    The folder with <Cmdlet-Name>.md and about_*.md files (docs/help).
.PARAMETER OutputFolder
    The culture folder to write to (out/GPhotos/en-US). Created when missing.
.PARAMETER ModulePath
    The built module's manifest, imported by a child pwsh for the command metadata. Defaults to the .psd1 in the
    parent of OutputFolder, which is where build.ps1 has laid the module out when it calls this script.
.EXAMPLE
    ./docs/tools/Build-Help.ps1 -HelpSource ./docs/help -OutputFolder ./out/GPhotos/en-US
.EXAMPLE
    ./docs/tools/Build-Help.ps1 -HelpSource ./docs/help -OutputFolder /tmp/help -ModulePath ./out/GPhotos/GPhotos.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$HelpSource = (Resolve-Path -LiteralPath $HelpSource).ProviderPath
$OutputFolder = [IO.Path]::GetFullPath($OutputFolder, (Get-Location -PSProvider FileSystem).ProviderPath)
if (-not $ModulePath) {
    $parent = Split-Path $OutputFolder -Parent
    $ModulePath = Get-ChildItem -LiteralPath $parent -Filter *.psd1 -File -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty FullName
    if (-not $ModulePath) {
        throw "Build-Help: no module manifest (*.psd1) in '$parent' to read the command metadata from. Lay the module out first (build.ps1 does) or pass -ModulePath."
    }
}
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath

$problems = [Collections.Generic.List[string]]::new()
$pending = [Collections.Generic.SortedSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
function Add-Problem([string] $Message) { $problems.Add($Message) }

# ------------------------------------------------------------------------------------------------------------------
# Command metadata, from a child pwsh that imports the module.
# ------------------------------------------------------------------------------------------------------------------

function Get-PwshCommandLine {
    # Under 'dotnet pwsh' (the local tool) the process is dotnet itself: start pwsh.dll through it.
    $process = [Environment]::ProcessPath
    $leaf = [IO.Path]::GetFileNameWithoutExtension($process)
    if ($leaf -eq 'pwsh') { return , @($process) }
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if ($leaf -eq 'dotnet' -and (Test-Path $dll)) { return , @($process, $dll) }
    foreach ($name in 'pwsh.exe', 'pwsh') {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path $candidate) { return , @($candidate) }
    }
    return , @('pwsh')
}

function Get-CommandMetadata([string] $Manifest) {
    $json = Join-Path ([IO.Path]::GetTempPath()) ("gphotos-help-meta-" + [guid]::NewGuid().ToString('N') + '.json')
    $dump = @'
param([string] $Manifest, [string] $OutFile)
$ErrorActionPreference = 'Stop'
$module = Import-Module $Manifest -PassThru -Force
$common = [System.Management.Automation.Cmdlet]::CommonParameters
function Get-TypeInfo([type] $Type) {
    $t = $Type
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    @{ FullName = $t.FullName; Name = $t.Name; IsSwitch = ($t -eq [System.Management.Automation.SwitchParameter]) }
}
$commands = foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet) {
    $sets = foreach ($set in $cmd.ParameterSets) {
        @{
            Name       = $set.Name
            IsDefault  = $set.IsDefault
            Parameters = @(foreach ($p in $set.Parameters) {
                    if ($p.Name -in $common) { continue }
                    $validateSet = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
                    @{
                        Name             = $p.Name
                        Type             = Get-TypeInfo $p.ParameterType
                        Mandatory        = $p.IsMandatory
                        Position         = $(if ($p.Position -ge 0) { $p.Position } else { $null })
                        ByValue          = $p.ValueFromPipeline
                        ByPropertyName   = $p.ValueFromPipelineByPropertyName
                        RemainingArgs    = $p.ValueFromRemainingArguments
                        Aliases          = @($p.Aliases)
                        Globbing         = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                        ValidValues      = @(if ($validateSet) { $validateSet.ValidValues })
                    }
                })
        }
    }
    @{
        Name        = $cmd.Name
        Verb        = $cmd.Verb
        Noun        = $cmd.Noun
        HelpFile    = [IO.Path]::GetFileName([string]$cmd.HelpFile)
        OutputTypes = @($cmd.OutputType | ForEach-Object { $_.Name })
        Sets        = @($sets)
    }
}
ConvertTo-Json -InputObject @($commands) -Depth 8 | Set-Content -LiteralPath $OutFile -Encoding utf8
'@
    $script = Join-Path ([IO.Path]::GetTempPath()) ("gphotos-help-meta-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $script -Value $dump -Encoding utf8
    try {
        $pwsh = Get-PwshCommandLine
        $exe = $pwsh[0]
        $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script, '-Manifest', $Manifest, '-OutFile', $json)
        $output = & $exe @arguments 2>&1
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path -LiteralPath $json)) {
            throw "Build-Help: could not read the command metadata of '$Manifest' in a child pwsh (exit code $LASTEXITCODE):`n$($output -join "`n")"
        }
        , @(Get-Content -LiteralPath $json -Raw | ConvertFrom-Json)
    }
    finally {
        Remove-Item -LiteralPath $script, $json -ErrorAction SilentlyContinue
    }
}

# ------------------------------------------------------------------------------------------------------------------
# Markdown reading: just enough of CommonMark for platyPS-style help.
# ------------------------------------------------------------------------------------------------------------------

function Split-FrontMatter([string[]] $Lines) {
    $meta = @{}
    if ($Lines.Count -gt 0 -and $Lines[0].Trim() -eq '---') {
        for ($i = 1; $i -lt $Lines.Count; $i++) {
            if ($Lines[$i].Trim() -eq '---') {
                foreach ($l in $Lines[1..($i - 1)]) {
                    if ($l -match '^\s*([^:]+):\s*(.*)$') { $meta[$Matches[1].Trim()] = $Matches[2].Trim() }
                }
                $rest = if ($i + 1 -lt $Lines.Count) { $Lines[($i + 1)..($Lines.Count - 1)] } else { @() }
                return @{ Meta = $meta; Lines = @($rest) }
            }
        }
    }
    @{ Meta = $meta; Lines = @($Lines) }
}

function Split-Heading {
    <# Splits lines at headings of exactly $Level '#' (outside code fences): @{ Title; Lines }[], plus a preamble. #>
    param([string[]] $Lines, [int] $Level)
    $marker = ('#' * $Level) + ' '
    $sections = [Collections.Generic.List[object]]::new()
    $current = @{ Title = $null; Lines = [Collections.Generic.List[string]]::new() }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line.StartsWith($marker)) {
            $sections.Add($current)
            $current = @{ Title = $line.Substring($marker.Length).Trim(); Lines = [Collections.Generic.List[string]]::new() }
            continue
        }
        $current.Lines.Add($line)
    }
    $sections.Add($current)
    $sections # callers wrap the call in @()
}

function ConvertFrom-Inline([string] $Text) {
    <# Markdown inline markup to plain text: links keep their target, emphasis and code marks go. Code spans are kept verbatim. #>
    $spans = [Collections.Generic.List[string]]::new()
    $t = [regex]::Replace($Text, '`([^`]+)`', { param($m) $spans.Add($m.Groups[1].Value); "`u{E000}$($spans.Count - 1)`u{E001}" })
    $t = [regex]::Replace($t, '\[([^\]]+)\]\(([^)\s]+)\)', { param($m) if ($m.Groups[1].Value -eq $m.Groups[2].Value) { $m.Groups[1].Value } else { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } })
    $t = [regex]::Replace($t, '\[([^\]]+)\]\(\)', '$1')
    $t = $t -replace '\*\*(.+?)\*\*', '$1' -replace '(?<![\w*])__(.+?)__(?![\w*])', '$1'
    $t = $t -replace '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1'
    [regex]::Replace($t, "`u{E000}(\d+)`u{E001}", { param($m) $spans[[int]$m.Groups[1].Value] })
}

function Get-Blocks {
    <#
        Markdown lines to blocks: @{ Kind = 'para'|'item'|'code'|'table'|'heading'; Text; Level; Marker }.
        Paragraph lines are joined; list items become one block each (continuation lines joined); code and tables
        keep their lines.
    #>
    param([string[]] $Lines)
    $blocks = [Collections.Generic.List[object]]::new()
    $buffer = [Collections.Generic.List[string]]::new()
    $kind = $null
    $marker = $null
    $flush = {
        if ($buffer.Count -gt 0) {
            $text = if ($kind -in 'code', 'table') { $buffer -join "`n" } else { ConvertFrom-Inline (($buffer | ForEach-Object Trim) -join ' ') }
            $blocks.Add(@{ Kind = $kind; Text = $text; Marker = $marker; Level = 0 })
        }
        $buffer.Clear()
        $kind = $null   # dot-sourced: these are Get-Blocks' own variables
        $marker = $null
    }
    $inFence = $false
    foreach ($line in $Lines) {
        if ($inFence) {
            if ($line -match '^\s*(```|~~~)\s*$') { $inFence = $false; . $flush; continue }
            $buffer.Add($line)
            continue
        }
        if ($line -match '^\s*(```|~~~)') { . $flush; $inFence = $true; $kind = 'code'; continue }
        if ($line -match '^\s*$') { . $flush; continue }
        if ($line -match '^(#{1,6})\s+(.*)$') {
            . $flush
            $blocks.Add(@{ Kind = 'heading'; Text = (ConvertFrom-Inline $Matches[2].Trim()); Level = $Matches[1].Length; Marker = $null })
            continue
        }
        if ($line -match '^\s*\|') {
            if ($kind -ne 'table') { . $flush; $kind = 'table' }
            $buffer.Add($line.Trim())
            continue
        }
        if ($line -match '^(\s*)([-*+]|\d+[.)])\s+(.*)$') {
            . $flush
            $kind = 'item'
            $indent = $Matches[1].Length; $bullet = $Matches[2]; $first = $Matches[3]
            $marker = if ($bullet -match '^\d') { $bullet } else { '-' }
            $buffer.Add($first)
            if ($indent -ge 2) { $marker = '  ' + $marker }
            continue
        }
        if ($kind -eq 'table') { . $flush }
        if (-not $kind) { $kind = 'para' }
        $buffer.Add($line)
    }
    . $flush
    $blocks # callers wrap the call in @()
}

function Test-HasText($Blocks) { @(@($Blocks) | Where-Object { $_ -and $_.Kind -ne 'heading' -and $_.Text.Trim() }).Count -gt 0 }

function Read-HelpMarkdown([string] $Path) {
    $fm = Split-FrontMatter (Get-Content -LiteralPath $Path -Encoding utf8)
    $top = @(Split-Heading $fm.Lines 1)
    $titled = @($top | Where-Object Title)
    $doc = [ordered]@{
        Path = $Path; File = Split-Path $Path -Leaf; Meta = $fm.Meta
        Name = $null; Synopsis = @(); Description = @(); Examples = @(); Parameters = [ordered]@{}
        Inputs = @(); Outputs = @(); Notes = @(); Links = @()
    }
    if ($titled.Count -ne 1) { Add-Problem "$($doc.File): expected exactly one '# <Cmdlet-Name>' heading."; return $doc }
    $doc.Name = $titled[0].Title
    foreach ($section in @(Split-Heading $titled[0].Lines 2)) {
        if (-not $section.Title) { continue }
        switch ($section.Title.ToUpperInvariant()) {
            'SYNOPSIS' { $doc.Synopsis = @(Get-Blocks $section.Lines) }
            'DESCRIPTION' { $doc.Description = @(Get-Blocks $section.Lines) }
            'SYNTAX' { } # derived from the module
            'EXAMPLES' {
                $doc.Examples = @(foreach ($ex in @(Split-Heading $section.Lines 3)) {
                        if (-not $ex.Title) { continue }
                        $code = $null; $rest = [Collections.Generic.List[string]]::new()
                        $inFence = $false; $buffer = [Collections.Generic.List[string]]::new()
                        foreach ($line in $ex.Lines) {
                            if ($null -eq $code) {
                                if (-not $inFence -and $line -match '^\s*(```|~~~)') { $inFence = $true; continue }
                                if ($inFence -and $line -match '^\s*(```|~~~)\s*$') { $code = ($buffer -join "`n").Trim("`n"); continue }
                                if ($inFence) { $buffer.Add($line) } elseif ($line.Trim()) { $rest.Add($line) }
                                continue
                            }
                            $rest.Add($line)
                        }
                        @{ Title = $ex.Title; Code = $code; Remarks = @(Get-Blocks $rest) }
                    })
            }
            'PARAMETERS' {
                foreach ($p in @(Split-Heading $section.Lines 3)) {
                    if (-not $p.Title) { continue }
                    if ($p.Title -notmatch '^-(\w+)') { continue } # e.g. '### CommonParameters'
                    $name = $Matches[1]
                    $text = [Collections.Generic.List[string]]::new(); $yaml = @{}
                    $inYaml = $false; $inFence = $false
                    foreach ($line in $p.Lines) {
                        if ($line -match '^\s*```ya?ml\s*$') { $inYaml = $true; continue }
                        if ($inYaml) {
                            if ($line -match '^\s*```\s*$') { $inYaml = $false; continue }
                            if ($line -match '^\s*([^:]+):\s*(.*)$') { $yaml[$Matches[1].Trim()] = $Matches[2].Trim() }
                            continue
                        }
                        $text.Add($line)
                    }
                    $doc.Parameters[$name] = @{ Name = $name; Description = @(Get-Blocks $text); Yaml = $yaml }
                }
            }
            { $_ -in 'INPUTS', 'OUTPUTS' } {
                $entries = @(foreach ($t in @(Split-Heading $section.Lines 3)) {
                        if (-not $t.Title) {
                            if (Test-HasText (@(Get-Blocks $t.Lines))) { @{ Type = 'None'; Description = @(Get-Blocks $t.Lines) } }
                            continue
                        }
                        @{ Type = (ConvertFrom-Inline $t.Title); Description = @(Get-Blocks $t.Lines) }
                    })
                if ($section.Title -eq 'INPUTS') { $doc.Inputs = $entries } else { $doc.Outputs = $entries }
            }
            'NOTES' { $doc.Notes = @(Get-Blocks $section.Lines) }
            'RELATED LINKS' {
                $doc.Links = @(foreach ($line in $section.Lines) {
                        # Relative links (other .md files, for reading on GitHub) become plain link texts, as platyPS writes them.
                        if ($line -match '\[([^\]]+)\]\(([^)]*)\)') { @{ Text = $Matches[1]; Uri = $(if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }) } }
                    })
            }
            default { Add-Problem "$($doc.File): unknown section '## $($section.Title)'." }
        }
    }
    $doc
}

# ------------------------------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------------------------------

function Test-ExampleCode {
    <# The example must parse, and every GPhotos cmdlet it calls must know the parameters it is given. #>
    param($Doc, $Example, [hashtable] $CommandsByName, [hashtable] $DocsByName)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Example.Code, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) { Add-Problem "$($Doc.File): '$($Example.Title)': the code does not parse: $($e.Message) (line $($e.Extent.StartLineNumber))." }
    $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)
    foreach ($call in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
        $name = $call.GetCommandName()
        if (-not $name -or -not $CommandsByName.ContainsKey($name)) { continue }
        $command = $CommandsByName[$name]
        $known = @{}
        foreach ($set in $command.Sets) { foreach ($p in $set.Parameters) { $known[$p.Name] = $p.Name; foreach ($a in $p.Aliases) { $known[$a] = $p.Name } } }
        $documented = if ($DocsByName.ContainsKey($name)) { @($DocsByName[$name].Parameters.Keys) } else { @() }
        foreach ($element in $call.CommandElements) {
            if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
            $used = $element.ParameterName
            if ($used -in $common) { continue }
            # PowerShell accepts any unambiguous prefix of a parameter name or alias.
            $targets = @($known.Keys | Where-Object { $_ -like "$used*" } | ForEach-Object { $known[$_] } | Select-Object -Unique)
            if ($known.ContainsKey($used) -or $targets.Count -eq 1) { continue }
            if ($documented -contains $used) {
                $pending.Add("$name -$used") | Out-Null # documented, planned, not built yet: warned once at the end
                continue
            }
            Add-Problem "$($Doc.File): '$($Example.Title)' calls $name with -$used, which $name does not have."
        }
    }
}

# ------------------------------------------------------------------------------------------------------------------
# MAML writing
# ------------------------------------------------------------------------------------------------------------------

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

function ConvertTo-Paragraphs($Blocks) {
    <# Blocks to the strings of maml:para elements. #>
    @(foreach ($b in $Blocks) {
            switch ($b.Kind) {
                'item' { "$($b.Marker) $($b.Text)" }
                'code' { ($b.Text -split "`n" | ForEach-Object { "    $_" }) -join "`n" }
                'heading' { $b.Text.ToUpperInvariant() }
                default { $b.Text }
            }
        })
}

function Write-Paras([System.Xml.XmlWriter] $W, $Blocks, [string] $Element = 'description', [string] $Prefix = 'maml') {
    $W.WriteStartElement($Prefix, $Element, $ns[$Prefix])
    $paras = @(ConvertTo-Paragraphs $Blocks)
    if ($paras.Count -eq 0) { $paras = @('') }
    foreach ($p in $paras) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
}

function Get-ParameterFacts($Command) {
    <# One entry per parameter across all sets, in first-seen order: type, aliases, pipeline, required. #>
    $facts = [ordered]@{}
    foreach ($set in $Command.Sets) {
        foreach ($p in $set.Parameters) {
            if (-not $facts.Contains($p.Name)) {
                $facts[$p.Name] = @{ P = $p; RequiredEverywhere = $true; ByValue = $false; ByPropertyName = $false; Position = $p.Position; Sets = [Collections.Generic.List[string]]::new() }
            }
            $f = $facts[$p.Name]
            if (-not $p.Mandatory) { $f.RequiredEverywhere = $false }
            if ($p.ByValue) { $f.ByValue = $true }
            if ($p.ByPropertyName) { $f.ByPropertyName = $true }
            if ($null -eq $f.Position -and $null -ne $p.Position) { $f.Position = $p.Position }
            $f.Sets.Add($set.Name)
        }
    }
    $facts
}

function Get-PipelineText([bool] $ByValue, [bool] $ByPropertyName) {
    if ($ByValue -and $ByPropertyName) { 'True (ByPropertyName, ByValue)' }
    elseif ($ByValue) { 'True (ByValue)' }
    elseif ($ByPropertyName) { 'True (ByPropertyName)' }
    else { 'False' }
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $W, $P, [bool] $Required, $Position, [string] $Pipeline, $Doc, [bool] $InSyntax)
    $param = if ($Doc.Parameters.Contains($P.Name)) { $Doc.Parameters[$P.Name] } else { $null }
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', ([bool]($P.Type.Name -like '*[[]]')).ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', ([bool]$P.Globbing).ToString().ToLowerInvariant())
    $W.WriteAttributeString('pipelineInput', $Pipeline)
    $W.WriteAttributeString('position', $(if ($null -ne $Position) { [string]$Position } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if (@($P.Aliases).Count) { @($P.Aliases) -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $P.Name)
    Write-Paras $W $(if ($param) { $param.Description } else { Get-DefaultParameterHelp $P.Name })
    $values = @($P.ValidValues)
    if ($InSyntax -and $values.Count) {
        $W.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($v in $values) {
            $W.WriteStartElement('command', 'parameterValue', $ns.command)
            $W.WriteAttributeString('required', 'false')
            $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v)
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    # Switches show no value in the syntax (platyPS does the same).
    if (-not ($InSyntax -and $P.Type.IsSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', $(if ($P.Type.IsSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($P.Type.Name)
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $P.Type.FullName)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $default = if ($param -and $param.Yaml.ContainsKey('Default value')) { $param.Yaml['Default value'] } elseif ($P.Type.IsSwitch) { 'False' } else { 'None' }
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $default)
    $W.WriteEndElement()
}

function Get-DefaultParameterHelp([string] $Name) {
    <# The standard text for the ShouldProcess parameters, so the markdown need not repeat it. #>
    switch ($Name) {
        'WhatIf' { return , @(@{ Kind = 'para'; Text = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'; Marker = $null; Level = 0 }) }
        'Confirm' { return , @(@{ Kind = 'para'; Text = 'Prompts you for confirmation before running the cmdlet.'; Marker = $null; Level = 0 }) }
        default { return , @() }
    }
}

function Write-Command([System.Xml.XmlWriter] $W, $Command, $Doc) {
    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $W.WriteAttributeString('xmlns', 'command', $null, $ns.command)
    $W.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $W.WriteAttributeString('xmlns', 'MSHelp', $null, $ns.MSHelp)

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    Write-Paras $W $Doc.Synopsis
    $W.WriteEndElement()

    Write-Paras $W $Doc.Description

    # Syntax: one item per parameter set, the default set first; positional, then mandatory, then the rest,
    # with -WhatIf/-Confirm last (the order Get-Command shows).
    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in @($Command.Sets | Sort-Object { -not $_.IsDefault })) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        $ordered = @($set.Parameters | Sort-Object `
            @{ Expression = { if ($_.Name -in 'WhatIf', 'Confirm') { 3 } elseif ($null -ne $_.Position) { 0 } elseif ($_.Mandatory) { 1 } else { 2 } } },
            @{ Expression = { if ($null -ne $_.Position) { [int]$_.Position } else { 0 } } })
        foreach ($p in $ordered) {
            Write-Parameter $W $p ([bool]$p.Mandatory) $p.Position (Get-PipelineText $p.ByValue $p.ByPropertyName) $Doc -InSyntax $true
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    $facts = Get-ParameterFacts $Command
    # Alphabetical like platyPS, with -WhatIf and -Confirm last.
    foreach ($name in @($facts.Keys | Sort-Object @{ Expression = { $_ -in 'WhatIf', 'Confirm' } }, @{ Expression = { $_ } })) {
        $f = $facts[$name]
        Write-Parameter $W $f.P $f.RequiredEverywhere $f.Position (Get-PipelineText $f.ByValue $f.ByPropertyName) $Doc -InSyntax $false
    }
    $W.WriteEndElement()

    foreach ($kind in @(@{ List = 'inputTypes'; Item = 'inputType'; Entries = $Doc.Inputs }, @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Doc.Outputs })) {
        $W.WriteStartElement('command', $kind.List, $ns.command)
        $entries = @($kind.Entries)
        if ($entries.Count -eq 0) { $entries = @(@{ Type = 'None'; Description = @() }) }
        foreach ($e in $entries) {
            $W.WriteStartElement('command', $kind.Item, $ns.command)
            $W.WriteStartElement('dev', 'type', $ns.dev)
            $W.WriteElementString('maml', 'name', $ns.maml, $e.Type)
            $W.WriteEndElement()
            Write-Paras $W $e.Description
            $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    $notes = @(ConvertTo-Paragraphs $Doc.Notes)
    if ($notes.Count -eq 0) { $notes = @('') }
    foreach ($p in $notes) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    foreach ($ex in $Doc.Examples) {
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($ex.Title) --------------------------")
        $W.WriteElementString('dev', 'code', $ns.dev, $ex.Code)
        # A trailing empty paragraph puts a blank line between examples in Get-Help's output.
        Write-Paras $W (@($ex.Remarks) + @(@{ Kind = 'para'; Text = ''; Marker = $null; Level = 0 })) -Element 'remarks' -Prefix 'dev'
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = [Collections.Generic.List[object]]::new()
    if ($Doc.Meta.ContainsKey('online version') -and $Doc.Meta['online version']) { $links.Add(@{ Text = 'Online Version:'; Uri = $Doc.Meta['online version'] }) }
    foreach ($l in $Doc.Links) { $links.Add($l) }
    foreach ($l in $links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement() # command:command
}

# ------------------------------------------------------------------------------------------------------------------
# about_*.md to about_*.help.txt
# ------------------------------------------------------------------------------------------------------------------

function Format-Wrapped([string] $Text, [string] $Indent, [string] $HangingIndent, [int] $Width = 80) {
    $lines = [Collections.Generic.List[string]]::new()
    $line = $Indent
    $fresh = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $fresh -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line)
            $line = $HangingIndent + $word
        }
        else {
            $line = if ($fresh) { $line + $word } else { "$line $word" }
        }
        $fresh = $false
    }
    if (-not $fresh) { $lines.Add($line) }
    $lines
}

function ConvertTo-AboutText([string] $Path) {
    $fm = Split-FrontMatter (Get-Content -LiteralPath $Path -Encoding utf8)
    $blocks = @(Get-Blocks $fm.Lines)
    $out = [Collections.Generic.List[string]]::new()
    $title = $blocks | Where-Object { $_.Kind -eq 'heading' -and $_.Level -eq 1 } | Select-Object -First 1
    if (-not $title) { Add-Problem "$(Split-Path $Path -Leaf): expected a '# about_<Name>' heading."; return $null }
    $out.Add('TOPIC'); $out.Add("    $($title.Text)"); $out.Add('')
    $sections = @($blocks | Where-Object { $_.Kind -eq 'heading' -and $_.Level -eq 2 } | ForEach-Object Text)
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ($sections -notcontains $required) { Add-Problem "$(Split-Path $Path -Leaf): missing '## $required'." }
    }
    $previous = $null
    foreach ($b in $blocks) {
        if ($b -eq $title) { continue }
        # A list ends with a blank line before whatever follows it.
        if ($previous -eq 'item' -and $b.Kind -ne 'item') { $out.Add('') }
        $previous = $b.Kind
        switch ($b.Kind) {
            'heading' {
                if ($out.Count -and $out[$out.Count - 1] -ne '') { $out.Add('') }
                if ($b.Level -le 2) { $out.Add($b.Text.ToUpperInvariant()) } else { $out.Add("  $($b.Text)") }
            }
            'para' { foreach ($l in Format-Wrapped $b.Text '    ' '    ') { $out.Add($l) }; $out.Add('') }
            'item' {
                $lead = if ($b.Marker.StartsWith('  ')) { '      ' } else { '    ' }
                $marker = $b.Marker.Trim()
                foreach ($l in Format-Wrapped $b.Text "$lead$marker " ($lead + (' ' * ($marker.Length + 1)))) { $out.Add($l) }
            }
            'code' { foreach ($l in $b.Text -split "`n") { $out.Add(("        $l").TrimEnd()) }; $out.Add('') }
            'table' {
                foreach ($l in $b.Text -split "`n") {
                    if ($l -match '^\|[\s:|-]+\|$') { continue } # the |---| rule
                    $cells = @($l.Trim('|') -split '\|' | ForEach-Object { ConvertFrom-Inline $_.Trim() })
                    $out.Add(('    ' + ($cells -join '  |  ')).TrimEnd())
                }
                $out.Add('')
            }
        }
    }
    # No doubled blank lines.
    $final = [Collections.Generic.List[string]]::new()
    foreach ($line in $out) {
        if ($line -eq '' -and $final.Count -and $final[$final.Count - 1] -eq '') { continue }
        $final.Add($line)
    }
    ($final -join [Environment]::NewLine).TrimEnd() + [Environment]::NewLine
}

# ------------------------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------------------------

$commands = Get-CommandMetadata $ModulePath
$commandsByName = @{}
foreach ($c in $commands) { $commandsByName[$c.Name] = $c }

$docs = @(Get-ChildItem -LiteralPath $HelpSource -Filter *.md -File | Where-Object { $_.BaseName -notlike 'about_*' -and $_.Name -ne 'README.md' } |
        Sort-Object Name | ForEach-Object { Read-HelpMarkdown $_.FullName })
$docsByName = @{}
foreach ($d in $docs) {
    if (-not $d.Name) { continue }
    if ($d.Name -ne [IO.Path]::GetFileNameWithoutExtension($d.File)) { Add-Problem "$($d.File): the heading '# $($d.Name)' does not match the file name." }
    $docsByName[$d.Name] = $d
}

# Every markdown file must be complete in itself, whether or not its cmdlet exists yet.
foreach ($d in $docs) {
    if (-not $d.Name) { continue }
    if (-not (Test-HasText $d.Synopsis)) { Add-Problem "$($d.File): no SYNOPSIS." }
    if (-not (Test-HasText $d.Description)) { Add-Problem "$($d.File): no DESCRIPTION." }
    if ($d.Examples.Count -eq 0) { Add-Problem "$($d.File): no EXAMPLES (### Example n: title, then a powershell code block)." }
    foreach ($ex in $d.Examples) {
        if ($ex.Title -notmatch '^Example \d+: \S') { Add-Problem "$($d.File): example heading '$($ex.Title)' should read 'Example <n>: <title>'." }
        if (-not $ex.Code) { Add-Problem "$($d.File): '$($ex.Title)' has no code block." }
        elseif ($commandsByName.Count) { Test-ExampleCode $d $ex $commandsByName $docsByName }
        if (-not (Test-HasText $ex.Remarks)) { Add-Problem "$($d.File): '$($ex.Title)' has no remarks (say what it does and why)." }
    }
    foreach ($p in $d.Parameters.Values) {
        if (-not (Test-HasText $p.Description)) { Add-Problem "$($d.File): -$($p.Name) has no description." }
    }
}

# Cmdlets that exist: every parameter needs help. Cmdlets or parameters that do not exist yet only warn.
$documented = [Collections.Generic.List[object]]::new()
foreach ($c in $commands | Sort-Object Name) {
    if (-not $docsByName.ContainsKey($c.Name)) {
        Write-Warning "Build-Help: $($c.Name) is exported but has no docs/help/$($c.Name).md; it ships without help."
        continue
    }
    $d = $docsByName[$c.Name]
    $facts = Get-ParameterFacts $c
    foreach ($name in $facts.Keys) {
        if ($name -in 'WhatIf', 'Confirm' -and -not $d.Parameters.Contains($name)) { continue } # standard text
        if (-not $d.Parameters.Contains($name)) { Add-Problem "$($d.File): parameter -$name of $($c.Name) is not documented (add '### -$name' under '## PARAMETERS')." }
    }
    foreach ($name in $d.Parameters.Keys) {
        if (-not $facts.Contains($name)) { Write-Warning "Build-Help: $($d.File) documents -$name, which $($c.Name) does not have (yet); it is left out of the help." }
    }
    $documented.Add(@{ Command = $c; Doc = $d })
}
foreach ($p in $pending) { Write-Warning "Build-Help: examples use $p, which is documented but not in the module yet." }
foreach ($d in $docs) {
    if ($d.Name -and -not $commandsByName.ContainsKey($d.Name)) {
        Write-Warning "Build-Help: $($d.File) documents $($d.Name), which the module does not export (yet); skipped."
    }
}

$abouts = @(Get-ChildItem -LiteralPath $HelpSource -Filter 'about_*.md' -File | Sort-Object Name)
$aboutTexts = @{}
foreach ($a in $abouts) { $aboutTexts[$a.BaseName] = ConvertTo-AboutText $a.FullName }

if ($problems.Count) {
    throw "Build-Help: the help in '$HelpSource' is incomplete ($($problems.Count) problem(s)):`n  - " + ($problems -join "`n  - ")
}

# Write the files.
$null = New-Item -ItemType Directory -Force -Path $OutputFolder
$helpFile = @($commands | ForEach-Object HelpFile | Where-Object { $_ }) | Select-Object -First 1
if (-not $helpFile) { $helpFile = [IO.Path]::GetFileNameWithoutExtension($ModulePath) + '.dll-Help.xml' }
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$xmlPath = Join-Path $OutputFolder $helpFile
$writer = [System.Xml.XmlWriter]::Create($xmlPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', $ns.msh)
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($entry in $documented) { Write-Command $writer $entry.Command $entry.Doc }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }
$null = [xml](Get-Content -LiteralPath $xmlPath -Raw) # well-formed, or fail here rather than in Get-Help

foreach ($name in $aboutTexts.Keys) {
    # UTF-8 with a BOM: Windows PowerShell 5.1 reads help text files without one as ANSI.
    [IO.File]::WriteAllText((Join-Path $OutputFolder "$name.help.txt"), $aboutTexts[$name], [Text.UTF8Encoding]::new($true))
}
Write-Host "Help: $($documented.Count) cmdlet(s) in $helpFile, $($aboutTexts.Count) about topic(s) in $OutputFolder." -ForegroundColor Green
