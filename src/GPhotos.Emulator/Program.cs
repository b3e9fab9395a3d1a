using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using GPhotos.Emulator;

// `dotnet GPhotos.Emulator.dll takeout ...`: the synthetic Takeout export generator
// (src/GPhotos.Emulator/Takeout/, owned by the Takeout engineer).
if (args.Length > 0 && args[0] == "takeout") return GPhotos.Emulator.Takeout.TakeoutGenerator.Run(args.Skip(1).ToArray());

return await EmulatorCli.RunAsync(args);

internal static class EmulatorCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        EmulatorOptions options;
        int? parentPid;
        bool watchStdin;
        try
        {
            (options, parentPid, watchStdin) = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (options == null)
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => { c.Cancel = true; stop.Cancel(); });

        await using var server = await EmulatorServer.StartAsync(options, stop.Token);
        Console.Out.WriteLine("EMULATOR_URL=" + server.BaseAddress.GetLeftPart(UriPartial.Authority));
        Console.Out.Flush();

        if (watchStdin)
        {
            var t = new Thread(() =>
            {
                try
                {
                    using var stdin = Console.OpenStandardInput();
                    var buf = new byte[256];
                    while (stdin.Read(buf, 0, buf.Length) > 0) { }
                }
                catch { }
                stop.Cancel();
            }) { IsBackground = true, Name = "stdin-watch" };
            t.Start();
        }
        if (parentPid is int pid)
        {
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (!IsAlive(pid)) { stop.Cancel(); break; }
                    try { await Task.Delay(500, stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }
        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
        return 0;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    internal const string Usage = @"GPhotos.Emulator: a local Google Photos (Library API, Picker API, base URLs, OAuth) on 127.0.0.1.
Usage: dotnet GPhotos.Emulator.dll [options]
  --port N                 TCP port (0 = any free port; default 0)
  --seed N                 seed of ids, names, dates and bytes (default 1)
  --empty                  start with an empty library
  --photos N  --videos N  --motion-photos N  --processing-videos N  --failed-videos N
  --duplicate-names N  --hostile-names N  --undated-photos N  --favorites N  --archived-items N
  --albums N  --foreign-items N (not app-created: Picker only)
  --photo-size BYTES  --video-size BYTES  --motion-video-size BYTES
  --app-created true|false (default true)
  --poll-interval-seconds S  --poll-timeout-seconds S  --session-lifetime-seconds S  --max-live-sessions N
  --access-token-lifetime-seconds S  --base-url-lifetime-minutes M
  --latency-ms N           delay added to every non-control request
  --parent-pid N           exit when that process dies
  --no-stdin-watch         do not exit when stdin closes (default: exit on stdin EOF)
Prints exactly one line on stdout: EMULATOR_URL=http://127.0.0.1:PORT
Exits on stdin EOF, SIGTERM, Ctrl+C, or when --parent-pid dies.";

    /// <summary>Maps --kebab-case flags to EmulatorOptions properties.</summary>
    internal static (EmulatorOptions Options, int? ParentPid, bool WatchStdin) Parse(string[] args)
    {
        var o = new EmulatorOptions();
        int? parent = null;
        bool watch = true;
        var props = typeof(EmulatorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .ToDictionary(p => Kebab(p.Name), StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help" or "-?") return (null, null, false);
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{a}'.");
            var name = a[2..];
            string inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            string Next()
            {
                if (inline != null) return inline;
                if (i + 1 >= args.Length) throw new ArgumentException($"--{name} needs a value.");
                return args[++i];
            }
            switch (name)
            {
                case "parent-pid": parent = int.Parse(Next(), CultureInfo.InvariantCulture); continue;
                case "no-stdin-watch": watch = false; continue;
                case "empty": o.Empty = inline == null || bool.Parse(inline); continue;
            }
            if (!props.TryGetValue(name, out var prop)) throw new ArgumentException($"Unknown option --{name}.");
            var t = prop.PropertyType;
            if (t == typeof(bool))
            {
                bool v = true;
                if (inline != null) v = bool.Parse(inline);
                else if (i + 1 < args.Length && bool.TryParse(args[i + 1], out var bv)) { v = bv; i++; }
                prop.SetValue(o, v);
            }
            else if (t == typeof(int)) prop.SetValue(o, int.Parse(Next(), CultureInfo.InvariantCulture));
            else if (t == typeof(long)) prop.SetValue(o, long.Parse(Next(), CultureInfo.InvariantCulture));
            else if (t == typeof(double)) prop.SetValue(o, double.Parse(Next(), CultureInfo.InvariantCulture));
            else if (t == typeof(TimeSpan)) prop.SetValue(o, TimeSpan.Parse(Next(), CultureInfo.InvariantCulture));
            else throw new ArgumentException($"Option --{name} cannot be set from the command line.");
        }
        return (o, parent, watch);
    }

    private static string Kebab(string pascal)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(pascal[i]));
        }
        return sb.ToString();
    }
}
