using System.Net;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The dashboard's access form: the token becomes an HTTP-only, same-site cookie; a wrong one is refused.</summary>
public sealed class DashboardAccessTests
{
    [Fact]
    public async Task Entering_the_configured_token_sets_an_http_only_same_site_cookie_and_a_wrong_one_sets_none()
    {
        var folder = RepoPaths.NewScratch("access");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), new Dictionary<string, string> { ["Twin__AccessToken"] = "s3cret-token" }, "--speed", "1");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };

        using var wrong = await http.PostAsync("/access/token", new FormUrlEncodedContent([new("token", "guess")]));
        Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
        Assert.Equal("/access?refused=1", wrong.Headers.Location?.OriginalString);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var right = await http.PostAsync("/access/token", new FormUrlEncodedContent([new("token", "s3cret-token")]));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var cookie = Assert.Single(right.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("PlantTrust.Access=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var forget = await http.PostAsync("/access/forget", new FormUrlEncodedContent([]));
        Assert.Contains(forget.Headers.GetValues("Set-Cookie"), c => c.StartsWith("PlantTrust.Access=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
    }

    // A twin bound beyond loopback cannot be reached from a test (127.0.0.1 only), so the host is told to judge the
    // local machine like a remote one (Twin:TreatLoopbackAsRemote): every control POST then needs the token.
    [Fact]
    public async Task Treated_as_remote_control_posts_are_refused_without_the_token_and_accepted_with_it()
    {
        var folder = RepoPaths.NewScratch("access-remote");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"),
            new Dictionary<string, string> { ["Twin__AccessToken"] = "s3cret-token", ["Twin__TreatLoopbackAsRemote"] = "true" }, "--speed", "1");

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/clock")).StatusCode); // reading stays open
        foreach (var (path, body) in ControlPosts)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(host, path, body, token: null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(host, path, body, token: "guess")).StatusCode);
        }
        using var accepted = await PostAsync(host, "/api/clock", """{"action":"pause"}""", token: "s3cret-token");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var otp = await PostAsync(host, ControlPosts[1].Path, ControlPosts[1].Body, token: "s3cret-token");
        Assert.NotEqual(HttpStatusCode.Forbidden, otp.StatusCode);
    }

    [Fact]
    public async Task Treated_as_remote_without_a_configured_token_the_twin_is_read_only_whatever_is_presented()
    {
        var folder = RepoPaths.NewScratch("access-readonly");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"),
            new Dictionary<string, string> { ["Twin__TreatLoopbackAsRemote"] = "true" }, "--speed", "1");

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/entities")).StatusCode);
        foreach (var (path, body) in ControlPosts)
        {
            using var refused = await PostAsync(host, path, body, token: "anything");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("no access token configured", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // The access form accepts nothing either.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        using var form = await http.PostAsync("/access/token", new FormUrlEncodedContent([new("token", "anything")]));
        Assert.Equal("/access?refused=1", form.Headers.Location?.OriginalString);
    }

    // The clock, a one-time passcode, a revocation, a CA switch.
    private static readonly (string Path, string Body)[] ControlPosts =
    [
        ("/api/clock", """{"action":"pause"}"""),
        ("/api/domains/plant/otp", "{}"),
        ("/api/entities/pea-001/revoke", """{"reason":"keyCompromise"}"""),
        ("/api/entities/ca-issuing/reachability", """{"reachable":false}"""),
    ];

    private static async Task<HttpResponseMessage> PostAsync(HostProcess host, string path, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Add("X-PlantTrust-Token", token);
        return await host.Http.SendAsync(request);
    }
}
