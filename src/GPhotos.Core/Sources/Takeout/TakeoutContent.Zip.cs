using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace GPhotos.Sources.Takeout
{
    public static partial class TakeoutContent
    {
        // ------------------------------------------------------------------------------------------------
        // Zip

        private sealed class PooledZip : IDisposable
        {
            public Stream File;
            public ZipArchive Zip;
            public DateTime LastUsed;
            public Dictionary<string, List<ZipArchiveEntry>> ByNormalizedName;

            public void Dispose()
            {
                Zip?.Dispose();
                File?.Dispose();
            }
        }

        private static TakeoutContentStream OpenZipEntry(string archivePath, string entryPath)
        {
            var key = TakeoutPartSources.Key(archivePath);
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            if (!bag.TryTake(out var z))
            {
                z = new PooledZip();
                try
                {
                    z.File = TakeoutPartSources.OpenRead(key, sequential: false);
                    z.Zip = new ZipArchive(z.File, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
                }
                catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
                {
                    z.Dispose();
                    throw TakeoutPartSources.ForEntry(part, key, entryPath);
                }
                catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
                {
                    z.Dispose();
                    throw new TakeoutArchiveException(key, entryPath,
                        $"Takeout part '{key}' cannot be opened as a zip: {ex.Message} Download this part again from Google Takeout.", ex);
                }
            }
            try
            {
                // By name and occurrence, in central-directory order (as the reader numbered them): a zip may hold two
                // entries of one name, and a lookup by name alone gave both items the first one's bytes.
                if (z.ByNormalizedName == null)
                {
                    z.ByNormalizedName = new Dictionary<string, List<ZipArchiveEntry>>(StringComparer.Ordinal);
                    foreach (var e in z.Zip.Entries)
                    {
                        var n = TakeoutArchives.NormalizeEntryPath(e.FullName);
                        if (!z.ByNormalizedName.TryGetValue(n, out var list)) z.ByNormalizedName[n] = list = new List<ZipArchiveEntry>(1);
                        list.Add(e);
                    }
                }
                ZipArchiveEntry entry = null;
                var wanted = TakeoutArchives.NormalizeEntryPath(entryPath);
                if (z.ByNormalizedName.TryGetValue(wanted, out var named)) entry = named[0];
                else if (TakeoutArchives.TrySplitAddress(wanted, out var name, out var occurrence)
                    && z.ByNormalizedName.TryGetValue(name, out var same) && occurrence <= same.Count)
                    entry = same[occurrence - 1];
                if (entry == null) throw NotFound(key, entryPath);
                var stream = entry.Open();
                var length = entry.Length;
                var pooled = z;
                z = null; // the stream owns it now
                return new TakeoutContentStream(stream, length, key, entryPath, _ => Return(key, pooled));
            }
            catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
            {
                throw TakeoutPartSources.ForEntry(part, key, entryPath);
            }
            catch (InvalidDataException ex)
            {
                throw new TakeoutArchiveException(key, entryPath, $"Entry '{entryPath}' of Takeout part '{key}' cannot be read: {ex.Message}", ex);
            }
            finally
            {
                if (z != null) Return(key, z);
            }
        }

        private static void Return(string key, PooledZip z)
        {
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            if (bag.Count >= MaxIdlePerArchive || IdleArchiveTimeout <= TimeSpan.Zero)
            {
                z.Dispose();
                return;
            }
            z.LastUsed = DateTime.UtcNow;
            bag.Add(z);
            EnsureSweeper();
        }

        // ------------------------------------------------------------------------------------------------
        // Folder

        private static TakeoutContentStream OpenFolderEntry(string folder, string entryPath)
        {
            var full = Path.Combine(folder, entryPath.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                return new TakeoutContentStream(fs, fs.Length, folder, entryPath, null);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new TakeoutArchiveException(folder, entryPath, $"'{full}' no longer exists (moved or deleted since the export was read?). Read the export again.", ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new TakeoutArchiveException(folder, entryPath, $"'{full}' cannot be read: {ex.Message}", ex);
            }
        }
    }
}
