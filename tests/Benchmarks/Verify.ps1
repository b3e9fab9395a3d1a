# The Verify phase of Invoke-Benchmarks.ps1 (dot-sourced; uses its helpers): Test-GPhotosBackup -Full (re-read and
# SHA-256 every saved file) against sha256sum over the same files, both with the files in the page cache (a first
# untimed pass of each warms it), so the comparison is the hashing and reading loop, not the disk. Save runs once
# with the photos and videos of the library reset below; then the two alternate ($Repeat runs each).
# GPhotos's time is the summary's Seconds (the check itself, in this warm process); sha256sum's is its wall time.

function Invoke-VerifyPhase {
    $n = $VerifyPhotos + $VerifyVideos
    Write-Step "Verify: Test-GPhotosBackup -Full vs sha256sum over $VerifyPhotos photos + $VerifyVideos videos, $Repeat run(s) each"
    Reset-Library -PhotoCount $VerifyPhotos -VideoCount $VerifyVideos
    $expected = Get-ExpectedBytes
    $dest = Join-Path ($DownloadRoot ? $DownloadRoot : $WorkFolder) 'verify'
    Remove-Folder $dest
    $s = Invoke-Child 'Save' @{ Destination = $dest }
    Test-SaveRun $s $n $dest $expected 'Save (verify)'
    $files = @(Get-ChildItem -LiteralPath $dest -File | ForEach-Object FullName)
    $list = Join-Path $WorkFolder 'verify.files'
    [IO.File]::WriteAllLines($list, [string[]]$files)

    function Invoke-Sha256sum {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $out = & xargs -a $list -d "`n" sha256sum
        if ($LASTEXITCODE -ne 0) { throw "sha256sum failed ($LASTEXITCODE)." }
        $sw.Stop()
        if (@($out).Count -ne $files.Count) { Set-Broken "sha256sum hashed $(@($out).Count) of $($files.Count) files." }
        $sw.Elapsed.TotalSeconds
    }
    function Invoke-Check {
        $summary = Test-GPhotosBackup -Path $dest -Full | Select-Object -Last 1
        if (-not $summary.Healthy -or $summary.Hashed -ne $n -or $summary.Bytes -ne $expected) {
            Set-Broken "Test-GPhotosBackup -Full: healthy $($summary.Healthy), $($summary.Hashed) of $n hashed, $($summary.Bytes) of $expected bytes."
        }
        $summary.Seconds
    }
    $null = Invoke-Sha256sum; $null = Invoke-Check # warm the page cache and the JIT
    $shaRuns = @(); $testRuns = @()
    for ($r = 1; $r -le $Repeat; $r++) {
        $shaRuns += Invoke-Sha256sum
        $testRuns += Invoke-Check
        Write-Step ("  run {0}: sha256sum {1:0.00} s, Test-GPhotosBackup -Full {2:0.00} s" -f $r, $shaRuns[-1], $testRuns[-1])
    }
    $script:Runs['verify.sha256sum'] = $shaRuns
    $script:Runs['verify.test'] = $testRuns
    $shaT = Get-Median $shaRuns
    $testT = Get-Median $testRuns
    Add-Row '6 verify' "Test-GPhotosBackup -Full, $n files, $(Format-MB $expected) (page cache)" ('{0:N0} MB/s' -f ($expected / 1e6 / $testT)) `
        ('sha256sum {0:N0} MB/s' -f ($expected / 1e6 / $shaT)) ($shaT / $testT) '>= 0.90x sha256sum' (($shaT / $testT) -ge 0.9) `
        ("Test {0:0.00} s vs sha256sum {1:0.00} s" -f $testT, $shaT)
    Remove-Folder $dest
    Remove-Item $list -ErrorAction SilentlyContinue
}
