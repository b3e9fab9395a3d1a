using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using GPhotos.Errors;
using GPhotos.Model;
using GPhotos.Reporting;
using GPhotos.Saving;
using GPhotos.Sources.Takeout;

namespace GPhotos.Sources.Drive
{
    /// <summary>
    /// "The media items of these parts": whatever reads Takeout parts (local files, or Drive parts in place) hands
    /// <see cref="TakeoutRemoval"/> the items the parts hold. All parts of an export are read together, as
    /// Get-GPhotosMediaItem reads them, so the item ids are the ones Save-GPhotosMediaItem recorded.
    /// </summary>
    public interface ITakeoutPartItemSource
    {
        /// <summary>
        /// The items of <paramref name="parts"/>, and the parts that could not be read (they are then never deleted; the
        /// others are still read). The reader's warnings (an entry skipped, naming it and its part) go to
        /// <paramref name="reporter"/>; an unreadable part is not reported there but returned, because it is the
        /// part's verdict (Remove-GPhotosTakeoutArchive reports it once, as why the part was kept).
        /// <see cref="MediaItem.TakeoutArchive"/> (and <see cref="MediaItem.MotionVideoArchive"/>) must name the part:
        /// its local path, its Drive file id or its file name.
        /// </summary>
        TakeoutPartItems ReadItems(IReadOnlyList<TakeoutArchive> parts, IReporter reporter, CancellationToken cancellationToken);
    }

    /// <summary>What <see cref="ITakeoutPartItemSource.ReadItems"/> found: the items and the parts it could not read.</summary>
    public sealed class TakeoutPartItems
    {
        public TakeoutPartItems(IReadOnlyList<MediaItem> items, IReadOnlyDictionary<TakeoutArchive, Exception> readErrors)
        {
            Items = items ?? new MediaItem[0];
            ReadErrors = readErrors ?? new Dictionary<TakeoutArchive, Exception>();
        }

        public IReadOnlyList<MediaItem> Items { get; }

        /// <summary>Each part that could not be read (in full), with why.</summary>
        public IReadOnlyDictionary<TakeoutArchive, Exception> ReadErrors { get; }
    }

    /// <summary>
    /// Parts read by the same <see cref="TakeoutReader"/> as Get-GPhotosMediaItem. Local parts by their path (the default);
    /// Drive parts by the key their in-place source is registered under (pass e.g.
    /// <c>p =&gt; DriveTakeoutParts.Register(drive, p)</c> as <paramref name="inputOf"/>).
    /// </summary>
    public sealed class TakeoutReaderPartItemSource : ITakeoutPartItemSource
    {
        private readonly Func<TakeoutArchive, string> _inputOf;

        public TakeoutReaderPartItemSource(Func<TakeoutArchive, string> inputOf = null) => _inputOf = inputOf ?? (p => p.Path);

        public TakeoutPartItems ReadItems(IReadOnlyList<TakeoutArchive> parts, IReporter reporter, CancellationToken cancellationToken)
        {
            var failed = new PartErrors(reporter ?? NullReporter.Instance);
            var reader = new TakeoutReader(parts.Select(_inputOf).ToList(), new TakeoutReaderOptions { Reporter = failed });
            var items = new List<MediaItem>();
            var errors = new Dictionary<TakeoutArchive, Exception>();
            void Fail(TakeoutArchive part, Exception ex) { if (!errors.ContainsKey(part)) errors[part] = ex; }
            try
            {
                foreach (MediaItem item in reader.ReadItems(cancellationToken)) items.Add(item);
            }
            catch (TakeoutArchiveException ex)
            {
                // The read stopped: what was read may be incomplete for every part, so none of them may go.
                foreach (TakeoutArchive p in parts) Fail(p, ex);
                return new TakeoutPartItems(items, errors);
            }
            foreach (KeyValuePair<string, Exception> e in failed.Errors)
            {
                TakeoutArchive part = TakeoutRemoval.FindPart(parts, e.Key);
                if (part != null) Fail(part, e.Value);
                else foreach (TakeoutArchive p in parts) Fail(p, e.Value); // cannot tell which: keep them all
            }
            return new TakeoutPartItems(items, errors);
        }

        /// <summary>
        /// The reader's reporter here: its warnings go on to the caller's reporter as they come; its unreadable parts
        /// (errors) are kept for the verdicts instead of being reported twice.
        /// </summary>
        private sealed class PartErrors : IReporter
        {
            private readonly IReporter _next;
            public PartErrors(IReporter next) => _next = next;
            public List<KeyValuePair<string, Exception>> Errors { get; } = new List<KeyValuePair<string, Exception>>();
            public void Verbose(string message) => _next.Verbose(message);
            public void Warning(string message, string warningId = null, object target = null) => _next.Warning(message, warningId, target);
            public void Progress(ProgressReport progress) => _next.Progress(progress);
            public void Error(ErrorEntry error, object target = null)
            {
                if (error == null) return;
                string path = (error.Exception as TakeoutArchiveException)?.ArchivePath ?? target as string;
                Errors.Add(new KeyValuePair<string, Exception>(path, error.Exception ?? new IOException(error.Message)));
            }
        }
    }

