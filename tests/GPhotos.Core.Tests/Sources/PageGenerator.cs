using System.Text;

namespace GPhotos.Core.Tests.Sources;

/// <summary>
/// Seeded media pages for <see cref="StreamingPageFuzzTests"/>: Library, batchGet and Picker shapes with every field
/// the parsers read, each value drawn from every JSON type Json.NET can read (Google's types, wrong types, nulls,
/// undefined, huge and special numbers, constructors), keys repeated at every level, unknown fields, comments.
/// </summary>
internal static class PageGenerator
{
    private static readonly string[] Scalars =
    {
        "\"x\"", "\"\"", "null", "undefined", "true", "false", "0", "-1", "42", "4032", "\"4032\"", "\" 12 \"", "\"-7\"",
        "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "99999999999999999999999", "-99999999999999999999999", "1.5", "-0.0", "6.9", "1e308", "1e999", "-1e999",
        "4.9e-324", "9.2e18", "-9.3e18", "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"1e400\"", "\"6.9\"",
        "\"2024-03-05T10:20:30Z\"", "\"2024-03-05T10:20:30.123456789+02:00\"", "\"2024-02-30T00:00:00Z\"", "\"2024-03-05\"",
        "\"0.008s\"", "\"5s\"", "\" 1800s \"", "\"-1s\"", "\"1e30s\"", "\"s\"", "\"READY\"", "\"processing\"", "\"FAILED\"",
        "\"VIDEO\"", "\"photo\"", "\"TYPE_UNSPECIFIED\"", "\"image/jpeg\"", "\"video/mp4\"", "\"Video/MP4\"", "\"text/plain\"",
        "\"True\"", "\"false\"", "'single'", "\"\\u0000\\ud800\"", "\"caf\\u00e9 \\\"q\\\"\"", "\"١٢٣\"", "new Date(1)", "new X()",
    };

    private static readonly string[] ItemKeys =
    {
        "id", "description", "productUrl", "baseUrl", "mimeType", "filename", "mediaMetadata", "contributorInfo",
        "createTime", "type", "mediaFile", "somethingNew", "ID", "mediaItem", "status",
    };

    private static readonly string[] MetaKeys =
    {
        "creationTime", "width", "height", "photo", "video", "photoMetadata", "videoMetadata", "cameraMake", "cameraModel",
        "mediaFileMetadata", "baseUrl", "mimeType", "filename", "unknown",
    };

    private static readonly string[] LeafKeys =
    {
        "cameraMake", "cameraModel", "focalLength", "apertureFNumber", "isoEquivalent", "exposureTime", "fps", "status",
        "processingStatus", "displayName", "code", "message", "width", "height", "x",
    };

    private static readonly string[] ObjectKeys = { "mediaMetadata", "photo", "video", "contributorInfo", "mediaFile", "mediaFileMetadata", "photoMetadata", "videoMetadata", "mediaItem", "status" };

