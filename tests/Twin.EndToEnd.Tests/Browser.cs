using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>Debian's Chromium under Playwright, with the waits every dashboard test needs.</summary>
internal sealed class Browser : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>
    /// Where the browser tests save their screenshots: TestResults/screenshots, so a test run leaves the checkout
    /// untouched; with PLANTTRUST_UPDATE_SCREENSHOTS=1 the committed ones in docs/images are replaced instead.
    /// </summary>
    public static string Screens { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("PLANTTRUST_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepoPaths.Root, "docs", "images")
            : Path.Combine(RepoPaths.Root, "TestResults", "screenshots")).FullName;

    public static async Task<Browser> OpenAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 1400, Height = 900 } });
        return new Browser(playwright, browser, page);
    }

    /// <summary>Another tab of its own (own context, own circuit), opened on <paramref name="url"/> and waited for like <see cref="GoAsync"/>.</summary>
    public async Task<IPage> OpenTabAsync(Uri url)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(url.ToString());
        await Assertions.Expect(page.Locator("[data-testid=clock][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return page;
    }

    /// <summary>Opens <paramref name="url"/> and waits for the live circuit: clicks before it are lost.</summary>
    public async Task GoAsync(Uri url)
    {
        await Page.GotoAsync(url.ToString());
        await Assertions.Expect(Page.Locator("[data-testid=clock][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }

    /// <summary>Follows a link of the top bar (client-side navigation: the circuit, and its replay state, stay).</summary>
    public async Task NavigateAsync(string name)
    {
        await Page.Locator("[data-testid=nav]").GetByText(name, new() { Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("h1")).ToHaveTextAsync(name);
    }

    public Task ShotAsync(string name) => Page.ScreenshotAsync(new() { Path = Path.Combine(Screens, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
