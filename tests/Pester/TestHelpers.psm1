# Shared by the Pester files: start the emulator (a real process on loopback), talk to its control API,
# and run pwsh children for what must be proven in a separate process (non-interactive runs, kills, locks).

$script:EmulatorDll = $env:GPHOTOS_TEST_EMULATOR
$script:ModulePath = $env:GPHOTOS_TEST_MODULE

function Start-TestEmulator {
    <# Starts GPhotos.Emulator on a free loopback port and returns { Url; HostPort; Process }. #>
    param([string[]] $Arguments = @(), [string] $EmulatorPath = $script:EmulatorDll)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($EmulatorPath, '--port', '0', '--parent-pid', $PID) + $Arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true # the emulator exits when this closes, so it never outlives its test
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $url = $null
    while (-not $url -and [DateTime]::UtcNow -lt $deadline) {
        $line = $process.StandardOutput.ReadLine()
        if ($null -eq $line) { break }
        if ($line -match '^EMULATOR_URL=(.+)$') { $url = $Matches[1].Trim() }
    }
    if (-not $url) { try { $process.Kill() } catch {}; throw 'The emulator did not report its address.' }
    # Keep draining stdout so the emulator never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{ Url = $url.TrimEnd('/'); HostPort = ([uri]$url).Authority; Process = $process }
}

function Stop-TestEmulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) {
        try { $Emulator.Process.StandardInput.Close() } catch {}
        if (-not $Emulator.Process.WaitForExit(5000)) { $Emulator.Process.Kill() }
    }
}

function New-PwshStartInfo {
    <# A ProcessStartInfo for a child pwsh with all streams redirected. #>
    param([string[]] $Arguments)
    # pwsh may be a native install or a .NET tool ('dotnet pwsh', where the process is dotnet itself).
    $native = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path $native) { $psi = [System.Diagnostics.ProcessStartInfo]::new($native) }
    else { $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet'); $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    $psi.UseShellExecute = $false
    $psi
}

function Invoke-Emulator {
    <# Calls the emulator's control API (/__emulator/...). #>
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'Get',
        $Body
    )
    $params = @{ Uri = "$($Emulator.Url)/__emulator/$($Path.TrimStart('/'))"; Method = $Method }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 10 -Compress); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function Reset-TestEmulator {
    param([Parameter(Mandatory)] $Emulator, [hashtable] $Library = @{ empty = $true })
    Invoke-Emulator $Emulator 'reset' -Method Post -Body $Library | Out-Null
}

function Add-TestItem {
    <# Adds items to the emulator's library; returns them with their ids. #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [object[]] $Item)
    (Invoke-Emulator $Emulator 'items' -Method Post -Body @{ items = $Item }).items
}

function New-TestToken {
    <# Mints an access token at the emulator (skipping the browser flow) for the given scopes. #>
    param([Parameter(Mandatory)] $Emulator, [string[]] $Scope = @(
            'https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata',
            'https://www.googleapis.com/auth/photospicker.mediaitems.readonly'))
    Invoke-Emulator $Emulator 'tokens' -Method Post -Body @{ scopes = $Scope }
}

function Get-TestCounter {
    param([Parameter(Mandatory)] $Emulator)
    Invoke-Emulator $Emulator 'counters'
}

function Get-TestMediaHash {
    <# SHA-256 (hex) of the exact bytes the emulator serves for an item's variant (d or dv). #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Id, [string] $Variant = 'd')
    $bytes = (Invoke-WebRequest -Uri "$($Emulator.Url)/__emulator/media/$([uri]::EscapeDataString($Id))?variant=$Variant").Content
    if ($bytes -is [string]) { $bytes = [Text.Encoding]::UTF8.GetBytes($bytes) }
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([byte[]]$bytes))
}

function Invoke-ChildPwsh {
    <# Runs a script in a fresh pwsh (-NonInteractive unless told otherwise); returns { ExitCode; Output; Error; Elapsed }. #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [switch] $Interactive,
        [int] $TimeoutSeconds = 120
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) ("gphotos-child-" + [guid]::NewGuid() + '.ps1')
    Set-Content -Path $file -Value $Script
    $psi = New-PwshStartInfo (@('-NoProfile') + $(if ($Interactive) { @() } else { @('-NonInteractive') }) + @('-File', $file))
    $psi.Environment['GPHOTOS_TEST_MODULE'] = $script:ModulePath
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "Child pwsh did not finish within $TimeoutSeconds s." }
    $p.WaitForExit()
    Remove-Item $file -ErrorAction SilentlyContinue
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result; Elapsed = $sw.Elapsed }
}

function Start-TestModuleSession {
    <# The usual start of a test file: an emulator, GPHOTOS_EMULATOR_HOST pointing at it, the built module imported
       globally. Returns the emulator; end with Stop-TestModuleSession. #>
    $emulator = Start-TestEmulator
    $env:GPHOTOS_EMULATOR_HOST = $emulator.HostPort
    Import-Module $script:ModulePath -Force -Global
    $emulator
}

function Stop-TestModuleSession {
    param($Emulator)
    Disconnect-GPhotos -ErrorAction SilentlyContinue
    Stop-TestEmulator $Emulator
    Remove-Item Env:GPHOTOS_EMULATOR_HOST -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function *-Test*, Invoke-Emulator, Invoke-ChildPwsh, New-PwshStartInfo
