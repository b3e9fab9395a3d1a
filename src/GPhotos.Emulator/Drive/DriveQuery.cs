using System.Text;

namespace GPhotos.Emulator.Drive;

/// <summary>A parse error in <c>q</c> or <c>fields</c>: Drive answers 400 "Invalid Value" / "Invalid field selection".</summary>
internal sealed class DriveQueryException : Exception
{
    public DriveQueryException(string message, string location) : base(message) => Location = location;
    public string Location { get; }
}

/// <summary>
/// The part of Drive's search language GPhotos needs (google-photos-api.md §8): <c>name = 'x'</c>, <c>name != 'x'</c>,
/// <c>name contains 'x'</c> (prefix match, as Drive does for names), <c>'id' in parents</c>, <c>mimeType = / != 'x'</c>,
/// <c>trashed = true|false</c>, joined with <c>and</c>. Strings in single quotes with <c>\'</c> and <c>\\</c> escapes.
/// Anything else (or, not, other fields, bad quoting) is refused with 400 so a client relying on it is caught here.
/// </summary>
internal sealed class DriveQuery
{
    private readonly List<Func<DriveFileRecord, string, bool>> _terms = new();

    public static DriveQuery Parse(string q)
    {
        var query = new DriveQuery();
        if (string.IsNullOrWhiteSpace(q)) return query;
        var tokens = Tokenize(q);
        int i = 0;
        while (true)
        {
            query._terms.Add(Term(tokens, ref i));
            if (i >= tokens.Count) break;
            if (!tokens[i].IsWord("and")) throw Invalid();
            i++;
        }
        return query;
    }

    /// <summary>Does <paramref name="f"/> match every term? <paramref name="rootId"/> stands for the alias 'root'.</summary>
    public bool Matches(DriveFileRecord f, string rootId) => _terms.All(t => t(f, rootId));

    private static Func<DriveFileRecord, string, bool> Term(List<Token> t, ref int i)
    {
        if (i + 2 >= t.Count) throw Invalid();
        Token a = t[i], op = t[i + 1], b = t[i + 2];
        i += 3;
        if (a.Quoted && op.IsWord("in") && b.IsWord("parents"))
        {
            string id = a.Text;
            return (f, root) => f.ParentId == id || (id == "root" && f.ParentId == root);
        }
        if (a.Quoted) throw Invalid();
        string field = a.Text, value = b.Text;
        switch (field)
        {
            case "name" when op.Text == "=" && b.Quoted: return (f, _) => string.Equals(f.Name, value, StringComparison.OrdinalIgnoreCase);
            case "name" when op.Text == "!=" && b.Quoted: return (f, _) => !string.Equals(f.Name, value, StringComparison.OrdinalIgnoreCase);
            case "name" when op.IsWord("contains") && b.Quoted: return (f, _) => NameContains(f.Name, value);
            case "mimeType" when op.Text == "=" && b.Quoted: return (f, _) => f.MimeType == value;
            case "mimeType" when op.Text == "!=" && b.Quoted: return (f, _) => f.MimeType != value;
            case "trashed" when (op.Text == "=" || op.Text == "!=") && !b.Quoted && (b.IsWord("true") || b.IsWord("false")):
            {
                bool want = b.IsWord("true") == (op.Text == "=");
                return (f, _) => f.Trashed == want;
            }
            default: throw Invalid();
        }
    }

