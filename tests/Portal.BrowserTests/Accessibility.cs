using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>axe-core over the page as it is now: no serious or critical violation may remain.</summary>
public static class Accessibility
{
    public static async Task AssertNoSeriousViolationAsync(IPage page)
    {
        var results = await page.RunAxe();
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join(Environment.NewLine, serious));
    }
}
