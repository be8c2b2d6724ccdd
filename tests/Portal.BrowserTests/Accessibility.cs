using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>axe-core over the page as it is now.</summary>
public static class Accessibility
{
    /// <summary>No serious or critical violation may remain.</summary>
    public static async Task AssertNoSeriousViolationAsync(IPage page)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join(Environment.NewLine, serious));
    }

    /// <summary>The stricter bar for the pages added since: no violation of any impact.</summary>
    public static async Task AssertNoViolationAsync(IPage page)
    {
        var results = await page.RunAxe();
        var all = results.Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(all.Count == 0, string.Join(Environment.NewLine, all));
    }
}
