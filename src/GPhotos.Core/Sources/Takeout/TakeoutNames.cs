using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GPhotos.Sources.Takeout
{
    /// <summary>
    /// What Takeout's (localized, truncated, numbered) file and folder names mean.
    /// Everything here works on NFC-normalized names; comparisons ignore case because Takeout never
    /// puts two names differing only in case into one folder.
    /// </summary>
    internal static class TakeoutNames
    {
        /// <summary>Sidecar names cut the part before ".json" (or before "(n).json") to this many characters.</summary>
        public const int SidecarNameLimit = 46;

        public const string SupplementalSuffix = ".supplemental-metadata";

        // Words that appear in the localized name of the "Google Photos" product folder.
        private static readonly string[] PhotoWords =
        {
            "photo", "foto", "fotó", "fotk", "fotoğraf", "φωτογρ", "фото", "zdj", "kuv", "bild", "billed",
            "snim", "сним", "ảnh", "รูป", "사진", "포토", "照片", "相片", "相簿", "相册", "相冊", "写真", "フォト",
            "תמונות", "صور", "تصاویر", "तस्वीर", "फ़ोटो", "slike", "nuotr", "attēl", "pilt",
        };

        // Localized names of the album metadata file (content is checked too, this is only a hint).
        private static readonly string[] AlbumMetadataNames =
        {
            "metadata", "metadaten", "métadonnées", "metadonnees", "metadatos", "metadades", "metadati",
            "metadane", "metadados", "metagegevens", "metaadatok", "metadatové", "метаданные",
            "метадані", "μεταδεδομένα", "meta veriler", "metaveriler", "メタデータ", "元数据", "中繼資料", "메타데이터",
        };

        // Localized suffixes Google appends to an edited copy ("IMG_1234-edited.jpg").
        private static readonly string[] EditedWords =
        {
            "edited", "bearbeitet", "modifié", "modifie", "editado", "modificato", "bewerkt", "redigerad",
            "redigeret", "redigert", "muokattu", "edytowane", "upraveno", "upravené", "szerkesztett", "editat",
            "düzenlendi", "изменено", "змінено", "επεξεργασμένο", "ערוך", "编辑", "已编辑", "已編輯", "編集済み",
            "편집됨", "diedit", "đã chỉnh sửa", "แก้ไข", "muudetud", "rediģēts", "redaguota", "urejeno",
            "uređeno", "editada", "ha editado", "отредактировано", "تم التعديل", "संपादित", "แก้ไขแล้ว",
            // Google's own creations from an original (Assistant/Memories): named after it, no sidecar of their own
            // in many exports; they take their original's metadata like an edit.
            "effects", "smile", "mix", "animation", "collage", "pano",
        };

        /// <summary>Takeout cuts a media file's base name to this many characters, edit suffix included ("IMG…-edi.jpg").</summary>
        public const int MediaBaseLimit = 47;

        // Folders Google fills itself that are not albums (items there are in no album).
        private static readonly string[] SpecialFolderNames =
        {
            "archive", "archiv", "archives", "archivo", "archivio", "arquivo", "archief", "arkiv", "archiwum",
            "failed videos", "locked folder",
        };

        private static readonly string[] TrashFolderNames =
        {
            "trash", "bin", "papierkorb", "corbeille", "papelera", "cestino", "prullenbak", "lixeira",
            "lixo", "kosz", "papperskorg", "papirkurv", "roskakori", "koš", "корзина", "ごみ箱", "回收站", "垃圾桶", "휴지통",
        };

        // [0-9], never \d: \d also matches Arabic-Indic and other digits, which int.Parse refuses (FormatException).
        // The year last, or followed by a short unit word ("Фото за 2011 г.", "2021 년"): at most 3 non-digits.
        private static readonly Regex YearAtEnd = new Regex(@"^(?<pre>.*?)[\s_-]*(?<y>(18|19|20|21)[0-9]{2})(?<unit>\s*[^0-9\s]{1,3})?$", RegexOptions.CultureInvariant);
        private static readonly Regex YearAtStart = new Regex(@"^(?<y>(18|19|20|21)[0-9]{2})(?<post>[^0-9].*)$", RegexOptions.CultureInvariant);
        private static readonly Regex DateFolder = new Regex(@"^(18|19|20|21)[0-9]{2}-[0-9]{2}-[0-9]{2}(\s*#[0-9]+)?$", RegexOptions.CultureInvariant);

        public static string Nfc(string s)
        {
            if (string.IsNullOrEmpty(s)) return s ?? string.Empty;
            try { return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC); }
            catch (ArgumentException) { return s; } // invalid surrogates: leave as is
        }

        public static string Lower(string s) => Nfc(s).ToLowerInvariant();

        private static bool ContainsAny(string haystackLower, string[] needles)
        {
            foreach (var n in needles)
                if (haystackLower.IndexOf(n, StringComparison.Ordinal) >= 0) return true;
            return false;
        }

        /// <summary>"Google Photos", "Google Fotos", "Google Foto", "Google Zdjęcia", "Google フォト", ...</summary>
        public static bool IsPhotosRootName(string folderName)
        {
            var l = Lower(folderName).Trim();
            if (l.Length == 0 || l.Length > 40) return false;
            if (l.IndexOf("google", StringComparison.Ordinal) < 0) return false;
            return ContainsAny(l, PhotoWords);
        }

        /// <summary>
        /// "Photos from 2021", "Fotos von 2021", "Photos de 2021", "Zdjęcia z 2021", "2021年の写真", and the
        /// date folders of old exports ("2015-06-20", "2015-06-20 #2").
        /// </summary>
        public static bool IsYearFolderName(string folderName, out int year)
        {
            year = 0;
            var n = Nfc(folderName).Trim();
            if (n.Length == 0) return false;
            if (DateFolder.IsMatch(n))
            {
                year = int.Parse(n.Substring(0, 4), CultureInfo.InvariantCulture);
                return true;
            }
            var m = YearAtEnd.Match(n);
            string words = null;
            if (m.Success)
            {
                words = m.Groups["pre"].Value;
                // "Trip 2021 #2" or "Summer 2021 (1)" must not become year folders through the unit group: a unit needs photo words.
                if (m.Groups["unit"].Success && words.Trim().Length == 0) words = null;
            }
            else
            {
                m = YearAtStart.Match(n);
                if (m.Success) words = m.Groups["post"].Value;
            }
            if (words == null) return false;
            // A bare "2021" is a year folder too; otherwise the words must speak of photos.
            if (words.Trim().Length > 0 && !ContainsAny(words.ToLowerInvariant(), PhotoWords)) return false;
            year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
            return true;
        }

        public static bool IsDateFolderName(string folderName) => DateFolder.IsMatch(Nfc(folderName).Trim());

        public static bool IsSpecialFolderName(string folderName)
        {
            var l = Lower(folderName).Trim();
            // Not the trash names: a folder called "Bin" without trash evidence is an album (see TakeoutReader).
            return Array.IndexOf(SpecialFolderNames, l) >= 0;
        }

        public static bool IsTrashFolderName(string folderName) => Array.IndexOf(TrashFolderNames, Lower(folderName).Trim()) >= 0;

        public static bool IsAlbumMetadataName(string fileName)
        {
            var l = Lower(fileName);
            if (!l.EndsWith(".json", StringComparison.Ordinal)) return false;
            var stem = l.Substring(0, l.Length - 5);
            stem = SplitIndex(stem, out _);
            return Array.IndexOf(AlbumMetadataNames, stem) >= 0;
        }

        /// <summary>Files that are never media: desktop junk and Takeout's own pages.</summary>
        public static bool IsJunkFile(string fileName)
        {
            var l = fileName.ToLowerInvariant();
            return l == ".ds_store" || l == "thumbs.db" || l == "desktop.ini" || l.StartsWith("._", StringComparison.Ordinal)
                || l.EndsWith(".html", StringComparison.Ordinal) || l.EndsWith(".htm", StringComparison.Ordinal);
        }

        public static bool IsJson(string fileName) => fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

        /// <summary>Splits a trailing "(n)" off: "IMG(1)" → ("IMG", 1). Index 0 = none.</summary>
        public static string SplitIndex(string s, out int index)
        {
            // Hand-written: runs for every file of an export.
            index = 0;
            int close = s.Length - 1;
            if (close < 2 || s[close] != ')') return s;
            int open = close - 1;
            while (open >= 0 && s[open] >= '0' && s[open] <= '9') open--;
            int digits = close - 1 - open;
            if (open < 0 || s[open] != '(' || digits < 1 || digits > 5) return s;
            index = int.Parse(s.Substring(open + 1, digits), CultureInfo.InvariantCulture);
            return s.Substring(0, open);
        }

        /// <summary>
        /// Strips a (possibly cut) ".supplemental-metadata" from the end of a sidecar stem:
        /// "IMG.JPG.supplemental-metad" → "IMG.JPG", "IMG.JPG.s" → "IMG.JPG", "IMG.JPG." → "IMG.JPG".
        /// Returns the input when it carries no such suffix.
        /// </summary>
        public static string StripSupplemental(string stem)
        {
            var dot = stem.LastIndexOf('.');
            if (dot < 0) return stem;
            var tail = stem.Substring(dot);
            // tail is ".", ".s", ".supp", ... ".supplemental-metadata"
            if (tail.Length <= SupplementalSuffix.Length
                && SupplementalSuffix.StartsWith(tail, StringComparison.OrdinalIgnoreCase))
                return stem.Substring(0, dot);
            return stem;
        }

        /// <summary>
        /// "IMG_1234-edited" → "IMG_1234" (true); the suffix is returned as written. A name at Takeout's 47-character
        /// limit may end in a cut suffix ("…-edi"): then any non-empty prefix of a known word counts, and the suffix is
        /// returned completed ("-edited"); <paramref name="cut"/> tells the original's name was cut too.
        /// </summary>
        public static bool TryStripEdited(string baseName, out string original, out string suffix) => TryStripEdited(baseName, out original, out suffix, out _);

        public static bool TryStripEdited(string baseName, out string original, out string suffix, out bool cut)
        {
            original = null;
            suffix = null;
            cut = false;
            var dash = baseName.LastIndexOf('-');
            if (dash <= 0) return false;
            var written = baseName.Substring(dash + 1);
            var word = Lower(written).Trim();
            if (Array.IndexOf(EditedWords, word) < 0)
            {
                if (word.Length == 0 || !AtMediaBaseLimit(baseName)) return false;
                string completed = null;
                foreach (var w in EditedWords)
                    if (w.Length > word.Length && w.StartsWith(word, StringComparison.Ordinal)) { completed = w; break; }
                if (completed == null) return false;
                original = baseName.Substring(0, dash);
                suffix = "-" + (written == written.ToUpperInvariant() ? completed.ToUpperInvariant() : completed);
                cut = true;
                return true;
            }
            original = baseName.Substring(0, dash);
            suffix = baseName.Substring(dash);
            return true;
        }

        /// <summary>Whether a media base name has the length Takeout cuts names to (in any unit it might count in).</summary>
        public static bool AtMediaBaseLimit(string baseName)
            => baseName.Length == MediaBaseLimit || CodePoints(baseName) == MediaBaseLimit || Encoding.UTF8.GetByteCount(baseName) == MediaBaseLimit;

        /// <summary>Number of Unicode code points (a surrogate pair counts once).</summary>
        public static int CodePoints(string s)
        {
            int n = 0;
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
                n++;
            }
            return n;
        }

        /// <summary>
        /// Whether a sidecar stem (before "(n).json") looks cut at Google's limit, which makes a prefix match
        /// legitimate. Google's exact unit (UTF-16, code point, byte) is unconfirmed, so any of them counts.
        /// </summary>
        public static bool LooksTruncated(string rawStem)
        {
            const int min = SidecarNameLimit - 2;
            return rawStem.Length >= min || CodePoints(rawStem) >= min || Encoding.UTF8.GetByteCount(rawStem) >= min;
        }
    }

    /// <summary>A media file name taken apart: "IMG_1234(1).JPG" → base "IMG_1234(1)", core "IMG_1234", index 1, ext ".JPG".</summary>
    /// <remarks>
    /// One per media file, kept until the read ends: only the name is stored, with the positions of its parts; the
    /// parts are cut when asked (matching, emission), and common extensions come from a shared pool.
    /// </remarks>
    internal struct ParsedMediaName
    {
        public string Name;      // NFC file name
        private int _dot;        // where Ext starts; Name.Length when none
        private int _core;       // length of CoreBase
        public int Index;        // the n of "(n)", 0 when none

        /// <summary>With the dot, as written; "" when none.</summary>
        public string Ext => _dot >= Name.Length ? string.Empty : PooledExtension(Name, _dot);
        /// <summary>Name without Ext.</summary>
        public string Base => _dot >= Name.Length ? Name : Name.Substring(0, _dot);
        /// <summary>Base without a trailing "(n)".</summary>
        public string CoreBase => _core == Name.Length ? Name : _core == _dot ? Base : Name.Substring(0, _core);

        public string FullNoIndex => Index == 0 ? Name : CoreBase + Ext;

        /// <summary>Length of <see cref="Base"/> (a prefix of <see cref="Name"/>).</summary>
        public int BaseLength => _dot;
        /// <summary>Length of <see cref="CoreBase"/> (a prefix of <see cref="Name"/>).</summary>
        public int CoreLength => _core;

        public static ParsedMediaName Parse(string fileName)
        {
            var name = TakeoutNames.Nfc(fileName);
            var p = new ParsedMediaName { Name = name, _dot = name.Length };
            var dot = name.LastIndexOf('.');
            if (dot > 0 && name.Length - dot <= 6 && name.Length - dot >= 2) p._dot = dot;
            var b = p.Base;
            p._core = TakeoutNames.SplitIndex(b, out p.Index).Length;
            return p;
        }

        private static readonly string[] CommonExtensions =
        {
            ".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG", ".heic", ".HEIC", ".mp4", ".MP4", ".mov", ".MOV", ".gif",
            ".GIF", ".webp", ".dng", ".DNG", ".mp", ".MP", ".m4v", ".3gp", ".avi", ".mkv", ".tif", ".tiff", ".bmp",
        };

        private static string PooledExtension(string name, int dot)
        {
            int length = name.Length - dot;
            foreach (var e in CommonExtensions)
                if (e.Length == length && string.CompareOrdinal(name, dot, e, 0, length) == 0) return e;
            return name.Substring(dot);
        }
    }
}