    /// <summary>Why a media entry does not count as saved.</summary>
    public enum TakeoutItemProblem
    {
        NotInIndex,
        FileMissing,
        FileSizeDiffers,
        SavedSizeDiffers,
        MotionVideoNotSaved,
    }

    /// <summary>One media entry of a part that is not saved and verified in the destination.</summary>
    public sealed class UnsavedTakeoutItem
    {
        public string Part { get; set; }
        public string Id { get; set; }
        public string Filename { get; set; }
        public string Entry { get; set; }
        public TakeoutItemProblem Problem { get; set; }
        public string Detail { get; set; }
        public override string ToString() => $"{Filename ?? Entry} ({Id}): {Detail}";
    }

    /// <summary>The verdict on one part: may it be deleted?</summary>
    public sealed class TakeoutPartVerdict
    {
        public TakeoutArchive Part { get; set; }
        public int MediaEntries { get; set; }
        public int Verified { get; set; }
        public List<UnsavedTakeoutItem> NotSaved { get; } = new List<UnsavedTakeoutItem>();
        public Exception ReadError { get; set; }
        public string KeptBecause { get; set; }
        public bool CanRemove => ReadError == null && NotSaved.Count == 0 && KeptBecause == null;

        public string Reason =>
            ReadError != null ? "The part could not be read, so what it holds is unknown: " + ReadError.Message
            : KeptBecause != null ? KeptBecause
            : NotSaved.Count > 0 ? $"{NotSaved.Count} of {MediaEntries} media entries are not saved and verified in the destination."
            : $"All {MediaEntries} media entries are saved and verified in the destination.";
    }

    /// <summary>What Remove-GPhotosTakeoutArchive reports for each part.</summary>
    public sealed class TakeoutRemovalResult
    {
        public string Name { get; set; }
        public string ExportId { get; set; }
        public TakeoutArchiveLocation Location { get; set; }
        public string DriveFileId { get; set; }
        public string Path { get; set; }
        public long Size { get; set; }
        /// <summary>Removed, Refused, or NotRemoved (verified, but -WhatIf or the confirmation kept it).</summary>
        public string Status { get; set; }
        public bool Removed => Status == "Removed";
        public string Reason { get; set; }
        public int MediaEntries { get; set; }
        public int Verified { get; set; }
        public int NotSaved { get; set; }
        public UnsavedTakeoutItem[] NotSavedItems { get; set; }
    }

    /// <summary>
    /// Decides which Takeout parts may be deleted: a part goes only when every media entry in it (and every motion-video
    /// entry in it) is in the destination's index and its file exists with the indexed size, which is the item's size in
    /// the export. Verification is per media entry, so an item whose sidecar sits in another part counts where its bytes are.
    /// </summary>
    public static class TakeoutRemoval
    {
        /// <summary>The destination's index file (<c>.gphotos/index.jsonl</c>); the destination is no backup without it.</summary>
        public static string IndexPath(string destination) =>
            System.IO.Path.Combine(destination, DestinationStore.StateFolderName, DestinationIndex.FileName);

        /// <summary>Verdicts for <paramref name="parts"/> (same order) from the items read and the destination's index.</summary>
        public static List<TakeoutPartVerdict> Verify(IReadOnlyList<TakeoutArchive> parts, IEnumerable<MediaItem> items,
            IReadOnlyDictionary<TakeoutArchive, Exception> readErrors, string destination, CancellationToken cancellationToken)
        {
            if (parts == null) throw new ArgumentNullException(nameof(parts));
            var verdicts = parts.Select(p => new TakeoutPartVerdict { Part = p }).ToList();
            Dictionary<TakeoutArchive, TakeoutPartVerdict> byPart = verdicts.ToDictionary(v => v.Part);
            if (readErrors != null)
                foreach (KeyValuePair<TakeoutArchive, Exception> e in readErrors)
                    if (byPart.TryGetValue(e.Key, out TakeoutPartVerdict v)) v.ReadError = e.Value;

            int unmatched = 0;
            using (DestinationIndex index = DestinationIndex.ReadOnly(IndexPath(destination)))
            {
                foreach (MediaItem item in items ?? Enumerable.Empty<MediaItem>())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    index.TryGet(item.Id ?? "", out IndexEntry saved);
                    TakeoutArchive mediaPart = FindPart(parts, item.TakeoutArchive);
                    if (mediaPart != null)
                    {
                        TakeoutPartVerdict v = byPart[mediaPart];
                        v.MediaEntries++;
                        UnsavedTakeoutItem problem = CheckMedia(item, saved, destination, mediaPart);
                        if (problem == null) v.Verified++;
                        else v.NotSaved.Add(problem);
                    }
                    else unmatched++;
                    TakeoutArchive motionPart = item.MotionVideoEntry == null ? null : FindPart(parts, item.MotionVideoArchive);
                    if (motionPart != null)
                    {
                        TakeoutPartVerdict v = byPart[motionPart];
                        v.MediaEntries++;
                        UnsavedTakeoutItem problem = CheckMotion(item, saved, destination, motionPart);
                        if (problem == null) v.Verified++;
                        else v.NotSaved.Add(problem);
                    }
                }
            }

