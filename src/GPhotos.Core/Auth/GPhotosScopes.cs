using System;
using System.Collections.Generic;
using System.Linq;

namespace GPhotos.Auth
{
    /// <summary>
    /// The OAuth scopes GPhotos asks for. Since 2025-03-31 Google Photos offers only the Picker scope (items the user
    /// picks) and the Library "app created data" scopes (items this OAuth client uploaded).
    /// </summary>
    /// <remarks>
    /// Short names accepted by <see cref="Resolve"/> (case-insensitive):
    /// <list type="bullet">
    /// <item><c>PhotosPicker</c>, <c>Picker</c>, <c>PickerReadOnly</c> → <see cref="PickerReadOnly"/></item>
    /// <item><c>LibraryAppCreated</c>, <c>LibraryReadAppCreated</c>, <c>AppCreated</c> → <see cref="LibraryReadAppCreated"/></item>
    /// <item><c>Default</c> → both of the above</item>
    /// <item><c>DriveReadOnly</c> → <see cref="DriveReadOnly"/>; <c>DriveWrite</c>, <c>DriveFull</c> → <see cref="Drive"/> (opt-in, for Takeout exports in Drive)</item>
    /// </list>
    /// Full scope URLs are accepted too, and so is the part after <c>https://www.googleapis.com/auth/</c>
    /// (e.g. <c>photospicker.mediaitems.readonly</c>). The scopes Google removed in 2025 are refused with an explanation.
    /// </remarks>
    public static class GPhotosScopes
    {
        public const string Prefix = "https://www.googleapis.com/auth/";

        /// <summary>Picker API: list and download the items the user picks in Google's picker.</summary>
        public const string PickerReadOnly = Prefix + "photospicker.mediaitems.readonly";

        /// <summary>Library API, read-only, limited to items and albums this OAuth client created.</summary>
        public const string LibraryReadAppCreated = Prefix + "photoslibrary.readonly.appcreateddata";

        /// <summary>Drive, read-only: list and read Takeout exports delivered to Drive (Connect-GPhotos -Drive). A restricted scope.</summary>
        public const string DriveReadOnly = Prefix + "drive.readonly";

        /// <summary>Drive, full: the only scope that can delete a file (Connect-GPhotos -DriveWrite, for Remove-GPhotosTakeoutArchive).
        /// Google's consent screen calls it "see, edit, create and delete all your Google Drive files".</summary>
        public const string Drive = Prefix + "drive";

        /// <summary>What GPhotos asks for unless told otherwise: both read scopes.</summary>
        public static IReadOnlyList<string> Default { get; } = new[] { PickerReadOnly, LibraryReadAppCreated };

        /// <summary>Scopes Google removed on 2025-03-31; asking for them fails at Google.</summary>
        public static IReadOnlyList<string> Removed { get; } = new[]
        {
            Prefix + "photoslibrary",
            Prefix + "photoslibrary.readonly",
            Prefix + "photoslibrary.sharing",
        };

        private static readonly Dictionary<string, string[]> ShortNames = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["PhotosPicker"] = new[] { PickerReadOnly },
            ["Picker"] = new[] { PickerReadOnly },
            ["PickerReadOnly"] = new[] { PickerReadOnly },
            ["LibraryAppCreated"] = new[] { LibraryReadAppCreated },
            ["LibraryReadAppCreated"] = new[] { LibraryReadAppCreated },
            ["AppCreated"] = new[] { LibraryReadAppCreated },
            ["Default"] = new[] { PickerReadOnly, LibraryReadAppCreated },
            ["DriveReadOnly"] = new[] { DriveReadOnly },
            ["DriveWrite"] = new[] { Drive },
            ["DriveFull"] = new[] { Drive },
        };

        /// <summary>The short names <see cref="Resolve"/> accepts.</summary>
        public static IReadOnlyCollection<string> KnownShortNames => ShortNames.Keys;

