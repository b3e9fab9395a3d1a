# Same-guarantee baselines for the download phases of Invoke-Benchmarks.ps1 (dot-sourced; uses its helpers).
# curl neither hashes nor flushes; Save promises a SHA-256 of every file (issue 16) and an fsync of every file before
# its rename (a crash never leaves a named file whose bytes are not on disk). Two info rows say what those promises
# cost on this machine, beside the plain curl rows (which stay the target's baseline):
#   1. curl, then hash-fsync.py over curl's files right after it (SHA-256 with hashlib, which uses OpenSSL and so the
#      CPU's SHA instructions like .NET does, and an fsync of each file, $Throttle threads): timed as one window,
#      wall = curl + hash-fsync, CPU = curl + hash-fsync. Save against it is a like-for-like ratio.
#   2. A computed ceiling. When a run is CPU-bound (the cores are the limit, not the network or the disk), every CPU
#      second is wall time, so the best a client that hashes could do against curl is
#        (curl CPU + emulator CPU) / (curl CPU + hash CPU + emulator CPU)
#      with the hash CPU measured in (1) (sha256.update only: Save hashes from the buffer it writes, no read-back).
#      The emulator's CPU is the one it used serving curl. If the ceiling is under 0.90, "Save >= 0.90x curl" cannot
#      be met on this machine by a Save that hashes, however lean the rest of it is.
#      That formula assumes curl's run is CPU-bound too. curl --parallel is one thread: when it and the emulator leave
#      part of the cores idle, a Save on several threads can use them, and the bound that holds is the CPU budget
#        Save CPU <= cores x curl wall / 0.90 - emulator CPU
#      (every core busy for the whole run at 0.90x curl). The row's note gives it next to Save's measured CPU.

function Measure-SameGuarantee([string] $Folder) {
    <# Hashes and fsyncs curl's files right after curl wrote them; null when python3 is missing. #>
    if (-not $Python) { return $null }
    $r = & $Python (Join-Path $PSScriptRoot 'hash-fsync.py') $Folder $Throttle | ConvertFrom-Json
    if ($LASTEXITCODE -ne 0 -or -not $r) { Set-Broken "hash-fsync.py failed on '$Folder' (exit $LASTEXITCODE)."; return $null }
    $r
}

function Add-SameGuaranteeRows([string] $What, $CurlRuns, $SaveRuns, [long] $Expected) {
    $sg = @($CurlRuns | Where-Object { $_.PSObject.Properties['sameGuarantee'] -and $_.sameGuarantee })
    if (-not $sg) { return }
    $guaranteed = @($sg | ForEach-Object { $_.elapsedSeconds + $_.sameGuarantee.seconds })
    $guaranteedCpu = @($sg | ForEach-Object { $_.cpuSeconds + $_.sameGuarantee.cpuSeconds })
    $saveT = Get-Median $SaveRuns.elapsedSeconds
    $gT = Get-Median $guaranteed
    Add-Row '1 download' "Save vs curl + SHA-256 + fsync of each file, $What" ('{0:N0} MB/s' -f ($Expected / 1e6 / $saveT)) `
        ('curl+hash+fsync {0:N0} MB/s' -f ($Expected / 1e6 / $gT)) ($gT / $saveT) '' $null `
        ('curl {0:0.00} s + hash/fsync {1:0.00} s; CPU curl {2:0.00} + {3:0.00} s (hash {4:0.00} s, in fsync {5:0.00} s); Save CPU {6:0.00} s' -f
            (Get-Median $sg.elapsedSeconds), (Get-Median $sg.sameGuarantee.seconds), (Get-Median $sg.cpuSeconds), (Get-Median $sg.sameGuarantee.cpuSeconds),
            (Get-Median $sg.sameGuarantee.hashCpuSeconds), (Get-Median $sg.sameGuarantee.fsyncCpuSeconds), (Get-Median $SaveRuns.cpuSeconds))
    $curlCpu = Get-Median $sg.cpuSeconds
    $emuCpu = Get-Median $sg.emulatorCpuSeconds
    $hashCpu = Get-Median $sg.sameGuarantee.hashCpuSeconds
    $ceiling = ($curlCpu + $emuCpu) / ($curlCpu + $hashCpu + $emuCpu)
    $curlT = Get-Median $sg.elapsedSeconds
    $busy = ($curlCpu + $emuCpu) / ($curlT * $Cores)
    $budget = $Cores * $curlT / 0.9 - $emuCpu
    Add-Row '1 download' "ceiling of a Save that hashes, vs curl, $What" ('{0:0.00}x' -f $ceiling) ('Save {0:0.00}x' -f ($curlT / $saveT)) $null '' $null `
        ('(curl CPU {0:0.00} + emulator {1:0.00}) / (curl {0:0.00} + hash {2:0.00} + emulator {1:0.00}) s, if CPU-bound; curl''s run kept {3:0%} of {4} cores busy; CPU budget of Save at 0.90x on all {4} cores: {5:0.00} s (measured {6:0.00} s, emulator {7:0.00} s)' -f
            $curlCpu, $emuCpu, $hashCpu, $busy, $Cores, $budget, (Get-Median $SaveRuns.cpuSeconds), (Get-Median $SaveRuns.emulatorCpuSeconds))
}
