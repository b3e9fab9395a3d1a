# Sign-in is proven in separate pwsh processes, as a user and a scheduled task would run it: the browser is a
# stand-in (GPHOTOS_BROWSER) that follows the authorization redirect to the loopback listener, like a person
# clicking "Allow".
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:emu = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emu.HostPort
    Import-Module $env:GPHOTOS_TEST_MODULE -Force

    $script:browser = Join-Path $TestDrive 'fake-browser.sh'
    Set-Content $browser "#!/bin/sh`ncurl -s -L -o /dev/null `"`$1`"`n"
    if (-not $IsWindows) { chmod +x $browser }

    function Invoke-Connect([string] $Script, [string] $Cache, [switch] $Interactive) {
        $envs = @{ GPHOTOS_EMULATOR_HOST = $emu.HostPort; GPHOTOS_TEST_CACHE = $Cache; GPHOTOS_BROWSER = $browser }
        if ($Interactive) { $envs.GPHOTOS_INTERACTIVE = '1' }
        $prelude = "`$ErrorActionPreference = 'Stop'; Import-Module `$env:GPHOTOS_TEST_MODULE`n"
        Invoke-ChildPwsh -Script ($prelude + $Script) -Environment $envs -Interactive:$Interactive
    }
}

AfterAll {
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $emu
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Describe 'Connect-GPhotos' -Skip:($IsWindows) {
    BeforeEach {
        Reset-TestEmulator $emu
        $script:cache = Join-Path $TestDrive ([guid]::NewGuid())
        Add-TestItem $emu -Item @(@{ filename = 'one.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null
    }

    It 'signs in through the browser once, then runs unattended from the protected cache' {
        $first = Invoke-Connect -Interactive -Cache $cache -Script @'
$c = Connect-GPhotos -ClientId 'test-client.apps.googleusercontent.com' -ClientSecret 'not-secret' -TokenCachePath $env:GPHOTOS_TEST_CACHE -PassThru -Verbose 4>&1
$c | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { "VERBOSE: $($_.Message)" }
$info = $c | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
"SOURCE=$($info.Source)"
"ITEMS=$(@(Get-GPhotosMediaItem).Count)"
$info | ConvertTo-Json -Depth 3
'@
        $first.ExitCode | Should -Be 0 -Because $first.Error
        $first.Output | Should -Match 'SOURCE=Browser'
        $first.Output | Should -Match 'ITEMS=1'
        (Get-TestCounter $emu).requests.'oauth.authorize' | Should -Be 1

        # The cache: 0600 file in a 0700 folder, and no token anywhere in what the user saw.
        $file = @(Get-ChildItem $cache -File)
        $file.Count | Should -Be 1
        [Convert]::ToString([int](Get-Item $cache).UnixFileMode, 8) | Should -Be '700'
        [Convert]::ToString([int]$file[0].UnixFileMode, 8) | Should -Be '600'
        $cached = Get-Content $file[0].FullName -Raw
        $tokens = [regex]::Matches($cached, '"(access_token|refresh_token|AccessToken|RefreshToken)"\s*:\s*"([^"]+)"') | ForEach-Object { $_.Groups[2].Value }
        $tokens.Count | Should -BeGreaterThan 0
        foreach ($t in $tokens) { $first.Output + $first.Error | Should -Not -Match ([regex]::Escape($t)) }

        # Second run: a scheduled task (-NonInteractive) uses the cached refresh token, no browser.
        $second = Invoke-Connect -Cache $cache -Script @'
$c = Connect-GPhotos -ClientId 'test-client.apps.googleusercontent.com' -ClientSecret 'not-secret' -TokenCachePath $env:GPHOTOS_TEST_CACHE -PassThru
"SOURCE=$($c.Source)"
"ITEMS=$(@(Get-GPhotosMediaItem).Count)"
'@
        $second.ExitCode | Should -Be 0 -Because $second.Error
        $second.Output | Should -Match 'SOURCE=Cache'
        $second.Output | Should -Match 'ITEMS=1'
        (Get-TestCounter $emu).requests.'oauth.authorize' | Should -Be 1
    }

    It 'refreshes the access token when it expires mid-run' {
        $r = Invoke-Connect -Interactive -Cache $cache -Script @'
Connect-GPhotos -ClientId 'c1' -TokenCachePath $env:GPHOTOS_TEST_CACHE
$base = "http://$($env:GPHOTOS_EMULATOR_HOST)/__emulator"
Invoke-RestMethod -Method Post "$base/tokens/expire" | Out-Null
$out = Get-GPhotosMediaItem -Verbose 4>&1
"ITEMS=$(@($out | Where-Object { $_ -is [GPhotos.Model.MediaItem] }).Count)"
"REFRESHED=$(@($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'refreshed access token' }).Count)"
'@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Match 'ITEMS=1'
        $r.Output | Should -Match 'REFRESHED=1' # a user debugging a scheduled run sees the refresh
        (Get-TestCounter $emu).requests.'oauth.token' | Should -BeGreaterOrEqual 2
    }

    It 'reports a refresh and its failed save to the next command, in order, never with a token' {
        $r = Invoke-Connect -Interactive -Cache $cache -Script @'
Connect-GPhotos -ClientId 'c6' -TokenCachePath $env:GPHOTOS_TEST_CACHE
$file = (Get-ChildItem $env:GPHOTOS_TEST_CACHE -File | Select-Object -First 1).FullName
$secret = [regex]::Match((Get-Content -Raw $file), '"(refresh_token|RefreshToken)"\s*:\s*"([^"]+)"').Groups[2].Value
# The cache file becomes a folder: the refreshed sign-in cannot be saved, which the refresh must say.
Remove-Item $file; New-Item -ItemType Directory $file | Out-Null
$base = "http://$($env:GPHOTOS_EMULATOR_HOST)/__emulator"
Invoke-RestMethod -Method Post "$base/tokens/expire" | Out-Null
$out = Get-GPhotosMediaItem -Verbose 4>&1 3>&1
$lines = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.WarningRecord] } |
    ForEach-Object { $_.GetType().Name + ': ' + $_.Message })
"ITEMS=$(@($out | Where-Object { $_ -is [GPhotos.Model.MediaItem] }).Count)"
"REFRESHED_AT=$([array]::FindIndex([string[]]$lines, [Predicate[string]]{ param($l) $l -match '^VerboseRecord: refreshed access token' }))"
"NOTSAVED_AT=$([array]::FindIndex([string[]]$lines, [Predicate[string]]{ param($l) $l -match '^WarningRecord: Could not save the refreshed sign-in' -and $l.Contains($file) }))"
"SECRET_SHOWN=$(($secret.Length -lt 8) -or (($lines -join ' ').Contains($secret)))"
'@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Match 'ITEMS=1'
        $refreshed = [int](($r.Output | Select-String 'REFRESHED_AT=(-?\d+)').Matches[0].Groups[1].Value)
        $notSaved = [int](($r.Output | Select-String 'NOTSAVED_AT=(-?\d+)').Matches[0].Groups[1].Value)
        $refreshed | Should -BeGreaterOrEqual 0
        $notSaved | Should -BeGreaterThan $refreshed # the warning naming the file, after the refresh it is about
        $r.Output | Should -Match 'SECRET_SHOWN=False'
    }

    It 'fails fast, without a browser, in a non-interactive run with no cached token' {
        $r = Invoke-Connect -Cache $cache -Script @'
try { Connect-GPhotos -ClientId 'c2' -TokenCachePath $env:GPHOTOS_TEST_CACHE; 'CONNECTED' }
catch { "ERRORID=$($_.FullyQualifiedErrorId)"; "MESSAGE=$($_.Exception.Message)"; exit 3 }
'@
        $r.ExitCode | Should -Be 3
        $r.Elapsed.TotalSeconds | Should -BeLessThan 20
        $r.Output | Should -Match 'ERRORID=InteractiveLoginRequired'
        $r.Output | Should -Match 'Connect-GPhotos'
        [int](Get-TestCounter $emu).requests.'oauth.authorize' | Should -Be 0
    }

    It 'treats a token cache of the wrong JSON shape as no cache: a warning naming the file, then a new sign-in' {
        $ok = Invoke-Connect -Interactive -Cache $cache -Script "Connect-GPhotos -ClientId 'c5' -TokenCachePath `$env:GPHOTOS_TEST_CACHE"
        $ok.ExitCode | Should -Be 0 -Because $ok.Error
        $file = @(Get-ChildItem $cache -Filter '*.token')[0].FullName
        $text = Get-Content $file -Raw
        # Same file, but "format" is an object where a string belongs (it used to fail as InvalidArgument).
        Set-Content $file ($text -replace '"format":\s*"[^"]*"', '"format": {"x": 1}') -NoNewline
        $r = Invoke-Connect -Cache $cache -Script @'
try { Connect-GPhotos -ClientId 'c5' -TokenCachePath $env:GPHOTOS_TEST_CACHE -WarningVariable w -WarningAction SilentlyContinue; 'CONNECTED' }
catch { "WARNING=$w"; "ERRORID=$($_.FullyQualifiedErrorId)"; "CATEGORY=$($_.CategoryInfo.Category)"; exit 3 }
'@
        $r.ExitCode | Should -Be 3
        $r.Output | Should -Match 'ERRORID=InteractiveLoginRequired'
        $r.Output | Should -Match 'CATEGORY=AuthenticationError'
        $r.Output | Should -Match ('WARNING=.*' + [regex]::Escape($file))
        $again = Invoke-Connect -Interactive -Cache $cache -Script "Connect-GPhotos -ClientId 'c5' -TokenCachePath `$env:GPHOTOS_TEST_CACHE -WarningAction SilentlyContinue; 'CONNECTED'"
        $again.ExitCode | Should -Be 0 -Because $again.Error
        $again.Output | Should -Match 'CONNECTED'
    }

    It 'explains the 7-day Testing limit when the refresh token was revoked' {
        $ok = Invoke-Connect -Interactive -Cache $cache -Script "Connect-GPhotos -ClientId 'c3' -TokenCachePath `$env:GPHOTOS_TEST_CACHE"
        $ok.ExitCode | Should -Be 0 -Because $ok.Error
        # Google revokes it (the user removed access, or 7 days passed in Testing mode).
        $cached = Get-Content (Get-ChildItem $cache -File)[0].FullName -Raw
        $refresh = [regex]::Match($cached, '"(refresh_token|RefreshToken)"\s*:\s*"([^"]+)"').Groups[2].Value
        Invoke-RestMethod -Method Post "$($emu.Url)/revoke" -Body @{ token = $refresh } | Out-Null
        $r = Invoke-Connect -Cache $cache -Script @'
try { Connect-GPhotos -ClientId 'c3' -TokenCachePath $env:GPHOTOS_TEST_CACHE; 'CONNECTED' }
catch { "ERRORID=$($_.FullyQualifiedErrorId)"; "MESSAGE=$($_.Exception.Message)"; exit 3 }
'@
        $r.ExitCode | Should -Be 3
        $r.Output | Should -Match '7 days'
        $r.Output | Should -Match 'Connect-GPhotos'
    }

    It 'says so when the user denies access' {
        Invoke-Emulator $emu 'oauth' -Method Post -Body @{ mode = 'access_denied' } | Out-Null
        $r = Invoke-Connect -Interactive -Cache $cache -Script @'
try { Connect-GPhotos -ClientId 'c4' -TokenCachePath $env:GPHOTOS_TEST_CACHE -Timeout '00:00:30'; 'CONNECTED' }
catch { "ERRORID=$($_.FullyQualifiedErrorId)"; exit 3 }
'@
        $r.ExitCode | Should -Be 3
        $r.Output | Should -Match 'ERRORID=AuthorizationDenied'
    }

    It 'revokes at Google and deletes the cache on Disconnect-GPhotos -Revoke' {
        $r = Invoke-Connect -Interactive -Cache $cache -Script @'
Connect-GPhotos -ClientId 'c5' -TokenCachePath $env:GPHOTOS_TEST_CACHE
Disconnect-GPhotos -Revoke
try { Get-GPhotosMediaItem } catch { "ERRORID=$($_.FullyQualifiedErrorId)" }
'@
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output | Should -Match 'ERRORID=NotConnected'
        @(Get-ChildItem $cache -File -ErrorAction SilentlyContinue).Count | Should -Be 0
        (Get-TestCounter $emu).requests.'oauth.revoke' | Should -Be 1
    }

    It '-Drive adds Drive to the saved sign-in, keeping Photos; a scheduled run without that consent names the exact command' {
        $ok = Invoke-Connect -Interactive -Cache $cache -Script "Connect-GPhotos -ClientId 'd1' -TokenCachePath `$env:GPHOTOS_TEST_CACHE"
        $ok.ExitCode | Should -Be 0 -Because $ok.Error

        $r = Invoke-Connect -Cache $cache -Script @'
try { Connect-GPhotos -ClientId 'd1' -TokenCachePath $env:GPHOTOS_TEST_CACHE -Drive; 'CONNECTED' }
catch { "ERRORID=$($_.FullyQualifiedErrorId)"; "MESSAGE=$($_.Exception.Message)"; exit 3 }
'@
        $r.ExitCode | Should -Be 3
        $r.Output | Should -Match 'ERRORID=InteractiveLoginRequired'
        $r.Output | Should -Match 'drive\.readonly'
        $r.Output | Should -Match 'Connect-GPhotos -ClientSecretPath .* -Drive\b'
        [int](Get-TestCounter $emu).requests.'oauth.authorize' | Should -Be 1

        $drive = Invoke-Connect -Interactive -Cache $cache -Script @'
$c = Connect-GPhotos -ClientId 'd1' -TokenCachePath $env:GPHOTOS_TEST_CACHE -Drive -PassThru
"SOURCE=$($c.Source)"
$c.Scopes | ForEach-Object { "SCOPE=$_" }
"ITEMS=$(@(Get-GPhotosMediaItem).Count)"
'@
        $drive.ExitCode | Should -Be 0 -Because $drive.Error
        $drive.Output | Should -Match 'SOURCE=Browser'
        $drive.Output | Should -Match 'SCOPE=https://www.googleapis.com/auth/drive.readonly'
        $drive.Output | Should -Match 'SCOPE=https://www.googleapis.com/auth/photospicker.mediaitems.readonly'
        $drive.Output | Should -Match 'ITEMS=1'

        # From now on the scheduled run connects silently, with or without the switch, and keeps Drive.
        $later = Invoke-Connect -Cache $cache -Script "(Connect-GPhotos -ClientId 'd1' -TokenCachePath `$env:GPHOTOS_TEST_CACHE -PassThru).Scopes -join ' '"
        $later.ExitCode | Should -Be 0 -Because $later.Error
        $later.Output | Should -Match 'drive\.readonly'
        [int](Get-TestCounter $emu).requests.'oauth.authorize' | Should -Be 2
    }
}

