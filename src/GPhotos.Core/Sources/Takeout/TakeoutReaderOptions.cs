using System;
using GPhotos.Errors;
using GPhotos.Reporting;

namespace GPhotos.Sources.Takeout
{
    /// <summary>How <see cref="TakeoutReader"/> reads an export.</summary>
    public sealed class TakeoutReaderOptions
    {
        /// <summary>Emit items whose sidecar says <c>"trashed": true</c> (or that sit in a trash folder). Default: skipped and counted.</summary>
        public bool IncludeTrashed { get; set; }

        /// <summary>
        /// Read the first bytes of each media entry (at most 256 KB) for the real type (magic bytes win over the
        /// extension), the JPEG/PNG/GIF size, and the EXIF capture time and camera. Default true. When false, the
        /// type comes from the extension only and items without a sidecar fall back to a date in the file name.
        /// </summary>
        public bool ReadMediaHeaders { get; set; } = true;

        /// <summary>
        /// Where the reader reports, on the enumerating thread, as it reads: each warning (id
        /// <see cref="ErrorCatalog.TakeoutEntrySkipped"/>; the message names the entry and the part; also kept in
        /// <see cref="TakeoutReadStats.Warnings"/>) and each archive that cannot be read (missing, not a zip/tgz,
        /// truncated, damaged: <see cref="IReporter.Error"/> with <see cref="ErrorCatalog.TakeoutArchiveUnreadable"/>,
        /// the part's path as target). Reading then goes on with the other archives (the error's exception is the
        /// <see cref="TakeoutArchiveException"/>). Without a reporter (null or <see cref="NullReporter"/>), the first
        /// such error is thrown from the enumeration instead: a part that drops its errors would lose them.
        /// </summary>
        public IReporter Reporter { get; set; }

        /// <summary>Progress of the indexing phase (per archive and every 1,000 entries) and of the emission.</summary>
        public IProgress<TakeoutReadProgress> Progress { get; set; }

        /// <summary>At most this many warnings are kept in <see cref="TakeoutReadStats.Warnings"/>; the rest are counted. Default 1,000.</summary>
        public int MaxWarnings { get; set; } = 1000;

        /// <summary>Reports one warning the reader found (every one: <see cref="MaxWarnings"/> limits only what the stats keep).</summary>
        internal void ReportWarning(string message)
        {
            Reporter?.Warning(message, ErrorCatalog.TakeoutEntrySkipped);
        }

        /// <summary>Reports an archive that cannot be read; false when nobody takes it (then the reader throws it).</summary>
        internal bool ReportArchiveError(TakeoutArchiveException error)
        {
            if (Reporter == null || Reporter is NullReporter) return false;
            Reporter.Error(ErrorCatalog.ForUnreadableArchive(error), error.ArchivePath);
            return true;
        }
    }

    public enum TakeoutReadPhase
    {
        Indexing,
        Matching,
        Emitting,
    }

    /// <summary>A progress report of <see cref="TakeoutReader"/>.</summary>
    public sealed class TakeoutReadProgress
    {
        public TakeoutReadPhase Phase { get; internal set; }

        /// <summary>The archive being indexed (Indexing only).</summary>
        public string Archive { get; internal set; }

        public int ArchivesDone { get; internal set; }
        public int ArchivesTotal { get; internal set; }
        public long EntriesIndexed { get; internal set; }
        public int ItemsEmitted { get; internal set; }

        /// <summary>Known once matching is done.</summary>
        public int ItemsTotal { get; internal set; }
    }
}
