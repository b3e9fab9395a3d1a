using System;

namespace GPhotos.Verification
{
    /// <summary>What Test-GPhotosBackup found wrong with one file (or the index). Stable names: scripts may compare them.</summary>
    public enum BackupProblemKind
    {
        /// <summary>The index records the file; it is not there.</summary>
        Missing,

        /// <summary>The file has another size than it was saved with (shorter: the next save restores it; longer: kept).</summary>
        SizeChanged,

        /// <summary>-Full: same size, other SHA-256 (bit rot or an edit). Recorded: the next save keeps it unless -Force.</summary>
        ContentChanged,

        /// <summary>A line of <c>.gphotos/index.jsonl</c> cannot be read; the item it recorded is unknown.</summary>
        IndexDamaged,

        /// <summary>A file in the destination the index does not know (excluding <c>.gphotos</c>).</summary>
        Unindexed,

        /// <summary>An album link is missing or no longer has its photo's size.</summary>
        AlbumLinkBroken,
    }

    /// <summary>One problem Test-GPhotosBackup found: one object per file (and per damaged index line).</summary>
    public sealed class BackupProblem
    {
        public BackupProblemKind Kind { get; set; }

        /// <summary>Full path of the file concerned (the index file for <see cref="BackupProblemKind.IndexDamaged"/>).</summary>
        public string Path { get; set; }

        /// <summary>The media item id the index records for it; null for unindexed files and damaged lines.</summary>
        public string Id { get; set; }

        /// <summary>What the file is to its item: Original, MotionVideo, Metadata, AlbumLink, or null.</summary>
        public string Role { get; set; }

        public long? ExpectedBytes { get; set; }
        public long? ActualBytes { get; set; }
        public string ExpectedSha256 { get; set; }
        public string ActualSha256 { get; set; }

        /// <summary>What is wrong and what the next save will do about it.</summary>
        public string Message { get; set; }

        public override string ToString() => Kind + ": " + Path;
    }

    /// <summary>The last object Test-GPhotosBackup writes: what was checked, how fast, and what it found.</summary>
    public sealed class BackupSummary
    {
        public string Path { get; set; }

        /// <summary>True when the content was re-read and re-hashed (-Full).</summary>
        public bool Full { get; set; }

        /// <summary>No problem of any kind.</summary>
        public bool Healthy => Problems == 0;

        /// <summary>Files the index records (originals, motion videos, sidecars, album links) that were checked.</summary>
        public int Files { get; set; }

        /// <summary>-Full: files re-hashed and compared.</summary>
        public int Hashed { get; set; }

        /// <summary>-Full: files an older version saved without a hash: size checked only.</summary>
        public int NotHashed { get; set; }

        public int Problems { get; set; }
        public int Missing { get; set; }
        public int SizeChanged { get; set; }
        public int ContentChanged { get; set; }
        public int IndexDamaged { get; set; }
        public int Unindexed { get; set; }
        public int AlbumLinkBroken { get; set; }

        /// <summary>Bytes of the checked files (-Full: bytes read and hashed).</summary>
        public long Bytes { get; set; }
        public double Seconds { get; set; }

        /// <summary>-Full: read-and-hash throughput, MB (10^6 bytes) per second.</summary>
        public double MBPerSecond => Seconds > 0 ? Math.Round(Bytes / 1e6 / Seconds, 1) : 0;

        internal void Count(BackupProblemKind kind)
        {
            Problems++;
            switch (kind)
            {
                case BackupProblemKind.Missing: Missing++; break;
                case BackupProblemKind.SizeChanged: SizeChanged++; break;
                case BackupProblemKind.ContentChanged: ContentChanged++; break;
                case BackupProblemKind.IndexDamaged: IndexDamaged++; break;
                case BackupProblemKind.Unindexed: Unindexed++; break;
                case BackupProblemKind.AlbumLinkBroken: AlbumLinkBroken++; break;
            }
        }
    }

    /// <summary>Progress of a -Full check, reported at most twice a second on the caller's thread.</summary>
    public sealed class BackupProgress
    {
        public int Files { get; set; }
        public int TotalFiles { get; set; }
        public long Bytes { get; set; }
        public long TotalBytes { get; set; }
        public double BytesPerSecond { get; set; }
        public string CurrentPath { get; set; }
        public int PercentComplete => TotalBytes > 0 ? (int)Math.Min(100, Bytes * 100 / TotalBytes) : -1;
    }

    /// <summary>The destination has no GPhotos index: nothing was ever saved there (or it is not the folder).</summary>
    public sealed class BackupIndexNotFoundException : Exception
    {
        public BackupIndexNotFoundException(string destination, string message) : base(message) { Destination = destination; }
        public string Destination { get; }
    }
}
