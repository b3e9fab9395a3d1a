using System;
using System.IO;
using System.Runtime.Serialization;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// A Takeout part (zip, tgz, folder) or one entry of it cannot be read. The message names the file and
    /// says what is wrong; <see cref="ArchivePath"/> and <see cref="EntryPath"/> carry the same for code.
    /// </summary>
    [Serializable]
    public class TakeoutArchiveException : IOException
    {
        public TakeoutArchiveException(string archivePath, string message, Exception innerException = null)
            : this(archivePath, null, message, innerException)
        {
        }

        public TakeoutArchiveException(string archivePath, string entryPath, string message, Exception innerException = null)
            : base(message, innerException)
        {
            ArchivePath = archivePath;
            EntryPath = entryPath;
            // Damaged bytes stay damaged: retrying the same entry cannot help (see RetryPolicy.IsTransient).
            Data[GPhotos.Http.RetryPolicy.PermanentFailureKey] = true;
        }

        protected TakeoutArchiveException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
            ArchivePath = info.GetString(nameof(ArchivePath));
            EntryPath = info.GetString(nameof(EntryPath));
        }

        /// <summary>Full path of the zip/tgz file or extracted folder.</summary>
        public string ArchivePath { get; }

        /// <summary>The entry inside the archive, when the problem is one entry; otherwise null.</summary>
        public string EntryPath { get; }

        /// <summary>How many entries of this archive were indexed before the failure (a truncated tgz keeps those).</summary>
        public int EntriesKept { get; internal set; }

        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(ArchivePath), ArchivePath);
            info.AddValue(nameof(EntryPath), EntryPath);
        }
    }
}
