using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CommunityAI.ChainBridge.Chain;
using CommunityAI.Formats;
using Microsoft.Playwright;
using Nethereum.Web3;

namespace CommunityAI.Portal.BrowserTests;

public sealed class PortalTests(PortalSystem system) : IClassFixture<PortalSystem>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    // Each test that earns owns its account: the upload is rewarded too (unseen content is paid here), and on the claim
    // test's account it doubled what the claim test expected to be paid.
    private const int Uploader = 7;
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_contribution_signed_in_the_wallet_is_followed_live_to_anchored_with_its_score_explained()
    {
        var page = await system.OpenAsync(walletAccount: 3);
        await page.GotoAsync("/#/contribute");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(page.Locator("#wallet-status")).ToContainTextAsync(AnvilNode.DevAddresses[3]);

        await page.GetByLabel("Kind").SelectOptionAsync("knowledge");
        await page.GetByLabel("Licence").SelectOptionAsync("CC0-1.0");
        await page.GetByLabel("Text").FillAsync("The portal hashes this text in the browser before the wallet signs it.");
        await page.GetByLabel("Content URI").FillAsync("https://example.org/portal/first");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign and submit" }).ClickAsync();

        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Status: anchored", new() { Timeout = (float)Slow.TotalMilliseconds });
        await Assertions.Expect(page.Locator("#score")).ToContainTextAsync("Scoring policy");
        // Anchored means rewarded first: the reward policy that priced it is named beside the scoring policy.
        var priced = (await Api.GetFromJsonAsync<JsonElement>("/api/policies/current")).GetProperty("version").GetInt64();
        await Assertions.Expect(page.Locator("#reward-policy")).ToHaveTextAsync($"reward-{priced}");
        await Screenshots.SaveAsync(page, "contribute");

        // The wallet was moved to the configured chain (as a number in the domain, 0x7a69 to the wallet) before it signed.
        var requests = await page.EvaluateAsync<JsonElement>("() => window.testWallet.requests.map(r => r.method)");
        var methods = requests.EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.True(methods.IndexOf("wallet_switchEthereumChain") is >= 0 and var s && s < methods.IndexOf("eth_signTypedData_v4"),
            $"switch before signing; saw {string.Join(", ", methods)}");

        // What the service stored is the wallet's contribution, with the kind and licence chosen in the page.
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var view = await Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");
        Assert.Equal(AnvilNode.DevAddresses[3], view.GetProperty("contributor").GetString());
        Assert.Equal("knowledge", view.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_file_over_the_inline_limit_is_uploaded_in_parts_and_stored_whole()
    {
        var page = await system.OpenAsync(walletAccount: Uploader);
        await page.GotoAsync("/#/contribute");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        await Assertions.Expect(page.Locator("#wallet-status")).ToContainTextAsync(AnvilNode.DevAddresses[Uploader]);

        // 5 MiB and a bit: two parts of 4 MiB and the rest, each hashed in the page; the wallet signs the upload, then the contribution.
        var file = System.Security.Cryptography.RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 123);
        // Given as a path, which the local browser opens itself: a buffer would cross the driver's pipe as 7 MB of base64,
        // which took over the default 30 s on a loaded machine (CI).
        // The page reads the file when it hashes and sends it, so the file stays until the contribution is in.
        var path = Path.Combine(Path.GetTempPath(), $"large-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, file);
        try
        {
            await page.GetByLabel("File").SetInputFilesAsync(path, new() { Timeout = (float)Slow.TotalMilliseconds });
            await page.GetByLabel("Content URI").FillAsync("https://example.org/portal/large");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign and submit" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("#/contribute/0x[0-9a-f]{64}$"), new() { Timeout = (float)Slow.TotalMilliseconds });
        }
        finally
        {
            File.Delete(path);
        }

        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var view = await Api.GetFromJsonAsync<JsonElement>($"/api/contributions/{id}");
        Assert.Equal(AnvilNode.DevAddresses[Uploader], view.GetProperty("contributor").GetString());
        await using var connection = new Npgsql.NpgsqlConnection(system.History);
        await connection.OpenAsync();
        await using var size = new Npgsql.NpgsqlCommand(
            "SELECT (data->>'contentSize')::bigint FROM history.mt_events WHERE stream_id = 'contributions/' || @id AND type = 'contribution_submitted'", connection);
        size.Parameters.AddWithValue("id", id);
        Assert.Equal((long)file.Length + ContentSalt.LineLength, (long)(await size.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_anchored_entry_is_verified_in_the_page_and_a_tampered_proof_or_entry_is_refused()
    {
        var id = await Contributions.SubmitAsync(Api, keyIndex: 5, "an entry to verify in the browser");
        var view = await Contributions.WaitForStatusAsync(Api, id, "anchored");
        var index = view.GetProperty("logIndex").GetInt64();

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync($"/#/explorer/{id}");
        var result = page.Locator("#proof-result");
        await Assertions.Expect(result).ToHaveAttributeAsync("data-verified", "true");
        await Assertions.Expect(result).ToContainTextAsync("Verified in your browser");
        await Screenshots.SaveAsync(page, "explorer");

        // An operator serving a forged audit path: one byte changed.
        var forged = await system.OpenAsync(walletAccount: null);
        await forged.RouteAsync("**/api/log/proof/inclusion**", async route =>
        {
            var response = await route.FetchAsync();
            var proof = JsonNode.Parse(await response.TextAsync())!;
            var first = proof["auditPath"]![0]!.GetValue<string>();
            proof["auditPath"]![0] = first[..^2] + (first[^2..] == "00" ? "01" : "00");
            await route.FulfillAsync(new() { Response = response, Body = proof.ToJsonString() });
        });
        await forged.GotoAsync($"/#/explorer/{index}");
        await Assertions.Expect(forged.Locator("#proof-result")).ToHaveAttributeAsync("data-verified", "false");
        await Assertions.Expect(forged.Locator("#proof-result")).ToContainTextAsync("does not lead to the anchored root");

        // An operator rewriting the entry itself (a different score, say) while serving the honest proof.
        var rewritten = await system.OpenAsync(walletAccount: null);
        await rewritten.RouteAsync($"**/api/log/entries?start={index}&end={index + 1}", async route =>
        {
            var response = await route.FetchAsync();
            var entries = JsonNode.Parse(await response.TextAsync())!;
            entries[0]!["entry"] = entries[0]!["entry"]!.GetValue<string>().Replace("\"data\"", "\"Data\"", StringComparison.Ordinal);
            await route.FulfillAsync(new() { Response = response, Body = entries.ToJsonString() });
        });
        await rewritten.GotoAsync($"/#/explorer/{index}");
        await Assertions.Expect(rewritten.Locator("#proof-result")).ToHaveAttributeAsync("data-verified", "false");
    }

    [Fact]
    public async Task The_explorer_checks_that_the_served_log_extends_the_anchored_head_and_names_a_rewritten_one()
    {
        var id = await Contributions.SubmitAsync(Api, keyIndex: 5, "an entry for the consistency check");
        await Contributions.WaitForStatusAsync(Api, id, "anchored");

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync("/#/explorer");
        await Assertions.Expect(page.Locator("#consistency")).ToHaveAttributeAsync("data-consistent", "true");
        await Assertions.Expect(page.Locator("#consistency")).ToContainTextAsync("anchored on chain (consistency proof checked in your browser)");

        // An operator showing this visitor a rewritten log: the same size, another root.
        var rewritten = await system.OpenAsync(walletAccount: null);
        await rewritten.RouteAsync("**/api/log/head", async route =>
        {
            var response = await route.FetchAsync();
            var head = JsonNode.Parse(await response.TextAsync())!;
            var root = head["rootHash"]!.GetValue<string>();
            head["rootHash"] = root[..^2] + (root[^2..] == "00" ? "01" : "00");
            await route.FulfillAsync(new() { Response = response, Body = head.ToJsonString() });
        });
        await rewritten.GotoAsync("/#/explorer");
        await Assertions.Expect(rewritten.Locator("#consistency")).ToHaveAttributeAsync("data-consistent", "false");
        await Assertions.Expect(rewritten.Locator("#consistency")).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(rewritten.Locator("#consistency")).ToContainTextAsync("does not extend the head anchored on chain");

        // An operator serving a forged consistency proof (one node changed, or one added where none is due).
        var forged = await system.OpenAsync(walletAccount: null);
        await forged.RouteAsync("**/api/log/proof/consistency**", async route =>
        {
            var response = await route.FetchAsync();
            var proof = JsonNode.Parse(await response.TextAsync())!;
            var nodes = proof["proof"]!.AsArray();
            if (nodes.Count == 0)
                nodes.Add("0x" + new string('0', 64));
            else
            {
                var first = nodes[0]!.GetValue<string>();
                nodes[0] = first[..^2] + (first[^2..] == "00" ? "01" : "00");
            }
            await route.FulfillAsync(new() { Response = response, Body = proof.ToJsonString() });
        });
        await forged.GotoAsync("/#/explorer");
        await Assertions.Expect(forged.Locator("#consistency")).ToHaveAttributeAsync("data-consistent", "false");
    }

    [Fact]
    public async Task The_pages_consistency_check_gives_every_transparency_dev_probe_its_expected_verdict()
    {
        var probes = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "vectors", "consistency"), "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!)
            .Select(p => new
            {
                // Sizes as text: JSON numbers above 2^53 would lose digits in JavaScript.
                size1 = p["size1"]!.GetValue<ulong>().ToString(CultureInfo.InvariantCulture),
                size2 = p["size2"]!.GetValue<ulong>().ToString(CultureInfo.InvariantCulture),
                root1 = p["root1"]?.GetValue<string>() ?? "",
                root2 = p["root2"]?.GetValue<string>() ?? "",
                proof = p["proof"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [],
                desc = p["desc"]!.GetValue<string>(),
                wantErr = p["wantErr"]!.GetValue<bool>(),
            })
            .ToList();
        Assert.Equal(98, probes.Count);

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync("/#/explorer");
        var wrong = await page.EvaluateAsync<string[]>("""
            async probes => {
              const { checkConsistency } = await import("/js/merkle.js");
              const bytes = b64 => Uint8Array.from(atob(b64), c => c.charCodeAt(0));
              const wrong = [];
              for (const p of probes) {
                let error = null;
                try { await checkConsistency(BigInt(p.size1), BigInt(p.size2), bytes(p.root1), bytes(p.root2), p.proof.map(bytes)); }
                catch (e) { error = e.message; }
                if ((error !== null) !== p.wantErr) wrong.push(`${p.desc} (${p.size1} → ${p.size2}): ${error ?? "accepted"}`);
              }
              return wrong;
            }
            """, probes);

        Assert.True(wrong.Length == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task A_claim_is_paid_through_the_wallet_and_the_page_shows_it_claimed()
    {
        var account = AnvilNode.DevAddresses[4];
        var id = await Contributions.SubmitAsync(Api, keyIndex: 4, "a contribution to claim from the portal");
        await Contributions.WaitForStatusAsync(Api, id, "rewarded", "anchored");

        var chain = (await Api.GetFromJsonAsync<JsonElement>("/api/chain"))!;
        var distributor = new DistributorContract(new Web3(system.Chain.RpcUrl), chain.GetProperty("distributorContract").GetString()!);
        var amount = await Claims.WaitForClaimableAsync(Api, distributor, account);

        var page = await system.OpenAsync(walletAccount: 4);
        await page.GotoAsync($"/#/account/{account}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect Test wallet" }).ClickAsync();
        var claimButton = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Claim .+ tokens with my wallet$") });
        await Assertions.Expect(claimButton).ToBeEnabledAsync();
        await claimButton.ClickAsync();
        await Assertions.Expect(page.Locator("#claim-status")).ToContainTextAsync("Claimed in block");
        // The page reads what was paid back from the chain; nothing is left to claim.
        await Assertions.Expect(page.Locator("#claimed-on-chain")).ToHaveAttributeAsync("data-units", amount.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(claimButton).ToBeDisabledAsync();
        await Screenshots.SaveAsync(page, "account");

        Assert.Equal(amount, await distributor.ClaimedAsync(account));
    }

    [Fact]
    public async Task A_claim_is_paid_without_gas_through_the_relayer_from_a_page_without_a_wallet()
    {
        var account = AnvilNode.DevAddresses[2];
        var id = await Contributions.SubmitAsync(Api, keyIndex: 2, "a contribution to claim without gas");
        await Contributions.WaitForStatusAsync(Api, id, "rewarded", "anchored");
        var web3 = new Web3(system.Chain.RpcUrl);
        var chain = (await Api.GetFromJsonAsync<JsonElement>("/api/chain"))!;
        var distributor = new DistributorContract(web3, chain.GetProperty("distributorContract").GetString()!);
        var amount = await Claims.WaitForClaimableAsync(Api, distributor, account);
        var ether = (await web3.Eth.GetBalance.SendRequestAsync(account)).Value;

        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync($"/#/account/{account}");
        var relayButton = page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Claim .+ tokens without gas") });
        await Assertions.Expect(relayButton).ToBeEnabledAsync();
        await relayButton.ClickAsync();
        await Assertions.Expect(page.Locator("#claim-status")).ToContainTextAsync("Claimed without gas in block");
        await Assertions.Expect(page.Locator("#claimed-on-chain")).ToHaveAttributeAsync("data-units", amount.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(relayButton).ToBeDisabledAsync();

        // Paid to the account, and the account spent no gas: the relayer sent it.
        Assert.Equal(amount, await distributor.ClaimedAsync(account));
        Assert.Equal(ether, (await web3.Eth.GetBalance.SendRequestAsync(account)).Value);
    }

    [Theory]
    [InlineData("contribute")]
    [InlineData("explorer")]
    [InlineData("account")]
    [InlineData("governance")]
    [InlineData("validator")]
    public async Task Each_page_reads_without_a_wallet_fits_a_phone_and_has_no_serious_accessibility_violation(string name)
    {
        var page = await system.OpenAsync(walletAccount: null, new ViewportSize { Width = 390, Height = 844 });
        await page.GotoAsync($"/#/{name}");
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#wallet-status")).ToContainTextAsync("No browser wallet found");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (name == "governance")
            await Screenshots.SaveAsync(page, "governance-phone");

        await Accessibility.AssertNoSeriousViolationAsync(page);

        // Nothing wider than the phone: the page scrolls down, not sideways.
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the {name} page is {width}px wide on a 390px screen");
    }

    [Fact]
    public async Task The_page_runs_only_its_own_scripts_and_talks_only_to_the_portal_and_the_chain()
    {
        using var response = await Api.GetAsync("/");
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains($"connect-src 'self' {new Uri(system.Chain.RpcUrl).GetLeftPart(UriPartial.Authority)}", policy, StringComparison.Ordinal);

        // An injected inline script (what a markup injection would bring) does not run.
        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync("/#/explorer");
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); }");
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"));
    }

    [Fact]
    public async Task The_pages_are_reached_with_the_keyboard_and_focus_lands_on_the_new_page()
    {
        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync("/#/contribute");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator(".skip")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Explorer" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("main")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Explorer");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Explorer" })).ToHaveAttributeAsync("aria-current", "page");
    }
}
