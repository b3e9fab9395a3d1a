using System;

namespace GPhotos.Model
{
    /// <summary>Where a Takeout part is.</summary>
    public enum TakeoutArchiveLocation
    {
        Drive,
        Local,
    }

    /// <summary>
    /// One part of a Google Takeout export (<c>takeout-20261120T101500Z-001.zip</c>), in Google Drive or on local disk.
    /// Parts of one export share <see cref="ExportId"/>. Plain data: each value stored once, never changed after listing.
    /// </summary>
    public sealed class TakeoutArchive
    {
        public TakeoutArchive(string name, long size, DateTimeOffset? exportTime, int partNumber, string format, TakeoutArchiveLocation location,
            string path, string driveFileId, string md5, string exportId, DateTimeOffset? modifiedTime, int partCount, bool isComplete, string completeness)
        {
            Name = name;
            Size = size;
            ExportTime = exportTime;
            PartNumber = partNumber;
            Format = format;
            Location = location;
            Path = path;
            DriveFileId = driveFileId;
            Md5 = md5;
            ExportId = exportId;
            ModifiedTime = modifiedTime;
            PartCount = partCount;
            IsComplete = isComplete;
            Completeness = completeness;
        }

        /// <summary>File name, e.g. takeout-20261120T101500Z-001.zip.</summary>
        public string Name { get; }
        /// <summary>Bytes.</summary>
        public long Size { get; }
        /// <summary>When Takeout made the export (from the name, UTC).</summary>
        public DateTimeOffset? ExportTime { get; }
        /// <summary>1, 2, … (the -001 in the name). Nothing in a name gives the number of parts.</summary>
        public int PartNumber { get; }
        /// <summary>zip or tgz.</summary>
        public string Format { get; }
        public TakeoutArchiveLocation Location { get; }
        /// <summary>Full local path (Local only).</summary>
        public string Path { get; }
        /// <summary>Drive file id (Drive only).</summary>
        public string DriveFileId { get; }
        /// <summary>MD5 of the whole part, hex (Drive only: Drive computes it).</summary>
        public string Md5 { get; }
        /// <summary>Groups the parts of one export: takeout-&lt;time&gt;.</summary>
        public string ExportId { get; }
        /// <summary>When the part last changed (Drive modifiedTime, or the file's last write).</summary>
        public DateTimeOffset? ModifiedTime { get; }
        /// <summary>Parts of this export seen (the highest part number when they are contiguous).</summary>
        public int PartCount { get; }
        /// <summary>
        /// The export is complete enough to read: parts 1..N all present (once each), and none changed within the settle
        /// time (an export still arriving in Drive, or a download still being written). Same value on every part of an export.
        /// </summary>
        public bool IsComplete { get; }
        /// <summary>"complete", or why not (missing part numbers, a part still changing).</summary>
        public string Completeness { get; }

        public override string ToString() => Location == TakeoutArchiveLocation.Local ? Path : "drive:Takeout/" + Name;
    }
}
