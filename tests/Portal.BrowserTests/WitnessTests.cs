using System.Text;
using CommunityAI.Formats.Notes;
using Microsoft.Playwright;

namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The explorer checks the log's signed checkpoint in the browser: the log's Ed25519 signature under the configured key,
/// and cosignatures of the configured witnesses, of which it requires two. The checkpoint comes from the real
/// chain-bridge, which takes the witnesses' cosignatures over its API and, requiring two as well, serves the newest head
/// both cosigned while the log moves on; an operator's forgeries are served through routes.
/// </summary>
public sealed class WitnessTests(WitnessedSystem system) : IClassFixture<WitnessedSystem>
{
    private HttpClient Api => new() { BaseAddress = system.Portal };

    [Fact]
    public async Task A_head_both_witnesses_cosigned_is_accepted_and_one_they_did_not_see_is_named_in_an_alert()
    {
        var id = await Contributions.SubmitAsync(Api, keyIndex: 4, "a head for the witnesses to cosign");
        await Contributions.WaitForStatusAsync(Api, id, "anchored");

        // Nobody has cosigned yet: the log's signature verifies, and the missing witnesses are said.
        var page = await system.OpenAsync(walletAccount: null);
        await page.GotoAsync("/#/explorer");
        var witnessed = page.Locator("#witnessed");
        await Assertions.Expect(witnessed).ToHaveAttributeAsync("data-witnessed", "false");
        await Assertions.Expect(witnessed).ToContainTextAsync("signed by portal.test/log at");
        await Assertions.Expect(witnessed).ToContainTextAsync("cosigned by 0 of the 2 known witnesses required");
        await Assertions.Expect(witnessed).ToHaveAttributeAsync("role", "alert");

        // Both witnesses cosign the newest head once, through the bridge's API. The log may grow meanwhile (anchors are
        // history events too): the bridge still serves the head they cosigned, not a newer one nobody has.
        var size = await CosignNewestHeadAsync();
        await page.ReloadAsync();
        await Assertions.Expect(witnessed).ToHaveAttributeAsync("data-witnessed", "true");
        await Assertions.Expect(witnessed).ToContainTextAsync($"signed by portal.test/log at {size} entries");
        await Assertions.Expect(witnessed).ToContainTextAsync("cosigned by 2 of 2 known witnesses (witness-a.portal.test, witness-b.portal.test), 2 required");
        await Accessibility.AssertNoViolationAsync(page);
        await Screenshots.SaveAsync(page, "explorer-witnessed");

        // An operator holding the log's key shows this visitor a head of its own (a split view): the log's signature is
        // genuine, but no witness saw that head.
        var split = await system.OpenAsync(walletAccount: null);
        await split.RouteAsync("**/checkpoint", async route =>
        {
            var served = Parse(await (await route.FetchAsync()).TextAsync());
            var other = Checkpoint(served.Text) with { RootHash = Enumerable.Repeat((byte)7, 32).ToArray() };
            var body = other.Format();
            await route.FulfillAsync(new() { Status = 200, ContentType = CheckpointApiText, Body = new SignedNote(body, [WitnessedSystem.LogKey.Sign(body)]).Format() });
        });
        await split.GotoAsync("/#/explorer");
        await Assertions.Expect(split.Locator("#witnessed")).ToHaveAttributeAsync("data-witnessed", "false");
        await Assertions.Expect(split.Locator("#witnessed")).ToContainTextAsync("cosigned by 0 of the 2 known witnesses required");
        await Assertions.Expect(split.Locator("#witnessed")).ToContainTextAsync("may be one shown only to you");

        // The witnesses' cosignatures copied onto another head do not verify for it.
        var copied = await system.OpenAsync(walletAccount: null);
        await copied.RouteAsync("**/checkpoint", async route =>
        {
            var served = Parse(await (await route.FetchAsync()).TextAsync());
            var other = Checkpoint(served.Text) with { RootHash = Enumerable.Repeat((byte)8, 32).ToArray() };
            var body = other.Format();
            var lines = new List<NoteSignature> { WitnessedSystem.LogKey.Sign(body) };
            lines.AddRange(WitnessedSystem.Witnesses.Select(w => w.Cosign(served.Text, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
            await route.FulfillAsync(new() { Status = 200, ContentType = CheckpointApiText, Body = new SignedNote(body, lines).Format() });
        });
        await copied.GotoAsync("/#/explorer");
        await Assertions.Expect(copied.Locator("#witnessed")).ToContainTextAsync("cosigned by 0 of the 2 known witnesses required");

        // A checkpoint whose log signature was altered is refused outright.
        var forged = await system.OpenAsync(walletAccount: null);
        await forged.RouteAsync("**/checkpoint", async route =>
        {
            var served = Parse(await (await route.FetchAsync()).TextAsync());
            var log = served.Signatures[0];
            var altered = log with { Signature = [.. log.Signature[..^1], (byte)(log.Signature[^1] ^ 1)] };
            await route.FulfillAsync(new() { Status = 200, ContentType = CheckpointApiText, Body = new SignedNote(served.Text, [altered, .. served.Signatures.Skip(1)]).Format() });
        });
        await forged.GotoAsync("/#/explorer");
        await Assertions.Expect(forged.Locator("#witnessed")).ToHaveAttributeAsync("data-witnessed", "false");
        await Assertions.Expect(forged.Locator("#witnessed")).ToContainTextAsync("does not verify with the key of portal.test/log");
    }

    private const string CheckpointApiText = "text/plain; charset=utf-8";

    /// <summary>
    /// Both witnesses cosign the newest head (<c>/checkpoint/latest</c>) and post it, as <c>communityai-audit witness</c>
    /// does; returns its size.
    /// </summary>
    private async Task<long> CosignNewestHeadAsync()
    {
        var newest = Parse(await Api.GetStringAsync("/checkpoint/latest"));
        var time = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var cosigned = new SignedNote(newest.Text, [newest.Signatures[0], .. WitnessedSystem.Witnesses.Select(w => w.Cosign(newest.Text, time))]);
        using var response = await Api.PostAsync("/checkpoint/cosignature", new StringContent(cosigned.Format(), Encoding.UTF8, "text/plain"));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return Checkpoint(newest.Text).TreeSize;
    }

    private static SignedNote Parse(string text) =>
        SignedNote.TryParse(Encoding.UTF8.GetBytes(text), out var note, out var error) ? note : throw new FormatException(error);

    private static Checkpoint Checkpoint(string text) =>
        Formats.Notes.Checkpoint.TryParse(text, out var checkpoint, out var error) ? checkpoint : throw new FormatException(error);
}
