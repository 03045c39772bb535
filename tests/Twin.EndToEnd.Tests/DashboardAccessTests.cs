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
}
