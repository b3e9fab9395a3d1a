#nullable enable
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace GPhotos.Core.Tests.Errors;

/// <summary>
/// Issue 13, "one place per rule": every error and warning id of the core is chosen in src/GPhotos.Core/Errors
/// (ErrorCatalog and its Warnings half). This scans the core's source, outside Errors/, for an id written inline:
/// an <c>ErrorEntry</c> made by hand, or a PascalCase string literal handed as an argument to <c>Warning(</c> or
/// <c>Error(</c>. (tests/Pester/Errors.Tests.ps1 does the same for the cmdlets.)
/// </summary>
public class InlineIdScanTests
{
    private static readonly Regex Call = new(@"(\bnew\s+ErrorEntry|\bWarning|\bError)\s*\(", RegexOptions.Compiled);
    // An argument that is an id literal, or holds one as a branch of ?: or ??.
    private static readonly Regex IdLiteral = new(@"(^|[?:])\s*""[A-Z][a-z]+[A-Z][A-Za-z]*""\s*($|[?:])", RegexOptions.Compiled);

    private static string CoreSource()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string core = Path.Combine(dir.FullName, "src", "GPhotos.Core");
            if (Directory.Exists(core)) return core;
        }
        throw new DirectoryNotFoundException("src/GPhotos.Core not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The inline ids in one file's text: "line: call" for each.</summary>
    internal static List<string> InlineIds(string code)
    {
        var hits = new List<string>();
        string text = StripComments(code);
        foreach (Match m in Call.Matches(text))
        {
            List<string> args = TopLevelArguments(text, m.Index + m.Length);
            bool handMade = m.Value.StartsWith("new", StringComparison.Ordinal);
            if (handMade || args.Any(a => IdLiteral.IsMatch(a.Trim())))
            {
                int line = text.Take(m.Index).Count(c => c == '\n') + 1;
                hits.Add(line + ": " + m.Value + string.Join(",", args).Trim() + ")");
            }
        }
        return hits;
    }

    /// <summary>Comments become spaces (line numbers kept), so a documented example is not a hit.</summary>
    private static string StripComments(string code) =>
        Regex.Replace(code, @"//[^\n]*|/\*.*?\*/", c => Regex.Replace(c.Value, @"[^\n]", " "), RegexOptions.Singleline);

    /// <summary>
    /// The arguments of the call whose '(' ends at <paramref name="start"/>, split at top-level commas. Strings are
    /// skipped as a whole (an interpolation's braces and quotes included), so a comma in a message does not split.
    /// </summary>
    private static List<string> TopLevelArguments(string text, int start)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"')
            {
                int end = StringEnd(text, i);
                current.Append(text, i, end - i);
                i = end - 1;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) break;
            else if (c == ',' && depth == 0)
            {
                args.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        args.Add(current.ToString());
        return args;
    }

    /// <summary>Just past the string literal opening at <paramref name="i"/> (regular, verbatim or interpolated).</summary>
    private static int StringEnd(string text, int i)
    {
        bool verbatim = i > 0 && text[i - 1] == '@' || i > 1 && text[i - 2] == '@';
        bool interpolated = i > 0 && text[i - 1] == '$' || i > 1 && text[i - 2] == '$';
        int braces = 0;
        for (int j = i + 1; j < text.Length; j++)
        {
            char c = text[j];
            if (!verbatim && c == '\\') { j++; continue; }
            if (interpolated && c == '{')
            {
                if (j + 1 < text.Length && text[j + 1] == '{' && braces == 0) { j++; continue; }
                braces++;
                continue;
            }
            if (interpolated && c == '}' && braces > 0) { braces--; continue; }
            if (c == '"' && braces > 0) { j = StringEnd(text, j) - 1; continue; } // a string inside an interpolation
            if (c == '"')
            {
                if (verbatim && j + 1 < text.Length && text[j + 1] == '"') { j++; continue; }
                return j + 1;
            }
        }
        return text.Length;
    }

    [Fact]
    public void No_core_code_outside_Errors_chooses_an_error_or_warning_id_itself()
    {
        string core = CoreSource();
        string errors = Path.Combine(core, "Errors") + Path.DirectorySeparatorChar;
        string[] files = Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(errors, StringComparison.Ordinal))
            .Where(f => !Regex.IsMatch(f, @"[\\/](bin|obj)[\\/]"))
            .ToArray();
        Assert.True(files.Length > 50, "the scan found the core's source (" + files.Length + " files)");

        var hits = files.SelectMany(f => InlineIds(File.ReadAllText(f)).Select(h => Path.GetRelativePath(core, f) + ":" + h)).ToList();
        Assert.True(hits.Count == 0, "ids written inline (use ErrorCatalog's constants and factories):\n" + string.Join("\n", hits));
    }

    [Theory]
    [InlineData("events.Warning(item, msg, \"MetadataFileExists\");")]
    [InlineData("events.Warning(item, $\"The file '{a ?? \"x\"}', here\",\n    \"VideoNotReady\");")]
    [InlineData("x.Warning(m, ok ? \"VideoNotReady\" : ErrorCatalog.VideoProcessingFailed);")]
    [InlineData("events.Error(item, new ErrorEntry(ErrorCatalog.MotionVideoFailed, c, false, ex), m);")]
    public void The_scan_finds_an_inline_id(string code)
    {
        Assert.NotEmpty(InlineIds(code));
    }

    [Theory]
    [InlineData("events.Warning(item, $\"Skipped '{item.Filename}': VideoNotReady\", ErrorCatalog.VideoNotReady);")]
    [InlineData("// events.Warning(item, m, \"VideoNotReady\");")]
    [InlineData("checks.Add(new FileCheck(e, \"MotionVideo\", p));")]
    public void The_scan_passes_catalog_ids_messages_and_comments(string code)
    {
        Assert.Empty(InlineIds(code));
    }
}