Describe 'Connect-GPhotos -AccessToken with GPHOTOS_EMULATOR_HOST' {
    It 'warns that a real Google token would travel over plain HTTP' {
        Connect-GPhotos -AccessToken 'ya29.a0-looks-real' -WarningVariable w -WarningAction SilentlyContinue
        $w.Count | Should -Be 1
        "$w" | Should -Match 'GPHOTOS_EMULATOR_HOST'
        "$w" | Should -Match 'plain HTTP'
        Disconnect-GPhotos
    }

    It 'does not warn for the emulator''s own tokens on loopback' {
        Connect-GPhotos -AccessToken (New-TestToken $emu).accessToken -WarningVariable w -WarningAction SilentlyContinue
        $w.Count | Should -Be 0
        Disconnect-GPhotos
    }
}

Describe 'Connections are per runspace' {
    BeforeAll { Reset-TestEmulator $emu; Add-TestItem $emu -Item @(@{ filename = 'one.jpg'; type = 'PHOTO'; appCreated = $true }) | Out-Null }

    It 'keeps two runspaces'' connections apart' {
        Connect-GPhotos -AccessToken (New-TestToken $emu).accessToken
        $other = [powershell]::Create()
        try {
            $null = $other.AddScript({
                    param($module, $hostPort, $token)
                    $env:GPHOTOS_EMULATOR_HOST = $hostPort
                    Import-Module $module
                    Connect-GPhotos -AccessToken $token
                    try { Get-GPhotosMediaItem -ErrorAction Stop; 'LISTED' } catch { $_.FullyQualifiedErrorId }
                }).AddArgument($env:GPHOTOS_TEST_MODULE).AddArgument($emu.HostPort).AddArgument((New-TestToken $emu -Scope 'https://www.googleapis.com/auth/photoslibrary.readonly').accessToken)
            $out = $other.Invoke()
            "$out" | Should -Match '^InsufficientScopes'
            # This runspace still has its own, working connection.
            @(Get-GPhotosMediaItem).Count | Should -Be 1
        }
        finally { $other.Dispose() }
    }

    It 'never shows a token in -PassThru' {
        $t = (New-TestToken $emu).accessToken
        $info = Connect-GPhotos -AccessToken $t -PassThru
        ($info | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($t))
        "$info" | Should -Not -Match ([regex]::Escape($t))
    }
}
