using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>`replay` serves a recorded run read-only: the read API answers from the journal, the view moves over the recorded range, controls are refused.</summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task Replay_serves_the_recorded_run_moves_to_any_instant_and_refuses_control()
    {
        var folder = RepoPaths.NewScratch("replay");
        var file = RepoPaths.WriteText(folder, "plant.yaml", """
            name: Replayed
            run: replayed
            seed: 41
            start: 2030-01-01T00:00:00Z
            duration: P10D
            clock: { mode: max }
            design: { deviceLifetime: P4D, renewAt: 0.75 }
            topology:
              rootCa: { id: ca-root, subject: "CN=Replayed Root" }
              devices:
                - { id: "dev-{n}", count: 2 }
            timeline:
              - { at: P5D, action: revoke, target: dev-001 }
            """);
        var db = Path.Combine(folder, "run.db");
        var run = await Verb.RunAsync("run", file, "--db", db);
        Assert.True(run.ExitCode == 0, run.All);

        await using var host = await HostProcess.StartAsync(db, "replay", "--run", "replayed");

        var replay = await host.Http.GetFromJsonAsync<JsonElement>("/api/replay");
        Assert.Equal("replay", replay.GetProperty("mode").GetString());
        Assert.Equal("2030-01-01T00:00:00Z", replay.GetProperty("start").GetString());
        Assert.Equal("2030-01-11T00:00:00Z", replay.GetProperty("end").GetString());
        var atEnd = await host.Http.GetFromJsonAsync<List<EntityDto>>("/api/entities");
        var dev1 = atEnd!.Single(e => e.Id == "dev-001");
        Assert.Contains(dev1.Certificates, c => c.Status == "Revoked");

        var seek = await host.Http.PostAsJsonAsync("/api/replay", new { at = "2030-01-04T12:00:00Z" });
        Assert.Equal(HttpStatusCode.OK, seek.StatusCode);
        var earlier = await host.Http.GetFromJsonAsync<List<EntityDto>>("/api/entities");
        var dev1Before = earlier!.Single(e => e.Id == "dev-001");
        Assert.True(dev1Before.Certificates.Count < dev1.Certificates.Count);
        Assert.DoesNotContain(dev1Before.Certificates, c => c.Status == "Revoked");
        var clock = await host.Http.GetFromJsonAsync<JsonElement>("/api/clock");
        Assert.Contains("2030-01-04T12:00:00", clock.GetRawText(), StringComparison.Ordinal);
        // The entity's page: each certificate's PEM, read back from the journal, is the certificate listed (openssl reads its serial).
        var detail = await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/dev-001");
        var listed = detail.GetProperty("certificates").EnumerateArray().ToList();
        Assert.Equal(dev1Before.Certificates.Select(c => c.Serial), listed.Select(c => c.GetProperty("serial").GetString()));
        foreach (var certificate in listed)
        {
            var read = await Peer.RunAsync("openssl", ["x509", "-noout", "-serial"], stdin: System.Text.Encoding.ASCII.GetBytes(certificate.GetProperty("pem").GetString()!));
            Assert.True(read.ExitCode == 0, read.All);
            Assert.Equal(certificate.GetProperty("serial").GetString()!.TrimStart('0').ToUpperInvariant(), read.StdOut.Trim()["serial=".Length..].TrimStart('0'));
        }

        var control = await host.Http.PostAsJsonAsync("/api/clock", new { action = "resume" });
        Assert.Equal(HttpStatusCode.Conflict, control.StatusCode);
        var revoke = await host.Http.PostAsJsonAsync("/api/entities/dev-002/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.Conflict, revoke.StatusCode);
    }

    [Fact]
    public async Task Replay_of_a_missing_journal_exits_2_and_says_so()
    {
        var folder = RepoPaths.NewScratch("replay-missing");
        var result = await Verb.RunAsync("replay", "--db", Path.Combine(folder, "none.db"), "--run", "x", "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no journal file there", result.StdErr, StringComparison.Ordinal);
    }
}
