# The short soak (the long one is build.ps1 -Task Soak): a seeded randomized fault run over 300 mixed items, the
# first run killed part-way (a real process kill), run again, then the invariants. See tests/Soak/Soak.psm1.
# Skipped on Windows like the Connect tests: the sign-in uses a POSIX stand-in browser.

Describe 'Soak (seed 4242, 300 items, fault probability 0.1)' -Skip:($IsWindows) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../Soak/Soak.psm1') -Force
        $script:soak = Invoke-GPhotosSoak -ModulePath $env:GPHOTOS_TEST_MODULE -EmulatorPath $env:GPHOTOS_TEST_EMULATOR `
            -WorkFolder (Join-Path $TestDrive 'soak') -Seed 4242 -Items 300 -Probability 0.1 -DelayScale '0.01' -Log { param($m) Write-Host "      $m" }
        Format-SoakSummary $soak | ForEach-Object { Write-Host "      $_" }

        function Assert-Check([string] $Name) {
            $matching = @($soak.Checks | Where-Object Name -Like $Name)
            $matching.Count | Should -BeGreaterThan 0 -Because "the soak has a check named '$Name'"
            foreach ($c in $matching) {
                $c.Passed | Should -BeTrue -Because "$($c.Name): $((@($c.Problems) | Select-Object -First 5) -join '; ')"
            }
        }
    }

    It 'kills the first run part-way with a real process kill' {
        Assert-Check 'run 1 was killed part-way'
        $soak.Runs[0].Killed | Should -BeTrue
    }

    It 'finishes the second run without a hang or a fatal error' {
        Assert-Check 'run 2 finished*'
    }

    It 'leaves no temporary or partial file' {
        Assert-Check '* no temporary or partial file'
    }

    It 'keeps the index equal to the disk' {
        Assert-Check '* index matches the disk'
    }

    It 'has every READY video and every photo (and motion video) on disk exactly once, byte for byte' {
        Assert-Check '* every item on disk once, byte for byte'
    }

    It 'reports every item it did not save as an error with a reason, and answers every item' {
        Assert-Check '* every item not saved has an error with a reason'
        Assert-Check '* every item answered (result or error)'
    }

    It 'warns about PROCESSING (and FAILED) videos and keeps them off the disk' {
        Assert-Check '* PROCESSING/FAILED videos warned about, not on disk'
    }

    It 'stays within ideal x (1 + 3 x 1.25p) + 3 x ThrottleLimit media requests' {
        Assert-Check 'media requests within the bound'
        $soak.MediaRequests | Should -BeLessOrEqual $soak.MediaBound
    }

    It 'fetches exactly what was reported missing, and nothing else, in a fault-free re-run' {
        Assert-Check 'run 3 (no faults) fetches exactly what was missing'
    }

    It 'really injected every kind of fault, expired tokens and refreshed them' {
        foreach ($kind in '429', '429noRetryAfter', '500', '503', 'drop', 'truncate', 'slow', 'expireUrl', 'unauthorized') {
            $soak.Counters.Faults[$kind] | Should -BeGreaterThan 0 -Because "fault kind $kind should have been injected"
        }
        ($soak.Runs[0].TokenExpiries + $soak.Runs[1].TokenExpiries) | Should -BeGreaterThan 0
        $soak.Counters.Requests['oauth.token'] | Should -BeGreaterThan 2 -Because 'expired tokens are refreshed through the token endpoint'
    }
}
