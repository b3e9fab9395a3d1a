# Every exported cmdlet ships real help: what Get-Help shows a user, not what PowerShell makes up when there is none.
# The help is built from docs/help/*.md by docs/tools/Build-Help.ps1; a failure here names the markdown to fix.

BeforeDiscovery {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $cmdlets = @(Get-Command -Module GPhotos -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{ Name = $_.Name; Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object) }
        })
}

BeforeAll {
    Import-Module $env:GPHOTOS_TEST_MODULE -Force
    function Get-HelpText($Node) {
        # maml:para elements come back as objects with a Text property (or as plain strings).
        (@($Node) | ForEach-Object { if ($_ -is [string]) { $_ } elseif ($_.PSObject.Properties['Text']) { $_.Text } } | Where-Object { $_ }) -join "`n"
    }
}

Describe 'The module' {
    It 'exports cmdlets (the help tests below need some)' {
        @(Get-Command -Module GPhotos -CommandType Cmdlet).Count | Should -BeGreaterThan 0
    }

    It 'has a valid manifest' {
        $manifest = Test-ModuleManifest -Path $env:GPHOTOS_TEST_MODULE -ErrorAction Stop
        $manifest.Name | Should -Be 'GPhotos'
        $manifest.Description | Should -Not -BeNullOrEmpty
        $manifest.Author | Should -Not -BeNullOrEmpty
    }

    It 'ships the help files where Get-Help looks for them' {
        $base = Split-Path $env:GPHOTOS_TEST_MODULE -Parent
        Join-Path $base 'en-US/GPhotos.dll-Help.xml' | Should -Exist
        Join-Path $base 'en-US/about_GPhotos.help.txt' | Should -Exist
        { [xml](Get-Content -Raw (Join-Path $base 'en-US/GPhotos.dll-Help.xml')) } | Should -Not -Throw
    }
}

Describe 'about_GPhotos' {
    BeforeAll {
        $about = Get-Help about_GPhotos -ErrorAction Stop
        $text = $about | Out-String -Width 200
    }

    It 'is found by Get-Help' {
        $about | Should -Not -BeNullOrEmpty
        $text | Should -Match 'about_GPhotos'
    }

    It 'explains <Topic>' -ForEach @(
        @{ Topic = 'the three sources'; Pattern = '(?s)Picker.*Takeout.*Library' }
        @{ Topic = 'the 2025 Library API change'; Pattern = '2025' }
        @{ Topic = 'the Desktop app OAuth client'; Pattern = 'Desktop app' }
        @{ Topic = 'the 7-day Testing limit'; Pattern = '7 days' }
        @{ Topic = 'where tokens live'; Pattern = 'DPAPI' }
        @{ Topic = 'how to remove tokens'; Pattern = 'Disconnect-GPhotos -Revoke' }
        @{ Topic = 'the emulator'; Pattern = 'GPHOTOS_EMULATOR_HOST' }
        @{ Topic = 'the retry delay variable'; Pattern = 'GPHOTOS_RETRY_DELAY_SCALE' }
        @{ Topic = 'the interactive override'; Pattern = 'GPHOTOS_INTERACTIVE' }
        @{ Topic = 'that the API cannot delete'; Pattern = 'cannot delete' }
        # The unattended Takeout set-up (issue 14): every step a user must get right, and why.
        @{ Topic = 'Takeout delivered to Drive'; Pattern = '"Add\s+to\s+Drive"' }
        @{ Topic = 'the 2-month schedule and zip parts'; Pattern = '(?s)Export\s+every\s+2\s+months.*file\s+type\s+\.zip' }
        @{ Topic = 'the nightly example script'; Pattern = 'Backup-TakeoutFromDrive\.ps1' }
        @{ Topic = 'removing exports once saved'; Pattern = '(?s)Remove-GPhotosTakeoutArchive\s+-Destination.*permanent' }
        @{ Topic = 'the recipe for a full quota'; Pattern = 'no\s+room\s+for\s+a\s+second\s+copy' }
        @{ Topic = 'the restricted Drive scopes and the unverified-app screen'; Pattern = '(?s)"restricted"\s+scopes.*hasn.t\s+verified\s+this\s+app' }
        @{ Topic = 'that a Testing client stops an unattended job within a week'; Pattern = '(?s)"Testing"\s+loses\s+its\s+refresh\s+token\s+after\s+7\s+days' }
        @{ Topic = 'the Takeout entry cache and a new computer'; Pattern = '(?s)GPHOTOS_TAKEOUT_CACHE.*new\s+computer' }
    ) {
        $text | Should -Match $Pattern
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a synopsis of its own (not the generated syntax line)' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match "^$([regex]::Escape($Name))(\s|$)" -Because 'Get-Help makes up a synopsis from the syntax when there is no help'
    }

    It 'has a description' {
        Get-HelpText $help.description | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with a title, code that parses, and remarks' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            "$($example.title)".Trim('-', ' ') | Should -Not -BeNullOrEmpty
            "$($example.code)" | Should -Not -BeNullOrEmpty
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput("$($example.code)", [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "the code of '$($example.title)' should parse"
            Get-HelpText $example.remarks | Should -Not -BeNullOrEmpty
        }
    }

    It 'documents -<_>' -ForEach $Parameters {
        $parameter = @($help.parameters.parameter | Where-Object name -EQ $_)
        $parameter.Count | Should -Be 1 -Because "Get-Help $Name -Parameter $_ should find it"
        Get-HelpText $parameter[0].description | Should -Not -BeNullOrEmpty
    }

    It 'shows one syntax per parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }

    It 'documents no parameter the cmdlet does not have' {
        foreach ($documented in @($help.parameters.parameter.name)) {
            $command.Parameters.Keys | Should -Contain $documented
        }
    }
}
