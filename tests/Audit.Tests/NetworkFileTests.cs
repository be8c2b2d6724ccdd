using System.Text.Json.Nodes;
using CommunityAI.Audit.Chain;
using CommunityAI.Testing;
using Nethereum.Signer;

namespace CommunityAI.Audit.Tests;

/// <summary>The published deployments under deploy/networks: each signed by its admin, and refused once edited.</summary>
public sealed class NetworkFileTests
{
    public static readonly string NetworksDirectory = Path.Combine(RepositoryRoot.Find(), "deploy", "networks");

    public static TheoryData<string> PublishedFiles() => [.. Directory.GetFiles(NetworksDirectory, "*.json").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(PublishedFiles))]
    public void Every_published_deployment_is_signed_by_its_admin(string name)
    {
        var file = NetworkFile.Load(Path.Combine(NetworksDirectory, name));

        Assert.Equal(NetworkFile.CurrentVersion, file.Version);
        Assert.Equal(Path.GetFileNameWithoutExtension(name), file.Network);
        Assert.NotEqual(file.Admin, file.Guardian);
    }

    [Fact]
    public void The_development_deployment_is_signed_by_anvils_account_9_over_its_canonical_json()
    {
        var file = NetworkFile.Load(Path.Combine(NetworksDirectory, "development.json"));

        Assert.Equal(31337, file.ChainId);
        Assert.Equal(AnvilNode.DevAddresses[9], file.Admin);
        Assert.Equal(AnvilNode.DevAddresses[8], file.Guardian);
        // What ethers' signMessage signed in eng/sign-network.mjs is what Nethereum recovers from here.
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(NetworksDirectory, "development.json")))!.AsObject();
        var again = new EthereumMessageSigner().EncodeUTF8AndSign(NetworkFile.SignedText(root), new EthECKey(AnvilNode.DevPrivateKeys[9]));
        Assert.Equal(file.Signature, again);
    }

    [Theory]
    [InlineData("contracts.historyAnchor", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")]
    [InlineData("chainId", 1L)]
    [InlineData("deploymentBlock", 2L)]
    [InlineData("guardian", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")]
    public void An_edited_deployment_is_refused(string member, object value)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(NetworksDirectory, "development.json")))!.AsObject();
        var parts = member.Split('.');
        var target = parts.Length == 2 ? root[parts[0]]!.AsObject() : root;
        target[parts[^1]] = JsonValue.Create(value);

        var refused = Assert.Throws<FormatException>(() => NetworkFile.Parse(root.ToJsonString()));

        Assert.Contains("not by the admin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_whose_admin_was_swapped_for_the_signer_of_a_forgery_is_refused()
    {
        // An attacker who edits the addresses must sign again, and can only sign as someone other than the admin.
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(NetworksDirectory, "development.json")))!.AsObject();
        root["contracts"]!["historyAnchor"] = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
        root["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(NetworkFile.SignedText(root), new EthECKey(AnvilNode.DevPrivateKeys[2]));

        var refused = Assert.Throws<FormatException>(() => NetworkFile.Parse(root.ToJsonString()));

        Assert.Contains(AnvilNode.DevAddresses[2], refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}
