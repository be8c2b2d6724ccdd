using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>Every page as the tests saw it, kept in docs/screenshots for the README.</summary>
public static class Screenshots
{
    public static Task SaveAsync(IPage page, string name) => page.ScreenshotAsync(new PageScreenshotOptions
    {
        Path = Path.Combine(RepositoryRoot.Find(), "docs", "screenshots", name + ".png"),
        FullPage = true,
    });
}
