using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>The chain the page signs for: a deployment sets Chain:Id once, and the portal follows it unless told otherwise.</summary>
public sealed class PortalConfigTests
{
    [Theory]
    [InlineData(null, "11155111", 11155111)]
    [InlineData("5", "11155111", 5)]
    [InlineData(null, null, 31337)]
    public async Task The_page_gets_the_deployments_chain_id_unless_the_portal_names_its_own(string? portalChainId, string? chainId, long expected)
    {
        using var host = new Host(new Dictionary<string, string?> { ["Portal:ChainId"] = portalChainId, ["Chain:Id"] = chainId });
        var config = await host.CreateClient().GetFromJsonAsync<JsonElement>("/portal/config.json");
        Assert.Equal(expected, config.GetProperty("chainId").GetInt64());
    }

    private sealed class Host(Dictionary<string, string?> settings) : WebApplicationFactory<PortalOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
                if (value is not null)
                    builder.UseSetting(key, value);
        }
    }
}
