using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace GPhotos.Saving
{
    internal sealed partial class DestinationIndex
    {
        /// <summary>
        /// The index lines <see cref="Serialize"/> writes, read without a JSON reader per line (the reader and its
        /// buffers cost most of an index load, which every run pays before its first item: ~30 µs a line). Only that
        /// shape: one object, no whitespace, strings without escapes, integers, true/false/null, and "links" as an
        /// array of strings. Anything else returns false and the full JSON reader decides, so what a line means never
        /// depends on which reader read it. Names are matched in place (no string per name), the few values every
        /// line repeats (source, type) are shared strings, and the save time is read in place when it is in the
        /// round-trip form Serialize writes: a 100k-entry index allocates only the strings its entries keep.
        /// </summary>
        private static class FastLine
        {
            /// <summary>Every name <see cref="LineFields.Set(string, object)"/> knows; any other name's value is read and ignored.</summary>
            private static readonly string[] Names =
            {
                "id", "source", "path", "size", "saved", "motionChecked", "motion", "motionSize", "metadata", "sha256",
                "motionSha256", "contentChanged", "name", "taken", "width", "height", "type", "removed", "links",
            };

            /// <summary>Values shared by many lines (sources, media types): one string each instead of one per entry.</summary>
            private static readonly string[] Shared = { "Library", "Takeout", "Picker", "Photo", "Video" };

            [MethodImpl(HotPath.Optimized)]
            public static bool TryRead(string line, LineFields f)
            {
                int i = 0, n = line.Length;
                if (n < 2 || line[0] != '{' || line[n - 1] != '}') return false;
                i = 1;
                while (true)
                {
                    if (!ReadStringBounds(line, ref i, out int keyStart, out int keyLength)) return false;
                    string key = Match(line, keyStart, keyLength, Names);
                    if (i >= n || line[i++] != ':' || i >= n) return false;
                    char c = line[i];
                    if (c == '"')
                    {
                        if (!ReadStringBounds(line, ref i, out int start, out int length)) return false;
                        if (key == null) { } // an unknown name: its value is skipped
                        else if (key == "saved" && TryReadRoundTrip(new StringText(line), start, length, out DateTime saved)) f.SavedUtc = saved;
                        else f.Set(key, (key == "source" || key == "type" ? Match(line, start, length, Shared) : null) ?? line.Substring(start, length));
                    }
                    else if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        if (!ReadInteger(line, ref i, out long value)) return false;
                        if (key != null) f.Set(key, value);
                    }
                    else if (Literal(line, ref i, "true")) { if (key != null) f.Set(key, true); }
                    else if (Literal(line, ref i, "false")) { if (key != null) f.Set(key, false); }
                    else if (Literal(line, ref i, "null")) { if (key != null) f.Set(key, (object)null); }
                    else if (c == '[' && key == "links")
                    {
                        List<string> links = ReadStrings(line, ref i);
                        if (links == null) return false;
                        f.Links = links;
                    }
                    else return false;
                    if (i >= n) return false;
                    if (line[i] == '}') return i == n - 1;
                    if (line[i++] != ',') return false;
                }
            }

            /// <summary>The one of <paramref name="known"/> that equals the characters at <paramref name="start"/>, or null.</summary>
            private static string Match(string line, int start, int length, string[] known)
            {
                foreach (string k in known)
                    if (k.Length == length && string.CompareOrdinal(line, start, k, 0, length) == 0) return k;
                return null;
            }

            /// <summary>A string without escapes at <paramref name="i"/> (moved past it); false for anything else.</summary>
            private static bool ReadStringBounds(string line, ref int i, out int start, out int length)
            {
                start = i + 1;
                length = 0;
                if (i >= line.Length || line[i] != '"') return false;
                for (int j = start; j < line.Length; j++)
                {
                    char c = line[j];
                    if (c == '"')
                    {
                        length = j - start;
                        i = j + 1;
                        return true;
                    }
                    if (c == '\\' || c < ' ') return false; // an escape or a raw control character: the full reader decides
                }
                return false;
            }

            private static bool ReadInteger(string line, ref int i, out long value)
            {
                value = 0;
                int j = i;
                bool negative = line[j] == '-';
                if (negative) j++;
                int digits = j;
                while (j < line.Length && line[j] >= '0' && line[j] <= '9')
                {
                    if (j - digits >= 18) return false; // may not fit a long: the full reader decides
                    value = value * 10 + (line[j] - '0');
                    j++;
                }
                if (j == digits || (j - digits > 1 && line[digits] == '0')) return false; // no digits, or a leading zero
                if (j < line.Length && (line[j] == '.' || line[j] == 'e' || line[j] == 'E')) return false;
                if (negative) value = -value;
                i = j;
                return true;
            }

            private static bool Literal(string line, ref int i, string literal)
            {
                if (string.CompareOrdinal(line, i, literal, 0, literal.Length) != 0) return false;
                i += literal.Length;
                return true;
            }

            private static List<string> ReadStrings(string line, ref int i)
            {
                var list = new List<string>();
                i++; // '['
                if (i < line.Length && line[i] == ']') { i++; return list; }
                while (true)
                {
                    if (!ReadStringBounds(line, ref i, out int start, out int length) || i >= line.Length) return null;
                    list.Add(line.Substring(start, length));
                    if (line[i] == ']') { i++; return list; }
                    if (line[i++] != ',') return null;
                }
            }
        }
    }
}
