using System;
using System.Collections.Generic;

namespace GPhotos.Sources.Takeout
{
    /// <summary>A media file: its entry (one object, not two: kept for every media file until the read ends) and how it matched.</summary>
    internal sealed class MediaFile : IndexedEntry
    {
        public MediaFile(IndexedEntry entry) : base(entry) { }

        public IndexedEntry Entry => this;

        // The parsed name's positions; its string only for tar and folder entries, and for a zip entry while its folder
        // is matched (Pin): otherwise made again from the part's directory when asked (grouping, emission). The name
        // string was about 50 B per media file kept to the end of the read.
        private ParsedMediaName _name;

        public ParsedMediaName Name
        {
            get
            {
                if (_name.Name != null) return _name;
                var n = _name;
                n.Name = NameFromEntry();
                return n;
            }
            set => _name = value;
        }

        private string NameFromEntry() => TakeoutNames.Nfc(FileName);

        /// <summary>
        /// Forgets the name string when the part's directory gives the same one again (a zip entry; the name was cut from
        /// the NFC path below the Photos root, so it is kept when that differs from the NFC of the entry's own name).
        /// </summary>
        public void DropStoredName()
        {
            if (ZipIndex >= 0 && Archive?.ZipDir != null && string.Equals(_name.Name, NameFromEntry(), StringComparison.Ordinal)) _name.Name = null;
        }

        public bool NameIsStored => _name.Name != null;

        /// <summary>Keeps the name string while the folder is matched (asked for many times there); see <see cref="Unpin"/>.</summary>
        public bool Pin()
        {
            if (_name.Name != null) return false;
            _name.Name = NameFromEntry();
            return true;
        }

        public void Unpin() => _name.Name = null;

        public TakeoutFolder Folder;
        public SidecarFile Sidecar;
        public BorrowKind Borrow;
        public bool IsCompanion;
        private byte _rule;
        private Pairing _pairing;     // the rare pairings (an edited copy's suffix, a motion video): an object only then

        private sealed class Pairing
        {
            public string EditedSuffix;
            public MediaFile Companion;
        }

        private Pairing P => _pairing ?? (_pairing = new Pairing());

        /// <summary>"-edited" as written, for edited copies.</summary>
        public string EditedSuffix { get => _pairing?.EditedSuffix; set { if (value != null || _pairing != null) P.EditedSuffix = value; } }

        /// <summary>Motion/live video of this photo.</summary>
        public MediaFile Companion { get => _pairing?.Companion; set { if (value != null || _pairing != null) P.Companion = value; } }

        // The rules the matcher names, stored as their number (a string reference per media file was 8 B).
        private static readonly string[] Rules = { null, "exact", "no-extension", "truncated", "title", "numbered-duplicate", "edited" };

        /// <summary>How the sidecar was found (diagnostics and tests): one of the matcher's rule names, or null.</summary>
        public string MatchRule
        {
            get => Rules[_rule];
            set
            {
                int i = Array.IndexOf(Rules, value);
                if (i < 0) throw new ArgumentException("not a rule of the matcher: " + value, nameof(value));
                _rule = (byte)i;
            }
        }
    }

    /// <summary>A media sidecar: the parsed JSON's fields (one object, not two: kept for every sidecar until the read ends) and where it is.</summary>
    internal sealed class SidecarFile : TakeoutSidecar
    {
        // Where the sidecar is, without its IndexedEntry (one 64-B object per sidecar kept to the end of the read): the
        // part, and the slot in its zip directory (the name is read from there), or the path for tar and folder inputs.
        public IndexedArchive Archive;
        private int _zipIndex = -1;
        public TakeoutSidecar Json => this;
        private string _rawStem;  // only while its folder is matched (Pin): otherwise cut from the entry's name when asked
        private int _stemLength;  // RawStem without a (cut) ".supplemental-metadata": its first _stemLength characters
        private bool _titleIsStem;
        public int Index;         // n of "(n).json"
        public bool Consumed;     // owned by one media
        public bool Borrowed;     // shared by an edited copy / forgotten duplicate
        public bool Truncated;

        /// <summary>The NFC name without "(n).json". Not stored between matches: one is kept per sidecar until the read ends.</summary>
        public string RawStem => _rawStem ?? CutRawStem(FileName, out _);

        /// <summary>As stored in its input, forward slashes (zip: read from the part's directory each time).</summary>
        public string EntryPath => _zipIndex >= 0 ? Archive.ZipDir.Name(_zipIndex) : StoredPath;

        public string FileName => _zipIndex >= 0 ? Archive.ZipDir.FileName(_zipIndex) : FileNameOf(StoredPath);

        private static string FileNameOf(string entryPath) => entryPath.Substring(entryPath.LastIndexOf('/') + 1);

        public int StemLength => _stemLength;

        /// <summary>RawStem without a (cut) ".supplemental-metadata".</summary>
        public string Stem
        {
            get
            {
                var raw = RawStem;
                return _stemLength == raw.Length ? raw : raw.Substring(0, _stemLength);
            }
        }

        /// <summary>
        /// The sidecar's title: usually the media name its own name starts with, and then not stored a second time.
        /// </summary>
        /// <remarks>Hides the parsed field on purpose: <c>Json.Title</c> is what the JSON said when it differs from the stem.</remarks>
        public new string Title => _titleIsStem ? Stem : Json.Title;

        /// <summary>Keeps <see cref="RawStem"/> while the folder is matched (it is asked for many times there).</summary>
        public void Pin() => _rawStem = RawStem;

        public void Unpin() => _rawStem = null;

        private static string CutRawStem(string fileName, out int index)
        {
            var name = TakeoutNames.Nfc(fileName);
            var stem = name.Substring(0, name.Length - 5); // ".json"
            return TakeoutNames.SplitIndex(stem, out index);
        }

        public static SidecarFile Create(IndexedEntry e, TakeoutSidecar json)
        {
            bool zip = e.ZipIndex >= 0 && e.Archive?.ZipDir != null;
            string path = zip ? null : e.EntryPath;
            var raw = CutRawStem(e.FileName, out var index);
            var f = new SidecarFile
            {
                Archive = e.Archive,
                _zipIndex = zip ? e.ZipIndex : -1,
                _stemLength = TakeoutNames.StripSupplemental(raw).Length,
                Index = index,
                Truncated = TakeoutNames.LooksTruncated(raw),
            };
            f.CopyFrom(json);
            if (!zip) f.StoredPath = path;
            var title = json.Title;
            if (title != null && title.Length == f._stemLength && string.CompareOrdinal(title, 0, raw, 0, f._stemLength) == 0)
            {
                f._titleIsStem = true;
                ((TakeoutSidecar)f).Title = null;
            }
            return f;
        }
    }
}
