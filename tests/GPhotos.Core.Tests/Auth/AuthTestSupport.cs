using System.Runtime.InteropServices;
using GPhotos.Reporting;
using Xunit;

namespace GPhotos.Core.Tests.Auth;

/// <summary>A fresh folder under the temp dir, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gphotos-auth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) Skip = "Unix file modes only.";
    }
}

public sealed class WindowsFactAttribute : FactAttribute
{
    public WindowsFactAttribute()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) Skip = "Windows DPAPI only; on Unix the secrecy is the file mode (0600).";
    }
}

/// <summary>Collects Log/Warn lines.</summary>
/// <summary>Collects what auth reports, in arrival order: verbose lines as is, warnings prefixed "WARN ".</summary>
public sealed class LogSink : IReporter
{
    private readonly List<string> _lines = new();
    public void Log(string line) { lock (_lines) _lines.Add(line); }
    public void Warn(string line) { lock (_lines) _lines.Add("WARN " + line); }
    void IReporter.Verbose(string message) => Log(message);
    void IReporter.Warning(string message, string warningId, object target) => Warn(message);
    void IReporter.Progress(ProgressReport progress) { }
    void IReporter.Error(GPhotos.Errors.ErrorEntry error, object target) => Warn("ERROR " + error.Id + " " + error.Message);
    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToArray(); } }
    public string All => string.Join("\n", Lines);
}
