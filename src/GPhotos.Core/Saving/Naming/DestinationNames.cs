using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace GPhotos.Saving
{
    /// <summary>
    /// Who owns which relative path in a destination: the index's entries, this run's reservations, and what is
    /// already on disk (the user's own files, which are never overwritten). Comparison ignores case, because NTFS and
    /// APFS do and a backup should survive being copied there. Not thread-safe: <see cref="SaveNamer"/> locks around it.
    /// </summary>
    internal sealed class DestinationNames
    {
        /// <summary>Owner of paths nobody may take (the state folder).</summary>
        private const string Nobody = "";

        private readonly string _destination;
        private readonly Dictionary<string, string> _owners;
        private readonly Dictionary<string, HashSet<string>> _onDisk = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);

        public DestinationNames(string destination) : this(destination, 0) { }

        /// <param name="capacity">Paths expected (the index's): the table is sized once instead of doubling its way up.</param>
        public DestinationNames(string destination, int capacity)
        {
            _destination = destination;
            _owners = new Dictionary<string, string>(capacity + 1, StringComparer.OrdinalIgnoreCase);
            _owners[DestinationStore.StateFolderName] = Nobody;
        }

        /// <summary>Every path <paramref name="index"/> records (main file, motion video, metadata, album links), claimed for its id.</summary>
        public static DestinationNames Of(string destination, DestinationIndex index)
        {
            var names = new DestinationNames(destination, index.Count);
            index.ForEachEntry(names.ClaimAll);
            return names;
        }

        [MethodImpl(HotPath.Optimized)] // once per entry, in a fresh process: tier-0 code would run most of it
        private void ClaimAll(IndexEntry e)
        {
            _owners[e.Path] = e.Id;
            if (e.MotionPath != null) _owners[e.MotionPath] = e.Id;
            if (e.MetadataPath != null) _owners[e.MetadataPath] = e.Id;
            if (e.Links != null) foreach (string link in e.Links) _owners[link] = e.Id;
        }

        /// <summary>Paths (as full paths) compared by the OS rules of the platform for the outside-destination check.</summary>
        private static StringComparison PathComparison =>
            Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        public void Claim(string relativePath, string id) => _owners[relativePath] = id;

        /// <summary>May <paramref name="id"/> write <paramref name="relativePath"/>? Its own claim, or unclaimed and not on disk.</summary>
        public bool IsFreeFor(string relativePath, string id)
        {
            if (_owners.TryGetValue(relativePath, out string owner)) return owner == id;
            return !ExistsOnDisk(relativePath);
        }

        /// <summary>The first free candidate, claimed for <paramref name="id"/>; null when all are taken.</summary>
        public string ClaimFirstFree(IEnumerable<string> candidates, string id)
        {
            foreach (string candidate in candidates)
            {
                if (IsFreeFor(candidate, id))
                {
                    Claim(candidate, id);
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>
        /// Is there a file or folder with this name (any case, any normalisation form) on disk? One directory listing
        /// per folder per session instead of a probe per name: also right on case-sensitive file systems, where
        /// File.Exists would miss <c>img.jpg</c> beside <c>IMG.JPG</c>.
        /// </summary>
        public bool ExistsOnDisk(string relativePath)
        {
            int slash = relativePath.LastIndexOf('/');
            string folder = slash < 0 ? "" : relativePath.Substring(0, slash);
            string name = slash < 0 ? relativePath : relativePath.Substring(slash + 1);
            if (!_onDisk.TryGetValue(folder, out HashSet<string> names))
            {
                names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                string full = folder.Length == 0 ? _destination : ToFullPath(folder);
                try
                {
                    if (Directory.Exists(full))
                        foreach (string entry in Directory.EnumerateFileSystemEntries(full))
                            names.Add(Normalize(Path.GetFileName(entry)));
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                _onDisk[folder] = names;
            }
            return names.Contains(name);
        }

        /// <summary>
        /// The full path of a relative one. Throws when the result would not lie strictly below the destination:
        /// the last line of defence, whatever a name, a layout or the index says.
        /// </summary>
        public string ToFullPath(string relativePath) => ToFullPath(_destination, relativePath);

        internal static string ToFullPath(string destination, string relativePath)
        {
            string combined = Path.Combine(destination, relativePath.Replace('/', Path.DirectorySeparatorChar));
            string full = Path.GetFullPath(combined);
            string prefix = destination.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)
                ? destination
                : destination + Path.DirectorySeparatorChar;
            if (!full.StartsWith(prefix, PathComparison) || full.Length == prefix.Length)
                throw new InvalidOperationException($"Refusing to write '{relativePath}': it resolves to '{full}', outside the destination '{destination}'.");
            return full;
        }

        internal static string Normalize(string name)
        {
            try { return name.Normalize(NormalizationForm.FormC); }
            catch (ArgumentException) { return name; } // invalid UTF-16 (possible on NTFS): compare as is
        }
    }
}
