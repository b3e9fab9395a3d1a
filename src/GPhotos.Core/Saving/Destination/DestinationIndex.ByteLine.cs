using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace GPhotos.Saving
{
    internal sealed partial class DestinationIndex
    {
        /// <summary>
        /// One line as the file holds it (UTF-8 bytes) to an entry: what <see cref="TryParseLine(string, out string, out bool, out IndexEntry)"/>
        /// makes of the line decoded. The lines Save writes (the canonical shape) are read in place, with no
        /// string per line and none per field but the ones the entry keeps; any other line (escapes, spaces, other
        /// value kinds, damage) is decoded and read as before, so what a line means never depends on which reader read it.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        internal static bool TryParseLine(byte[] buffer, int start, int length, out string id, out bool removed, out IndexEntry entry)
        {
            var f = new ByteFields();
            if (ByteLine.TryRead(buffer, start, length, ref f)) return ByteLine.ToEntry(buffer, ref f, out id, out removed, out entry);
            return TryParseLine(Utf8.GetString(buffer, start, length), out id, out removed, out entry);
        }

        /// <summary>A line's characters, as a string or as its bytes: one reader of hashes and times for both, specialised per kind by the JIT.</summary>
        internal interface IText { int this[int index] { get; } }

        internal struct StringText : IText
        {
            private readonly string _s;
            public StringText(string s) { _s = s; }
            public int this[int index] => _s[index];
        }

        internal struct ByteText : IText
        {
            private readonly byte[] _b;
            public ByteText(byte[] b) { _b = b; }
            public int this[int index] => _b[index];
        }

        /// <summary>
        /// "yyyy-MM-ddTHH:mm:ss.fffffffZ", what Serialize writes, read in place. Anything else (another form, an
        /// impossible date) is left to DateTime.TryParse through the string, as before.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        private static bool TryReadRoundTrip<T>(T s, int at, int length, out DateTime value) where T : struct, IText
        {
            value = default(DateTime);
            if (length != 28 || s[at + 4] != '-' || s[at + 7] != '-' || s[at + 10] != 'T' || s[at + 13] != ':'
                || s[at + 16] != ':' || s[at + 19] != '.' || s[at + 27] != 'Z')
                return false;
            if (!Digits(s, at, 4, out int year) || !Digits(s, at + 5, 2, out int month) || !Digits(s, at + 8, 2, out int day)
                || !Digits(s, at + 11, 2, out int hour) || !Digits(s, at + 14, 2, out int minute) || !Digits(s, at + 17, 2, out int second)
                || !Digits(s, at + 20, 7, out int fraction))
                return false;
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
                return false;
            value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
            return true;
        }

        /// <summary>
        /// The 14 digits of "yyyy-MM-ddTHH:mm:ssZ" (the capture time SameMedia writes) as one number, or long.MinValue
        /// for any other text. Only the form is checked: any digits give back the same text, whatever date they say.
        /// </summary>
        [MethodImpl(HotPath.Optimized)]
        internal static long TakenDigits<T>(T s, int at, int length) where T : struct, IText
        {
            if (length != 20 || s[at + 4] != '-' || s[at + 7] != '-' || s[at + 10] != 'T' || s[at + 13] != ':' || s[at + 16] != ':' || s[at + 19] != 'Z')
                return long.MinValue;
            long digits = 0;
            for (int k = at; k < at + 19; k++)
            {
                if (k == at + 4 || k == at + 7 || k == at + 10 || k == at + 13 || k == at + 16) continue;
                int d = s[k] - '0';
                if (d < 0 || d > 9) return long.MinValue;
                digits = digits * 10 + d;
            }
            return digits;
        }

        [MethodImpl(HotPath.Optimized)]
        private static bool Digits<T>(T s, int at, int count, out int value) where T : struct, IText
        {
            value = 0;
            for (int k = at; k < at + count; k++)
            {
                int d = s[k] - '0';
                if (d < 0 || d > 9) return false;
                value = value * 10 + d;
            }
            return true;
        }

        /// <summary>Where each field's value lies in the line (start, length; -1 when absent), and the values read in place.</summary>
        private struct ByteFields
        {
            public int Id, IdLength, Source, SourceLength, Path, PathLength, Motion, MotionLength, Metadata, MetadataLength;
            public int Sha, ShaLength, MotionSha, MotionShaLength, Name, NameLength, Taken, TakenLength, Type, TypeLength;
            public long Size, MotionSize, Width, Height;
            public bool HasSize, HasMotionSize, HasWidth, HasHeight, HasSaved;
            public bool Removed, MotionChecked, ContentChanged;
            public DateTime SavedUtc;
            public List<string> Links;
        }

        /// <summary>
        /// The lines <see cref="Serialize"/> writes, read in place without a JSON reader (the reader and its buffers
        /// cost most of an index load, which every run pays before its first item). Only that shape: one object, no
        /// whitespace, strings without escapes, integers, true/false, null for unknown names, and "links" as an array
        /// of strings; it gives up on anything else, including a value of another kind than its field's (a size as a
        /// string, a date in another form), and the full JSON reader decides. A field given twice: the last one
        /// counts, as there.
        /// </summary>
        private static class ByteLine
        {
            private const int Absent = -1;

            [MethodImpl(HotPath.Optimized)]
            public static bool TryRead(byte[] b, int start, int length, ref ByteFields f)
            {
                f.Id = f.Source = f.Path = f.Motion = f.Metadata = f.Sha = f.MotionSha = f.Name = f.Taken = f.Type = Absent;
                int n = start + length, i = start;
                if (length < 2 || b[i] != '{' || b[n - 1] != '}') return false;
                i++;
                while (true)
                {
                    if (!ReadString(b, n, ref i, out int k, out int kl)) return false;
                    if (i >= n || b[i++] != ':' || i >= n) return false;
                    byte c = b[i];
                    Field field = KeyOf(b, k, kl);
                    if (c == '"')
                    {
                        if (!ReadString(b, n, ref i, out int v, out int vl)) return false;
                        switch (field)
                        {
                            case Field.Unknown: break;
                            case Field.Id: f.Id = v; f.IdLength = vl; break;
                            case Field.Source: f.Source = v; f.SourceLength = vl; break;
                            case Field.Path: f.Path = v; f.PathLength = vl; break;
                            case Field.Motion: f.Motion = v; f.MotionLength = vl; break;
                            case Field.Metadata: f.Metadata = v; f.MetadataLength = vl; break;
                            case Field.Sha: f.Sha = v; f.ShaLength = vl; break;
                            case Field.MotionSha: f.MotionSha = v; f.MotionShaLength = vl; break;
                            case Field.Name: f.Name = v; f.NameLength = vl; break;
                            case Field.Taken: f.Taken = v; f.TakenLength = vl; break;
                            case Field.Type: f.Type = v; f.TypeLength = vl; break;
                            case Field.Saved:
                                if (!TryReadRoundTrip(new ByteText(b), v, vl, out f.SavedUtc)) return false;
                                f.HasSaved = true;
                                break;
                            default: return false; // a string for a number, a flag or the links
                        }
                    }
                    else if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        if (!ReadInteger(b, n, ref i, out long value)) return false;
                        switch (field)
                        {
                            case Field.Unknown: break;
                            case Field.Size: f.Size = value; f.HasSize = true; break;
                            case Field.MotionSize: f.MotionSize = value; f.HasMotionSize = true; break;
                            case Field.Width: f.Width = value; f.HasWidth = true; break;
                            case Field.Height: f.Height = value; f.HasHeight = true; break;
                            default: return false;
                        }
                    }
                    else if (c == 't' || c == 'f')
                    {
                        bool value = c == 't';
                        if (!Literal(b, n, ref i, value ? "true" : "false")) return false;
                        switch (field)
                        {
                            case Field.Unknown: break;
                            case Field.Removed: f.Removed = value; break;
                            case Field.MotionChecked: f.MotionChecked = value; break;
                            case Field.ContentChanged: f.ContentChanged = value; break;
                            default: return false;
                        }
                    }
                    else if (c == 'n')
                    {
                        if (field != Field.Unknown || !Literal(b, n, ref i, "null")) return false;
                    }
                    else if (c == '[' && field == Field.Links)
                    {
                        if (!ReadStrings(b, n, ref i, out f.Links)) return false;
                    }
                    else return false;
                    if (i >= n) return false;
                    if (b[i] == '}') return i == n - 1;
                    if (b[i++] != ',') return false;
                }
            }

            /// <summary>The rest of <see cref="TryParseLine(string, out string, out bool, out IndexEntry)"/>: the same checks on the same values.</summary>
            [MethodImpl(HotPath.Optimized)]
            public static bool ToEntry(byte[] b, ref ByteFields f, out string id, out bool removed, out IndexEntry entry)
            {
                entry = null;
                id = Text(b, f.Id, f.IdLength);
                removed = f.Removed;
                if (removed || string.IsNullOrEmpty(id)) return true;
                string path = Text(b, f.Path, f.PathLength);
                if (!IsSafeRelativePath(path) || !f.HasSize || f.Size < 0) return true; // unusable entry: ignored
                string motion = Text(b, f.Motion, f.MotionLength), metadata = Text(b, f.Metadata, f.MetadataLength);
                entry = new IndexEntry
                {
                    Id = id,
                    Source = Shared(b, f.Source, f.SourceLength),
                    Path = path,
                    Size = f.Size,
                    SavedUtc = f.HasSaved ? f.SavedUtc : default(DateTime),
                    MotionChecked = f.MotionChecked,
                    MotionPath = IsSafeRelativePath(motion) ? motion : null,
                    MotionSize = f.HasMotionSize ? f.MotionSize : (long?)null,
                    MetadataPath = IsSafeRelativePath(metadata) ? metadata : null,
                    ContentChanged = f.ContentChanged,
                    // The flat layout: one string for both.
                    Name = f.Name != Absent && Same(b, f.Name, f.NameLength, f.Path, f.PathLength) ? path : Text(b, f.Name, f.NameLength),
                    Width = f.HasWidth ? f.Width : (long?)null,
                    Height = f.HasHeight ? f.Height : (long?)null,
                    MediaType = Shared(b, f.Type, f.TypeLength),
                    Links = f.Links?.FindAll(IsSafeRelativePath),
                };
                long taken = f.Taken == Absent ? long.MinValue : TakenDigits(new ByteText(b), f.Taken, f.TakenLength);
                if (taken != long.MinValue) entry.SetTakenDigits(taken);
                else entry.Taken = Text(b, f.Taken, f.TakenLength);
                if (f.Sha != Absent && IndexEntry.TryReadSha256(new ByteText(b), f.Sha, f.ShaLength, out ulong h0, out ulong h1, out ulong h2, out ulong h3))
                    entry.SetSha256(h0, h1, h2, h3);
                entry.SetMotionSha256(f.MotionSha == Absent ? null : IndexEntry.PackedSha256(new ByteText(b), f.MotionSha, f.MotionShaLength));
                return true;
            }

            private enum Field { Unknown, Id, Source, Path, Size, Saved, MotionChecked, Motion, MotionSize, Metadata, Sha, MotionSha, ContentChanged, Name, Taken, Width, Height, Type, Removed, Links }

            /// <summary>The known name at <paramref name="at"/>, by its length and first byte first (no string per name).</summary>
            [MethodImpl(HotPath.Optimized)]
            private static Field KeyOf(byte[] b, int at, int length)
            {
                if (length < 2) return Field.Unknown;
                switch (b[at])
                {
                    case (byte)'i': return Is(b, at, length, "id") ? Field.Id : Field.Unknown;
                    case (byte)'p': return Is(b, at, length, "path") ? Field.Path : Field.Unknown;
                    case (byte)'n': return Is(b, at, length, "name") ? Field.Name : Field.Unknown;
                    case (byte)'l': return Is(b, at, length, "links") ? Field.Links : Field.Unknown;
                    case (byte)'r': return Is(b, at, length, "removed") ? Field.Removed : Field.Unknown;
                    case (byte)'w': return Is(b, at, length, "width") ? Field.Width : Field.Unknown;
                    case (byte)'h': return Is(b, at, length, "height") ? Field.Height : Field.Unknown;
                    case (byte)'c': return Is(b, at, length, "contentChanged") ? Field.ContentChanged : Field.Unknown;
                    case (byte)'s':
                        return Is(b, at, length, "source") ? Field.Source : Is(b, at, length, "size") ? Field.Size
                            : Is(b, at, length, "saved") ? Field.Saved : Is(b, at, length, "sha256") ? Field.Sha : Field.Unknown;
                    case (byte)'t': return Is(b, at, length, "taken") ? Field.Taken : Is(b, at, length, "type") ? Field.Type : Field.Unknown;
                    case (byte)'m':
                        return Is(b, at, length, "metadata") ? Field.Metadata : Is(b, at, length, "motion") ? Field.Motion
                            : Is(b, at, length, "motionSize") ? Field.MotionSize : Is(b, at, length, "motionSha256") ? Field.MotionSha
                            : Is(b, at, length, "motionChecked") ? Field.MotionChecked : Field.Unknown;
                    default: return Field.Unknown;
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the optimized callers
            private static bool Is(byte[] b, int at, int length, string name)
            {
                if (length != name.Length) return false;
                for (int k = 0; k < length; k++)
                    if (b[at + k] != name[k]) return false;
                return true;
            }

            /// <summary>A string without escapes at <paramref name="i"/> (moved past it); false for anything else.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the optimized callers
            private static bool ReadString(byte[] b, int n, ref int i, out int start, out int length)
            {
                start = i + 1;
                length = 0;
                if (i >= n || b[i] != '"') return false;
                for (int j = start; j < n; j++)
                {
                    byte c = b[j];
                    if (c == '"')
                    {
                        length = j - start;
                        i = j + 1;
                        return true;
                    }
                    // An escape or a raw control character: the string readers decide. UTF-8 beyond ASCII is decoded
                    // with the value (a quote never ends a multi-byte sequence, so damaged UTF-8 decodes as in the line).
                    if (c == '\\' || c < ' ') return false;
                }
                return false;
            }

            [MethodImpl(HotPath.Optimized)]
            private static bool ReadInteger(byte[] b, int n, ref int i, out long value)
            {
                value = 0;
                int j = i;
                bool negative = b[j] == '-';
                if (negative) j++;
                int digits = j;
                while (j < n && b[j] >= '0' && b[j] <= '9')
                {
                    if (j - digits >= 18) return false; // may not fit a long: the full reader decides
                    value = value * 10 + (b[j] - '0');
                    j++;
                }
                if (j == digits || (j - digits > 1 && b[digits] == '0')) return false; // no digits, or a leading zero
                if (j < n && (b[j] == '.' || b[j] == 'e' || b[j] == 'E')) return false;
                if (negative) value = -value;
                i = j;
                return true;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the optimized callers
            private static bool Literal(byte[] b, int n, ref int i, string literal)
            {
                if (n - i < literal.Length || !Is(b, i, literal.Length, literal)) return false;
                i += literal.Length;
                return true;
            }

            [MethodImpl(HotPath.Optimized)]
            private static bool ReadStrings(byte[] b, int n, ref int i, out List<string> list)
            {
                list = new List<string>();
                i++; // '['
                if (i < n && b[i] == ']') { i++; return true; }
                while (true)
                {
                    if (!ReadString(b, n, ref i, out int start, out int length) || i >= n) return false;
                    list.Add(Text(b, start, length));
                    if (b[i] == ']') { i++; return true; }
                    if (b[i++] != ',') return false;
                }
            }

            /// <summary>The text at <paramref name="start"/>, or null when the field is absent.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the optimized callers
            private static string Text(byte[] b, int start, int length) => start == Absent ? null : length == 0 ? "" : Utf8.GetString(b, start, length);

            private static readonly string[] SharedValues = { "Library", "Takeout", "Picker", "Photo", "Video" };

            /// <summary>Sources and media types: one string each for the whole index instead of one per entry.</summary>
            [MethodImpl(HotPath.Optimized)]
            private static string Shared(byte[] b, int start, int length)
            {
                if (start == Absent) return null;
                foreach (string s in SharedValues)
                    if (Is(b, start, length, s)) return s;
                return Text(b, start, length);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the optimized callers
            private static bool Same(byte[] b, int x, int xLength, int y, int yLength)
            {
                if (xLength != yLength || y == Absent) return false;
                for (int k = 0; k < xLength; k++)
                    if (b[x + k] != b[y + k]) return false;
                return true;
            }
        }
    }
}
