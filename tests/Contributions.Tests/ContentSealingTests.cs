using System.Security.Cryptography;
using System.Text;
using CommunityAI.Contributions.Domain;

namespace Contributions.Tests;

public sealed class ContentSealingTests
{
    private const string Id = "0x1111111111111111111111111111111111111111111111111111111111111111";
    private const string Contributor = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private static readonly byte[] Text = Encoding.UTF8.GetBytes("a short, private text");

    private static MasterKeyRing Ring(string active, params string[] ids) => new(new ContentStoreOptions
    {
        MasterKeys = ids.ToDictionary(id => id, id => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(id)))),
        ActiveMasterKey = active,
    });

    [Fact]
    public void Sealed_content_opens_with_its_key_and_binding_and_does_not_show_the_text()
    {
        var key = ContentSealing.NewKey();
        var binding = ContentSealing.ContentBinding(Id, Contributor, "MIT");
        var sealedValue = ContentSealing.Seal(key, Text, binding);
        Assert.Equal(Text.Length + ContentSealing.Overhead, sealedValue.Length);
        Assert.Equal(-1, sealedValue.AsSpan().IndexOf(Text.AsSpan(0, 8)));
        Assert.Equal(Text, ContentSealing.Open(key, sealedValue, binding));
    }

    [Fact]
    public void Content_moved_to_another_licence_contribution_or_key_does_not_open()
    {
        var key = ContentSealing.NewKey();
        var sealedValue = ContentSealing.Seal(key, Text, ContentSealing.ContentBinding(Id, Contributor, "MIT"));
        Assert.ThrowsAny<CryptographicException>(() => ContentSealing.Open(key, sealedValue, ContentSealing.ContentBinding(Id, Contributor, "CC0-1.0")));
        Assert.ThrowsAny<CryptographicException>(() => ContentSealing.Open(key, sealedValue, ContentSealing.ContentBinding("0x22", Contributor, "MIT")));
        Assert.ThrowsAny<CryptographicException>(() => ContentSealing.Open(ContentSealing.NewKey(), sealedValue, ContentSealing.ContentBinding(Id, Contributor, "MIT")));
        sealedValue[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => ContentSealing.Open(key, sealedValue, ContentSealing.ContentBinding(Id, Contributor, "MIT")));
    }

    [Fact]
    public void A_rewrap_moves_a_data_key_to_the_new_master_key_and_the_old_key_is_then_not_needed()
    {
        var dataKey = ContentSealing.NewKey();
        var binding = ContentSealing.KeyBinding(Id, Contributor);
        var underOld = Ring("old", "old").Wrap(dataKey, binding);

        var rotated = Ring("new", "old", "new");
        var underNew = rotated.Rewrap("old", underOld, binding);

        Assert.Equal(dataKey, Ring("new", "new").Unwrap("new", underNew, binding));
        Assert.Throws<KeyNotFoundException>(() => Ring("new", "new").Unwrap("old", underOld, binding));
    }

    [Fact]
    public void Options_without_a_valid_active_key_are_refused()
    {
        static IReadOnlyList<string> Problems(ContentStoreOptions options) =>
            [.. options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage!)];
        Assert.NotEmpty(Problems(new ContentStoreOptions()));
        Assert.NotEmpty(Problems(new ContentStoreOptions { MasterKeys = { ["a"] = Convert.ToBase64String(new byte[16]) }, ActiveMasterKey = "a" }));
        Assert.NotEmpty(Problems(new ContentStoreOptions { MasterKeys = { ["a"] = Convert.ToBase64String(new byte[32]) }, ActiveMasterKey = "b" }));
        Assert.Empty(Problems(new ContentStoreOptions { MasterKeys = { ["a"] = Convert.ToBase64String(new byte[32]) }, ActiveMasterKey = "a" }));
    }

    [Fact]
    public void Problems_of_a_key_set_name_the_keys_and_their_source_but_never_a_value()
    {
        var good = Convert.ToBase64String(SHA256.HashData("good"u8));
        var shortKey = Convert.ToBase64String(SHA256.HashData("short"u8).AsSpan(0, 16));
        var keys = new Dictionary<string, string> { ["2026-11"] = shortKey, ["2026-12"] = good + "\n" };

        var problems = MasterKeyRing.Problems(keys, "2027-01", "secret S", id => $"value {id} of secret S").ToList();

        Assert.Equal(
        [
            "value 2026-11 of secret S must be 32 bytes in base64",
            "ContentStore:ActiveMasterKey must name one of the keys in secret S; 2027-01 is not one (it has 2026-11, 2026-12)",
        ], problems);
        // A trailing newline (as a mounted Secret often has) is not a malformed key.
        Assert.DoesNotContain(MasterKeyRing.Problems(keys, "2026-12", "secret S", id => id), p => p.Contains("2026-12 must", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(shortKey, StringComparison.Ordinal) || p.Contains(good, StringComparison.Ordinal));
        Assert.Equal("2026-12", new MasterKeyRing(keys.Where(k => k.Key == "2026-12").ToDictionary(), "2026-12").ActiveKeyId);
    }
}