    /// <summary>Drive matches name terms by prefix: of the whole name or of a word in it ("HelloWorld" contains 'Hello', not 'World').</summary>
    internal static bool NameContains(string name, string value)
    {
        if (value.Length == 0) return true;
        if (name.StartsWith(value, StringComparison.OrdinalIgnoreCase)) return true;
        for (int k = 1; k < name.Length; k++)
            if (!char.IsLetterOrDigit(name[k - 1]) && name.AsSpan(k).StartsWith(value, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    internal static DriveQueryException Invalid() => new("Invalid Value", "q");

    private readonly record struct Token(string Text, bool Quoted)
    {
        public bool IsWord(string w) => !Quoted && string.Equals(Text, w, StringComparison.Ordinal);
    }

    private static List<Token> Tokenize(string q)
    {
        var list = new List<Token>();
        int i = 0;
        while (i < q.Length)
        {
            char c = q[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= q.Length) throw Invalid();
                    char d = q[i++];
                    if (d == '\\')
                    {
                        if (i >= q.Length) throw Invalid();
                        char e = q[i++];
                        if (e != '\'' && e != '\\') throw Invalid();
                        sb.Append(e);
                    }
                    else if (d == '\'') break;
                    else sb.Append(d);
                }
                list.Add(new Token(sb.ToString(), true));
                continue;
            }
            if (c == '=' ) { list.Add(new Token("=", false)); i++; continue; }
            if (c == '!' && i + 1 < q.Length && q[i + 1] == '=') { list.Add(new Token("!=", false)); i += 2; continue; }
            if (char.IsLetter(c))
            {
                int start = i;
                while (i < q.Length && char.IsLetterOrDigit(q[i])) i++;
                list.Add(new Token(q[start..i], false));
                continue;
            }
            throw Invalid(); // parentheses, <, >, has, or anything Drive knows but GPhotos does not use
        }
        return list;
    }
}

/// <summary>
/// The <c>fields</c> parameter: <c>nextPageToken,files(id,name,size)</c>, <c>files/id</c>, <c>*</c>. Known file field names
/// are honoured; an unknown one is 400 "Invalid field selection" (as Drive does), never a 500.
/// </summary>
internal sealed class DriveFields
{
    public static readonly string[] FileFields = { "kind", "id", "name", "mimeType", "size", "md5Checksum", "createdTime", "modifiedTime", "parents", "trashed", "version", "headRevisionId" };
    private static readonly string[] DefaultFileFields = { "kind", "id", "name", "mimeType" };

    public bool NextPageToken { get; private set; }
    public bool Kind { get; private set; }
    public bool IncompleteSearch { get; private set; }
    public HashSet<string> File { get; } = new(StringComparer.Ordinal);

    /// <summary>Selection for a list (<paramref name="list"/>) or for one file.</summary>
    public static DriveFields Parse(string fields, bool list)
    {
        var r = new DriveFields();
        if (string.IsNullOrWhiteSpace(fields) || fields.Trim() == "*")
        {
            bool all = !string.IsNullOrWhiteSpace(fields);
            r.NextPageToken = r.Kind = r.IncompleteSearch = true;
            foreach (var f in all ? FileFields : DefaultFileFields) r.File.Add(f);
            return r;
        }
        int i = 0;
        string s = fields.Replace(" ", "");
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && s[i] != ',' && s[i] != '(' && s[i] != ')') i++;
            string name = s[start..i];
            if (name.Length == 0) throw Bad(fields);
            if (i < s.Length && s[i] == '(')
            {
                int close = s.IndexOf(')', i);
                if (close < 0 || s.IndexOf('(', i + 1) is int o && o >= 0 && o < close) throw Bad(fields);
                if (!list || name != "files") throw Bad(name);
                foreach (var f in s[(i + 1)..close].Split(',')) AddFile(r, f);
                i = close + 1;
            }
            else if (i < s.Length && s[i] == ')') throw Bad(fields);
            else if (list && name.StartsWith("files/", StringComparison.Ordinal)) AddFile(r, name[6..]);
            else if (list && name == "files") foreach (var f in FileFields) r.File.Add(f);
            else if (list && name == "nextPageToken") r.NextPageToken = true;
            else if (list && name == "incompleteSearch") r.IncompleteSearch = true;
            else if (name == "kind") r.Kind = true;
            else if (!list) AddFile(r, name);
            else throw Bad(name);
            if (i < s.Length && s[i] == ',') i++;
        }
        return r;
    }

    private static void AddFile(DriveFields r, string f)
    {
        if (f == "*") { foreach (var x in FileFields) r.File.Add(x); return; }
        if (!FileFields.Contains(f, StringComparer.Ordinal)) throw Bad(f);
        r.File.Add(f);
    }

    private static DriveQueryException Bad(string what) => new("Invalid field selection " + what, "fields");
}
