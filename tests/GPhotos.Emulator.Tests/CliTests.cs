using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace GPhotos.Emulator.Tests;

public class CliTests
{
    [Fact]
    public void Flags_map_to_options()
    {
        var (o, parent, watch) = EmulatorCli.Parse(new[]
        {
            "--port", "0", "--seed", "7", "--photos", "5", "--videos", "2", "--photo-size", "1000", "--video-size", "60000000",
            "--latency-ms", "25", "--motion-photos", "1", "--processing-videos", "0", "--app-created", "false", "--parent-pid", "123",
            "--poll-interval-seconds=0.5", "--foreign-items", "4",
        });
        Assert.Equal(7, o.Seed);
        Assert.Equal(5, o.Photos);
        Assert.Equal(2, o.Videos);
        Assert.Equal(1000, o.PhotoSize);
        Assert.Equal(60_000_000, o.VideoSize);
        Assert.Equal(25, o.LatencyMs);
        Assert.False(o.AppCreated);
        Assert.Equal(0.5, o.PollIntervalSeconds);
        Assert.Equal(4, o.ForeignItems);
        Assert.Equal(123, parent);
        Assert.True(watch);

        var (e, _, w2) = EmulatorCli.Parse(new[] { "--empty", "--no-stdin-watch" });
        Assert.True(e.Empty);
        Assert.False(w2);
        Assert.Throws<ArgumentException>(() => EmulatorCli.Parse(new[] { "--bogus", "1" }));
    }

    private static Process Launch(params string[] args)
    {
        var dll = typeof(EmulatorServer).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static async Task<Uri> ReadUrl(Process p)
    {
        var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(line);
        Assert.Matches(new Regex(@"^EMULATOR_URL=http://127\.0\.0\.1:\d+$"), line);
        return new Uri(line!["EMULATOR_URL=".Length..]);
    }

    [Fact]
    public async Task The_process_prints_one_line_serves_and_exits_when_stdin_closes()
    {
        using var p = Launch("--port", "0", "--photos", "4", "--videos", "1", "--motion-photos", "0", "--albums", "1");
        try
        {
            var url = await ReadUrl(p);
            using var http = new HttpClient { BaseAddress = url };
            var health = JsonDocument.Parse(await http.GetStringAsync("/__emulator/health")).RootElement;
            Assert.Equal(5, health.GetProperty("items").GetInt32());
            var token = JsonDocument.Parse(await (await http.PostAsync("/__emulator/tokens", new StringContent("{}"))).Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
            var req = new HttpRequestMessage(HttpMethod.Get, "/v1/mediaItems");
            req.Headers.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(req)).StatusCode);

            p.StandardInput.Close();
            Assert.True(p.WaitForExit(15_000), "did not exit on stdin EOF");
            var rest = await p.StandardOutput.ReadToEndAsync();
            Assert.Equal("", rest.Trim()); // exactly one line, no per-request logs
        }
        finally
        {
            if (!p.HasExited) p.Kill();
        }
    }

    [Fact]
    public async Task The_process_exits_when_its_parent_dies_and_on_sigterm()
    {
        using var parent = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        using var p = Launch("--no-stdin-watch", "--parent-pid", parent.Id.ToString(), "--empty");
        using var q = Launch("--no-stdin-watch", "--empty");
        try
        {
            await ReadUrl(p);
            await ReadUrl(q);
            parent.Kill();
            Assert.True(p.WaitForExit(15_000), "did not exit when the parent died");

            using var kill = Process.Start("kill", new[] { "-TERM", q.Id.ToString() })!;
            kill.WaitForExit();
            Assert.True(q.WaitForExit(15_000), "did not exit on SIGTERM");
            Assert.Equal(0, q.ExitCode);
        }
        finally
        {
            if (!parent.HasExited) parent.Kill();
            if (!p.HasExited) p.Kill();
            if (!q.HasExited) q.Kill();
        }
    }
}