        /// <summary>
        /// Full scope URLs for <paramref name="scopes"/> (short names, bare scope names or URLs), de-duplicated in order.
        /// Null or empty gives <see cref="Default"/>. Throws <see cref="ArgumentException"/> for removed or unknown scopes.
        /// </summary>
        public static string[] Resolve(IEnumerable<string> scopes)
        {
            var result = new List<string>();
            if (scopes != null)
            {
                foreach (string raw in scopes)
                {
                    if (string.IsNullOrWhiteSpace(raw)) continue;
                    // Allow "a b" and "a,b" as well as separate items.
                    foreach (string part in raw.Split(new[] { ' ', ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
                        foreach (string scope in ResolveOne(part.Trim()))
                            if (!result.Contains(scope, StringComparer.Ordinal)) result.Add(scope);
                }
            }
            return result.Count == 0 ? Default.ToArray() : result.ToArray();
        }

        private static IEnumerable<string> ResolveOne(string name)
        {
            if (ShortNames.TryGetValue(name, out string[] mapped)) return mapped;

            string full = name;
            if (!name.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                if (Removed.Contains(Prefix + name.Trim('/'), StringComparer.OrdinalIgnoreCase))
                    throw new ArgumentException(RemovedScopeMessage(Prefix + name.Trim('/')), nameof(name));
                if (name.IndexOf('.') < 0 && name.IndexOf('/') < 0)
                    throw new ArgumentException(
                        $"Unknown scope '{name}'. Use one of {string.Join(", ", ShortNames.Keys)}, or a full scope URL such as {PickerReadOnly}.",
                        nameof(name));
                full = Prefix + name.TrimStart('/');
            }
            else if (full.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                full = "https://" + full.Substring(7);
            }
            if (full.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
                full = Prefix + full.Substring(Prefix.Length);
            full = full.TrimEnd('/');

            if (Removed.Contains(full, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException(RemovedScopeMessage(full), nameof(name));
            return new[] { full };
        }

        internal static string RemovedScopeMessage(string scope) =>
            $"The scope '{scope}' no longer exists: on 31 March 2025 Google removed the Library API scopes photoslibrary, " +
            "photoslibrary.readonly and photoslibrary.sharing. The Library API now only reaches items this app created " +
            $"({LibraryReadAppCreated}, short name LibraryAppCreated). To back up your existing library, pick items with the " +
            $"Picker ({PickerReadOnly}, short name PhotosPicker) or import a Google Takeout export.";

        /// <summary>A short, human name for a scope URL (for messages).</summary>
        public static string Describe(string scope)
        {
            if (string.Equals(scope, PickerReadOnly, StringComparison.Ordinal)) return "PhotosPicker (" + scope + ": download the items you pick)";
            if (string.Equals(scope, LibraryReadAppCreated, StringComparison.Ordinal)) return "LibraryAppCreated (" + scope + ": read items this app uploaded)";
            if (string.Equals(scope, DriveReadOnly, StringComparison.Ordinal)) return "DriveReadOnly (" + scope + ": list and read Takeout exports in Google Drive)";
            if (string.Equals(scope, Drive, StringComparison.Ordinal)) return "DriveWrite (" + scope + ": also delete Takeout exports from Google Drive)";
            return scope;
        }

        /// <summary>Can a sign-in with these granted scopes list and read Drive files? (<see cref="Drive"/> includes reading.)</summary>
        public static bool CanReadDrive(IEnumerable<string> granted) =>
            granted != null && granted.Any(s => string.Equals(s, DriveReadOnly, StringComparison.Ordinal) || string.Equals(s, Drive, StringComparison.Ordinal));

        /// <summary>Can a sign-in with these granted scopes delete Drive files? Only <see cref="Drive"/> can.</summary>
        public static bool CanDeleteDrive(IEnumerable<string> granted) =>
            granted != null && granted.Any(s => string.Equals(s, Drive, StringComparison.Ordinal));

        /// <summary>
        /// Incremental consent: what to ask for when <paramref name="requested"/> is added to a sign-in that already holds
        /// <paramref name="alreadyGranted"/>. The union, granted first, so adding Drive never loses the Photos scopes
        /// (a new consent replaces the refresh token, and a token only carries what its consent asked for).
        /// <see cref="DriveReadOnly"/> is dropped when <see cref="Drive"/> is in the union: the full scope reads too.
        /// </summary>
        public static string[] Union(IEnumerable<string> alreadyGranted, IEnumerable<string> requested)
        {
            var result = new List<string>();
            foreach (string s in (alreadyGranted ?? new string[0]).Concat(requested ?? new string[0]))
                if (!string.IsNullOrWhiteSpace(s) && !result.Contains(s, StringComparer.Ordinal)) result.Add(s);
            if (result.Contains(Drive, StringComparer.Ordinal)) result.Remove(DriveReadOnly);
            return result.ToArray();
        }

        /// <summary>Splits an OAuth <c>scope</c> string (space-separated).</summary>
        public static string[] Parse(string scopeString) =>
            string.IsNullOrWhiteSpace(scopeString)
                ? new string[0]
                : scopeString.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
    }
}
