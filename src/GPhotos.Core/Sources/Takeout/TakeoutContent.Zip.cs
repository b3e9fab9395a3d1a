using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;

namespace GPhotos.Sources.Takeout
{
    public static partial class TakeoutContent
    {
        // ------------------------------------------------------------------------------------------------
        // Zip

        /// <summary>An idle stream over a zip part (a FileStream, or a Drive range stream already checked against its listing).</summary>
        private sealed class PooledZip : IDisposable
        {
            public Stream File;
            public DateTime LastUsed;

            public void Dispose() => File?.Dispose();
        }

        /// <summary>
        /// One central directory per part, shared by every open (and by the reader that listed the part): an open costs
        /// one small read of the part, never a parse of its directory. Dropped when idle like the streams.
        /// </summary>
        private static readonly ConcurrentDictionary<string, SharedDirectory> Directories = new ConcurrentDictionary<string, SharedDirectory>(StringComparer.Ordinal);
        private static readonly ConcurrentDictionary<string, object> DirectoryGates = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);

        private sealed class SharedDirectory
        {
            public ZipDirectory Directory;
            public DateTime LastUsed;
        }

        /// <summary>The reader hands over the directory it just read, so Save does not read it again.</summary>
        internal static void ShareDirectory(string key, ZipDirectory directory)
        {
            if (IdleArchiveTimeout <= TimeSpan.Zero) return; // nothing is kept between opens then
            Directories[key] = new SharedDirectory { Directory = directory, LastUsed = DateTime.UtcNow };
            EnsureSweeper();
        }

        private static ZipDirectory DirectoryFor(string key, Stream part)
        {
            lock (DirectoryGates.GetOrAdd(key, _ => new object()))
            {
                // A part of another length is another download of it: its directory is read again.
                if (!Directories.TryGetValue(key, out var shared) || shared.Directory.PartLength != part.Length)
                {
                    shared = new SharedDirectory { Directory = ZipDirectory.Read(part) };
                    if (IdleArchiveTimeout > TimeSpan.Zero) Directories[key] = shared;
                }
                shared.LastUsed = DateTime.UtcNow;
                if (IdleArchiveTimeout > TimeSpan.Zero) EnsureSweeper();
                return shared.Directory;
            }
        }

        /// <summary>Opens an entry of the zip part <paramref name="key"/> (a full path or a registered key, <see cref="TakeoutPartSources.Key"/>).</summary>
        private static TakeoutContentStream OpenZipEntry(string key, string entryPath)
        {
            var bag = Pool.GetOrAdd(key, _ => new ConcurrentBag<PooledZip>());
            ZipDirectory dir;
            if (!bag.TryTake(out var z))
            {
                z = new PooledZip();
                try { z.File = KnownLength.Wrap(TakeoutPartSources.OpenRead(key, sequential: false)); }
                catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
                {
                    z.Dispose();
                    throw TakeoutPartSources.ForEntry(part, key, entryPath);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    z.Dispose();
                    ForgetKind(key); // detected afresh next time (a folder may have taken its place)
                    throw new TakeoutArchiveException(key, entryPath, ex is FileNotFoundException || ex is DirectoryNotFoundException
                        ? $"Takeout part '{key}' does not exist (moved or deleted since it was read?)."
                        : $"Takeout part '{key}' cannot be opened: {ex.Message}", ex);
                }
            }
            try
            {
                try { dir = DirectoryFor(key, z.File); }
                catch (Exception ex) when (ex is InvalidDataException || ex is EndOfStreamException || ex is NotSupportedException)
                {
                    throw new TakeoutArchiveException(key, entryPath,
                        $"Takeout part '{key}' cannot be opened as a zip: {ex.Message} Download this part again from Google Takeout.", ex);
                }
                // By name and occurrence, in central-directory order (as the reader numbered them): a zip may hold two
                // entries of one name, and a lookup by name alone gave both items the first one's bytes.
                var wanted = TakeoutArchives.NormalizeEntryPath(entryPath);
                int index = dir.Find(wanted);
                if (index < 0 && TakeoutArchives.TrySplitAddress(wanted, out var name, out var occurrence)) index = dir.Find(name, occurrence);
                if (index < 0) throw NotFound(key, entryPath);
                var stream = dir.Open(index, z.File, ownsPart: false);
                var pooled = z;
                z = null; // the stream owns it now
                return new TakeoutContentStream(stream, dir.Size(index), key, entryPath, s =>
                {
                    // A stream that failed mid-read may have left a Drive range half read: not reused.
                    if (s.Faulted) pooled.Dispose();
                    else Return(key, pooled);
                });
            }
            catch (Exception ex) when (TakeoutPartSources.PartFailure(ex) is TakeoutArchiveException part)
            {
                throw TakeoutPartSources.ForEntry(part, key, entryPath);
            }
            catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && !(ex is TakeoutArchiveException)))
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

        /// <summary>
        /// A zip part on disk with its length read once, when it was opened. Each open of an entry checks the part's
        /// length against its directory's (twice: here and in <see cref="ZipDirectory"/>), and a FileStream asks the
        /// kernel every time (an fstat each: 2 of about 17 system calls per tiny item). The handle's length cannot
        /// change under it unless the part is overwritten in place, which the CRC-32 check of every entry catches; a
        /// part replaced by another file is seen when the next stream is opened, as before.
        /// </summary>
        private sealed class KnownLength : Stream
        {
            private readonly FileStream _file;
            private readonly long _length;

            private KnownLength(FileStream file)
            {
                _file = file;
                _length = file.Length;
            }

            /// <summary>FileStreams get their length kept; other streams (Drive ranges) are returned as they are.</summary>
            public static Stream Wrap(Stream part)
            {
                if (!(part is FileStream file)) return part;
                try { return new KnownLength(file); }
                catch
                {
                    file.Dispose();
                    throw;
                }
            }

            public override bool CanRead => _file.CanRead;
            public override bool CanSeek => _file.CanSeek;
            public override bool CanWrite => false;
            public override long Length => _length;
            public override long Position { get => _file.Position; set => _file.Position = value; }
            public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);
            public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);
            public override void Flush() { }
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing) _file.Dispose();
                base.Dispose(disposing);
            }
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