            // An item the reader did not attribute to any given part means the reader and these parts disagree: nothing
            // can be vouched for, and a part would otherwise look empty (and removable).
            if (unmatched > 0)
                foreach (TakeoutPartVerdict v in verdicts)
                    v.KeptBecause = $"{unmatched} item(s) read could not be matched to one of the given parts, so no part can be verified.";

            // A part with no media holds only sidecars and album metadata. Other parts' unsaved items may need them
            // (dates, places, albums), so it stays until every other part of the batch can go.
            bool anyKept = verdicts.Any(v => v.MediaEntries > 0 && !v.CanRemove) || verdicts.Any(v => v.ReadError != null);
            foreach (TakeoutPartVerdict v in verdicts.Where(v => v.MediaEntries == 0 && v.ReadError == null && v.KeptBecause == null && anyKept))
                v.KeptBecause = "The part holds no media, only metadata (sidecars, albums) that items of other parts which are not saved yet may need; it is kept until those parts can be removed.";
            return verdicts;
        }

        private static UnsavedTakeoutItem CheckMedia(MediaItem item, IndexEntry saved, string destination, TakeoutArchive part)
        {
            UnsavedTakeoutItem Problem(TakeoutItemProblem kind, string detail) => new UnsavedTakeoutItem
            { Part = part.Name, Id = item.Id, Filename = item.Filename, Entry = item.TakeoutEntry, Problem = kind, Detail = detail };

            if (saved == null || saved.Path == null)
                return Problem(TakeoutItemProblem.NotInIndex, "not saved in the destination (not in its index)");
            if (item.Size.HasValue && item.Size.Value != saved.Size)
                return Problem(TakeoutItemProblem.SavedSizeDiffers, $"the saved copy has {saved.Size:N0} bytes, the export's {item.Size.Value:N0}");
            return CheckFile(saved.Path, saved.Size, destination, out string why) ? null
                : Problem(why == null ? TakeoutItemProblem.FileMissing : TakeoutItemProblem.FileSizeDiffers, why ?? $"the saved file '{saved.Path}' is missing");
        }

        private static UnsavedTakeoutItem CheckMotion(MediaItem item, IndexEntry saved, string destination, TakeoutArchive part)
        {
            var problem = new UnsavedTakeoutItem
            { Part = part.Name, Id = item.Id, Filename = item.Filename, Entry = item.MotionVideoEntry, Problem = TakeoutItemProblem.MotionVideoNotSaved };
            if (saved == null || saved.MotionPath == null || !saved.MotionSize.HasValue)
            {
                problem.Detail = "its motion video is not saved in the destination";
                return problem;
            }
            if (CheckFile(saved.MotionPath, saved.MotionSize.Value, destination, out string why)) return null;
            problem.Detail = "motion video: " + (why ?? $"the saved file '{saved.MotionPath}' is missing");
            return problem;
        }

        /// <summary>Does the destination hold <paramref name="relative"/> with exactly <paramref name="size"/> bytes? why: null when missing.</summary>
        private static bool CheckFile(string relative, long size, string destination, out string why)
        {
            why = null;
            if (!DestinationIndex.IsSafeRelativePath(relative)) { why = $"the index names an unsafe path '{relative}'"; return false; }
            var file = new FileInfo(System.IO.Path.Combine(destination, relative.Replace('/', System.IO.Path.DirectorySeparatorChar)));
            if (!file.Exists) return false;
            if (file.Length == size) return true;
            why = $"the saved file '{relative}' has {file.Length:N0} bytes, the index says {size:N0}";
            return false;
        }

        /// <summary>The part <paramref name="archive"/> names (local path, Drive file id, or file name); null if none.</summary>
        public static TakeoutArchive FindPart(IReadOnlyList<TakeoutArchive> parts, string archive)
        {
            if (string.IsNullOrEmpty(archive)) return null;
            foreach (TakeoutArchive p in parts)
                if (p.Path != null && string.Equals(SafeFullPath(p.Path), SafeFullPath(archive), PathComparison)) return p;
            // A Drive part read in place goes by "drive:<file id>/<name>" (TakeoutPartSources.DriveKey), or by its bare id.
            string id = archive.StartsWith("drive:", StringComparison.Ordinal) && archive.IndexOf('/', 6) > 6
                ? archive.Substring(6, archive.IndexOf('/', 6) - 6) : archive;
            foreach (TakeoutArchive p in parts)
                if (p.DriveFileId != null && string.Equals(p.DriveFileId, id, StringComparison.Ordinal)) return p;
            string name = archive.Replace('\\', '/');
            name = name.Substring(name.LastIndexOf('/') + 1);
            TakeoutArchive[] byName = parts.Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray();
            return byName.Length == 1 ? byName[0] : null; // two parts with one name: cannot tell, so neither is vouched for
        }

        private static string SafeFullPath(string path)
        {
            try { return System.IO.Path.GetFullPath(path); }
            catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException) { return path; }
        }

        private static StringComparison PathComparison =>
            System.IO.Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }
}
