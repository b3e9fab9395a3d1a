using System.Collections.Generic;

namespace GPhotos.Saving
{
    internal sealed partial class DestinationIndex
    {
        /// <summary>
        /// The index lines <see cref="Serialize"/> writes, read without a JSON reader per line (the reader and its
        /// buffers cost most of an index load, which every run pays before its first item: ~30 µs a line). Only that
        /// shape: one object, no whitespace, strings without escapes, integers, true/false/null, and "links" as an
        /// array of strings. Anything else returns false and the full JSON reader decides, so what a line means never
        /// depends on which reader read it.
        /// </summary>
        private static class FastLine
        {
            public static bool TryRead(string line, LineFields f)
            {
                int i = 0, n = line.Length;
                if (n < 2 || line[0] != '{' || line[n - 1] != '}') return false;
                i = 1;
                while (true)
                {
                    string key = ReadString(line, ref i);
                    if (key == null || i >= n || line[i++] != ':' || i >= n) return false;
                    char c = line[i];
                    if (c == '"')
                    {
                        string value = ReadString(line, ref i);
                        if (value == null) return false;
                        f.Set(key, value);
                    }
                    else if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        if (!ReadInteger(line, ref i, out long value)) return false;
                        f.Set(key, value);
                    }
                    else if (Literal(line, ref i, "true")) f.Set(key, true);
                    else if (Literal(line, ref i, "false")) f.Set(key, false);
                    else if (Literal(line, ref i, "null")) f.Set(key, null);
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

            /// <summary>A string without escapes at <paramref name="i"/> (moved past it); null for anything else.</summary>
            private static string ReadString(string line, ref int i)
            {
                if (i >= line.Length || line[i] != '"') return null;
                int start = i + 1;
                for (int j = start; j < line.Length; j++)
                {
                    char c = line[j];
                    if (c == '"')
                    {
                        i = j + 1;
                        return line.Substring(start, j - start);
                    }
                    if (c == '\\' || c < ' ') return null; // an escape or a raw control character: the full reader decides
                }
                return null;
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
                    string s = ReadString(line, ref i);
                    if (s == null || i >= line.Length) return null;
                    list.Add(s);
                    if (line[i] == ']') { i++; return list; }
                    if (line[i++] != ',') return null;
                }
            }
        }
    }
}
