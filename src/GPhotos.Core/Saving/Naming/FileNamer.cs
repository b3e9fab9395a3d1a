using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace GPhotos.Saving
{
    /// <summary>
    /// Turns names Google reports (never trusted) into file and folder names that are valid on Windows, macOS and
    /// Linux alike, and makes the stable "~hash" suffix that keeps same-name items apart. Pure functions only: the
    /// decision which item gets which name lives in the destination (see <see cref="SaveNamer"/>).
    /// </summary>
    /// <remarks>
    /// Rules, in order: NFC normalisation (macOS hands out NFD, Windows and Linux keep what they are given, so NFC is
    /// the only form that compares equal everywhere); lone surrogates, control characters (C0, DEL, C1) and
    /// <c>/ \ : * ? " &lt; &gt; |</c> become <c>_</c>; surrounding white space and trailing dots go (Windows strips
    /// them silently, which would make two names collide); Windows device names (<c>CON</c>, <c>COM1</c>, also
    /// <c>CON.jpg</c>) get a <c>_</c>; the length is capped at <see cref="MaxNameLength"/> UTF-16 units and UTF-8
    /// bytes by shortening the stem at a text-element boundary, so the extension survives and no surrogate pair or
    /// combining sequence is split. An empty result falls back to the item id, and so does an empty stem: a name
    /// starting with a dot would be hidden on macOS and Linux.
    /// </remarks>
    public static class FileNamer
    {
        /// <summary>
        /// Longest name produced, in UTF-16 units and in UTF-8 bytes. File systems allow 255 (NTFS: UTF-16 units,
        /// ext4/APFS: bytes); 5 are kept free so the <c>&lt;name&gt;.json</c> sidecar always fits without changing
        /// the name it belongs to.
        /// </summary>
        public const int MaxNameLength = 250;

        /// <summary>Hex digits in the usual same-name suffix (32 bits: a clash among items sharing one name is ~1 in 4 billion).</summary>
        public const int DefaultSuffixLength = 8;

        /// <summary>Separates a name from its id suffix: <c>IMG_0001~3fa9c2d1.JPG</c>.</summary>
        public const char SuffixSeparator = '~';

        /// <summary>Extensions longer than this (dot excluded) are treated as part of the stem.</summary>
        private const int MaxExtensionLength = 16;

        private static readonly HashSet<string> ReservedDeviceNames = CreateReservedNames();

        private static HashSet<string> CreateReservedNames()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
            // COM0/LPT0 and the superscript digits are reserved too on current Windows versions.
            foreach (string digit in new[] { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00B9", "\u00B2", "\u00B3" })
            {
                names.Add("COM" + digit);
                names.Add("LPT" + digit);
            }
            return names;
        }

        /// <summary>
        /// A safe file name for an item: its reported <paramref name="filename"/> cleaned, or the
        /// <paramref name="id"/> (plus an extension from <paramref name="mimeType"/>) when nothing usable is left.
        /// A name without any extension gets one from <paramref name="mimeType"/> so the file opens by double-click.
        /// </summary>
        public static string MakeSafeName(string filename, string id, string mimeType = null)
        {
            string name = Clean(filename);
            if (name.Length > 0 && name[0] == '.')
            {
                // A dot file is hidden on macOS and Linux: a backup nobody can see. ".jpg" becomes "<id>.jpg".
                string rest = name.TrimStart('.');
                string stem = Clean(id);
                name = rest.Length == 0 ? "" : (stem.Length == 0 ? "item" : stem) + "." + rest;
            }
            if (name.Length == 0)
            {
                name = Clean(id);
                if (name.Length == 0) name = "item";
                name += ExtensionForMimeType(mimeType) ?? "";
            }
            else if (SplitExtension(name).Extension.Length == 0)
            {
                name += ExtensionForMimeType(mimeType) ?? "";
            }
            NameParts parts = SplitExtension(name);
            return Compose(parts.Stem, "", parts.Extension);
        }

        /// <summary>A safe folder name (one path segment); never empty, never <c>.</c> or <c>..</c>.</summary>
        public static string MakeSafeSegment(string segment)
        {
            string name = Clean(segment);
            if (name.Length == 0) name = "_";
            return Compose(name, "", "");
        }

        /// <summary>
        /// <paramref name="safeName"/> with the stable suffix of <paramref name="id"/> before its extension:
        /// <c>IMG_0001.JPG</c> → <c>IMG_0001~3fa9c2d1.JPG</c>. The same id always gives the same suffix, on every
        /// run and machine, whatever order items arrive in.
        /// </summary>
        public static string AddSuffix(string safeName, string id, int hexDigits = DefaultSuffixLength)
        {
            NameParts parts = SplitExtension(safeName ?? "");
            string stem = parts.Stem.Length == 0 ? "item" : parts.Stem;
            return Compose(stem, SuffixSeparator + StableSuffix(id, hexDigits), parts.Extension);
        }

        /// <summary><paramref name="safeName"/> with its extension replaced (e.g. the motion video beside a photo).</summary>
        public static string ChangeExtension(string safeName, string newExtension)
        {
            NameParts parts = SplitExtension(safeName ?? "");
            string stem = parts.Stem.Length == 0 ? "item" : parts.Stem;
            return Compose(stem, "", newExtension ?? "");
        }

        /// <summary>
        /// <paramref name="safeName"/> with <paramref name="extraExtension"/> appended after its own extension
        /// (<c>IMG_0001.JPG</c> → <c>IMG_0001.JPG.json</c>), the stem shortened by the same rule as every name so the
        /// whole stays within <see cref="MaxNameLength"/>: a sidecar of a 250-character name is a valid name too.
        /// </summary>
        public static string AppendExtension(string safeName, string extraExtension)
        {
            NameParts parts = SplitExtension(safeName ?? "");
            string stem = parts.Stem.Length == 0 ? "item" : parts.Stem;
            return Compose(stem, "", parts.Extension + (extraExtension ?? ""));
        }

        /// <summary>Lower-case hex from SHA-256 of the UTF-8 id: stable everywhere, unlike string.GetHashCode.</summary>
        public static string StableSuffix(string id, int hexDigits = DefaultSuffixLength)
        {
            if (hexDigits < 4 || hexDigits > 64) throw new ArgumentOutOfRangeException(nameof(hexDigits), "Between 4 and 64 hex digits.");
            byte[] hash;
            using (SHA256 sha = SHA256.Create())
                hash = sha.ComputeHash(Encoding.UTF8.GetBytes(id ?? ""));
            var text = new StringBuilder(64);
            foreach (byte b in hash) text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
            return text.ToString(0, hexDigits);
        }

        /// <summary>Is <paramref name="name"/> a name this class could have produced (valid on every supported OS)?</summary>
        [MethodImpl(HotPath.Optimized)]
        public static bool IsSafeName(string name)
        {
            if (string.IsNullOrEmpty(name) || name == "." || name == "..") return false;
            if (name.Length > MaxNameLength || Encoding.UTF8.GetByteCount(name) > MaxNameLength) return false;
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (IsInvalidChar(c)) return false;
                if (char.IsHighSurrogate(c))
                {
                    if (i + 1 >= name.Length || !char.IsLowSurrogate(name[i + 1])) return false;
                    i++;
                }
                else if (char.IsLowSurrogate(c)) return false;
            }
            char last = name[name.Length - 1];
            if (last == '.' || char.IsWhiteSpace(last) || char.IsWhiteSpace(name[0])) return false;
            if (IsReservedDeviceName(name)) return false;
            return name.IsNormalized(NormalizationForm.FormC);
        }

        /// <summary>
        /// Does Windows treat <paramref name="name"/> as a device? The part before the first dot counts, trailing
        /// spaces ignored: <c>CON</c>, <c>con.jpg</c>, <c>NUL .txt</c>, <c>COM1.tar.gz</c>.
        /// </summary>
        public static bool IsReservedDeviceName(string name)
        {
            if (string.IsNullOrEmpty(name)) return false;
            int end = name.IndexOf('.');
            if (end < 0) end = name.Length;
            while (end > 0 && name[end - 1] == ' ') end--;
            // No device name is longer than CONOUT$: every index load asks this of each saved path, so the usual
            // name is answered without a substring.
            return end <= MaxDeviceNameLength && ReservedDeviceNames.Contains(name.Substring(0, end));
        }

        private const int MaxDeviceNameLength = 7;

        /// <summary>A conventional extension (with dot) for a MIME type, or null.</summary>
        public static string ExtensionForMimeType(string mimeType)
        {
            if (string.IsNullOrWhiteSpace(mimeType)) return null;
            int semicolon = mimeType.IndexOf(';');
            string type = (semicolon < 0 ? mimeType : mimeType.Substring(0, semicolon)).Trim().ToLowerInvariant();
            switch (type)
            {
                case "image/jpeg": case "image/jpg": case "image/pjpeg": return ".jpg";
                case "image/png": return ".png";
                case "image/gif": return ".gif";
                case "image/webp": return ".webp";
                case "image/heic": return ".heic";
                case "image/heif": return ".heif";
                case "image/avif": return ".avif";
                case "image/bmp": case "image/x-ms-bmp": return ".bmp";
                case "image/tiff": return ".tif";
                case "image/x-adobe-dng": case "image/dng": return ".dng";
                case "image/x-canon-cr2": return ".cr2";
                case "image/x-nikon-nef": return ".nef";
                case "image/x-sony-arw": return ".arw";
                case "video/mp4": return ".mp4";
                case "video/quicktime": return ".mov";
                case "video/3gpp": return ".3gp";
                case "video/x-m4v": return ".m4v";
                case "video/x-msvideo": case "video/avi": return ".avi";
                case "video/x-matroska": return ".mkv";
                case "video/webm": return ".webm";
                case "video/mpeg": return ".mpg";
                case "video/mp2t": return ".mts";
                case "video/x-ms-wmv": return ".wmv";
                default: return null;
            }
        }

        // ------------------------------------------------------------------------------------------------ internals

        internal struct NameParts
        {
            public NameParts(string stem, string extension) { Stem = stem; Extension = extension; }
            public string Stem { get; }

            /// <summary>With its dot, or "".</summary>
            public string Extension { get; }
        }

        /// <summary>
        /// Splits at the last dot when what follows looks like an extension (1-16 characters, no white space, at
        /// least one letter) and something precedes it: <c>.jpg</c> alone is a stem (a dot file), <c>a.b c</c> and
        /// <c>Screenshot 10.30.45</c> have no extension.
        /// </summary>
        internal static NameParts SplitExtension(string name)
        {
            int dot = name.LastIndexOf('.');
            if (dot <= 0 || dot == name.Length - 1 || name.Length - dot - 1 > MaxExtensionLength)
                return new NameParts(name, "");
            bool letter = false;
            for (int i = dot + 1; i < name.Length; i++)
            {
                if (char.IsWhiteSpace(name[i])) return new NameParts(name, "");
                letter |= char.IsLetter(name[i]);
            }
            return letter ? new NameParts(name.Substring(0, dot), name.Substring(dot)) : new NameParts(name, "");
        }

        /// <summary>Character-level cleaning; may return "".</summary>
        internal static string Clean(string text)
        {
            if (string.IsNullOrEmpty(text)) return "";
            var sb = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }
                else if (char.IsSurrogate(c) || IsInvalidChar(c))
                {
                    sb.Append('_');
                }
                else
                {
                    sb.Append(c);
                }
            }
            // Valid UTF-16 now, so Normalize cannot throw; composition never produces a character replaced above.
            string name = sb.ToString().Normalize(NormalizationForm.FormC);
            return TrimEdges(name);
        }

        private static string TrimEdges(string name)
        {
            int start = 0, end = name.Length;
            while (start < end && char.IsWhiteSpace(name[start])) start++;
            while (end > start && (name[end - 1] == '.' || char.IsWhiteSpace(name[end - 1]))) end--;
            return name.Substring(start, end - start);
        }

        private static bool IsInvalidChar(char c)
        {
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return true;
            switch (c)
            {
                case '/': case '\\': case ':': case '*': case '?': case '"': case '<': case '>': case '|':
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>stem + tail, with the stem shortened until the whole fits; trailing dots/spaces and device names fixed.</summary>
        private static string Compose(string stem, string suffix, string extension)
        {
            string tail = suffix + extension;
            int maxChars = MaxNameLength - tail.Length;
            int maxBytes = MaxNameLength - Encoding.UTF8.GetByteCount(tail);
            string fitted = TruncateToFit(stem, maxChars, maxBytes);
            string name = fitted + tail;
            if (tail.Length == 0) name = TrimEdges(name); // a cut may have left a trailing dot or space
            if (name.Length == 0) name = "_";
            if (IsReservedDeviceName(name))
            {
                int dot = name.IndexOf('.');
                name = dot < 0 ? name + "_" : name.Substring(0, dot) + "_" + name.Substring(dot);
            }
            return name;
        }

        /// <summary>The longest prefix of whole text elements within both limits.</summary>
        private static string TruncateToFit(string text, int maxChars, int maxBytes)
        {
            if (text.Length <= maxChars && Encoding.UTF8.GetByteCount(text) <= maxBytes) return text;
            int[] starts = StringInfo.ParseCombiningCharacters(text);
            int bytes = 0, end = 0;
            for (int i = 0; i < starts.Length; i++)
            {
                int next = i + 1 < starts.Length ? starts[i + 1] : text.Length;
                int elementBytes = Encoding.UTF8.GetByteCount(text.Substring(starts[i], next - starts[i]));
                if (next > maxChars || bytes + elementBytes > maxBytes) break;
                bytes += elementBytes;
                end = next;
            }
            return text.Substring(0, end);
        }
    }
}