    /// <summary>Hand-picked bodies at the edges of JObject.Load: empty, cut, trailing text, comments first, not objects.</summary>
    public static readonly string[] Edges =
    {
        "", " ", "\uFEFF{}", "{", "{\"mediaItems\":[", "{\"mediaItems\":[{\"id\":\"a\"}", "{\"mediaItems\":[{\"id\":\"a\"", "{\"a\":{",
        "{\"a\":1", "{\"a\":", "{\"a\"", "{/*c*/", "{//c\n", "/*c*/{\"mediaItems\":[{\"id\":\"a\"}]}", "//c\n{}", "/*c*/", "/*c*/[1]",
        "[]", "1", "\"s\"", "null", "{} trailing", "{}{", "{\"mediaItems\":[{\"id\":\"a\"}]} ]", "{\"mediaItems\":[1,null,[],{\"id\":\"b\"},\"x\",new Date(1)]}",
        "{\"mediaItems\":[{\"id\":\"a\"}],\"mediaItems\":{}}", "{\"mediaItems\":[{\"id\":\"a\"}],\"mediaItems\":[{\"id\":\"b\"}]}",
        "{\"nextPageToken\":\"t\",\"nextPageToken\":null}", "{\"nextPageToken\":12345678901234567890123}", "{\"nextPageToken\":1.5e300}",
        "{mediaItems:[{id:'a',mediaMetadata:{video:{fps:NaN}}}]}", "{\"mediaItems\":[{\"id\":\"a\",/*c*/\"mediaMetadata\"/*c*/:/*c*/null}]}",
        "{\"mediaItemResults\":[{\"mediaItem\":{\"id\":\"a\"},\"mediaItem\":5},{\"status\":{\"code\":5},\"status\":[]},{\"mediaItem\":null,\"status\":{\"code\":\"7\",\"message\":1}}]}",
        "{\"mediaItemResults\":[{},{},{},{\"mediaItem\":{\"id\":\"d\"}}],\"mediaItemResults\":[{\"mediaItem\":{\"id\":\"e\"}}]}",
        "{\"mediaItems\":[{\"id\":\"p\",\"type\":\"VIDEO\",\"mediaFile\":{\"mediaFileMetadata\":{\"videoMetadata\":{\"fps\":1},\"videoMetadata\":\"x\"}}}]}",
        new string('[', 70) + new string(']', 70), "{\"a\":" + new string('[', 70) + new string(']', 70) + "}",
    };

    public static IEnumerable<string> Pages(Random random, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var b = new StringBuilder();
            b.Append(random.Next(8) == 0 ? " \r\n" : "").Append('{');
            var keys = new List<string>();
            int items = random.Next(4);
            string list = new[] { "mediaItems", "mediaItemResults" }[random.Next(2)];
            keys.Add(Prop(list) + Array(random, items, () => random.Next(6) == 0 ? Scalar(random) : Item(random, 0)));
            if (random.Next(3) > 0) keys.Add(Prop("nextPageToken") + (random.Next(2) == 0 ? "\"tok" + i + "\"" : Scalar(random)));
            if (random.Next(4) == 0) keys.Add(Prop(list) + (random.Next(3) == 0 ? Scalar(random) : Array(random, random.Next(3), () => Item(random, 0))));
            if (random.Next(4) == 0) keys.Add(Prop("unknownTop") + Item(random, 1));
            Shuffle(random, keys);
            b.Append(string.Join(Comma(random), keys)).Append('}');
            yield return b.ToString();
        }
    }

    private static string Item(Random random, int depth)
    {
        if (depth > 4) return Scalar(random);
        var keys = new List<string>();
        string[] pool = depth == 0 ? ItemKeys : depth <= 2 ? MetaKeys : LeafKeys;
        int n = random.Next(1, 9);
        for (int k = 0; k < n; k++)
        {
            string key = pool[random.Next(pool.Length)];
            string value = ObjectKeys.Contains(key) && random.Next(4) > 0 ? Item(random, depth + 1)
                : random.Next(10) == 0 ? Array(random, random.Next(3), () => Scalar(random))
                : random.Next(12) == 0 ? Item(random, 3)
                : Scalar(random);
            keys.Add(Prop(key) + value);
            if (random.Next(8) == 0) keys.Add(Prop(key) + (random.Next(2) == 0 ? Scalar(random) : Item(random, depth + 1))); // repeated key
        }
        if (depth == 0 && random.Next(3) > 0) keys.Insert(0, Prop("id") + "\"it" + random.Next(1000) + "\"");
        return "{" + string.Join(Comma(random), keys) + "}";
    }

    private static string Array(Random random, int n, Func<string> element)
        => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => element())) + "]";

    private static string Scalar(Random random) => Scalars[random.Next(Scalars.Length)];

    private static string Prop(string name) => "\"" + name + "\":";

    private static string Comma(Random random) => random.Next(10) switch { 0 => " /*c*/, ", 1 => ",\n//line\n", _ => "," };

    private static void Shuffle(Random random, List<string> list)
    {
        for (int i = list.Count - 1; i > 0; i--) { int j = random.Next(i + 1); (list[i], list[j]) = (list[j], list[i]); }
    }
}
