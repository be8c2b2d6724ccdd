using System.Text.Json.Nodes;
using CommunityAI.Audit.Chain;
using CommunityAI.Audit.Tests.Contracts;
using CommunityAI.Testing;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace CommunityAI.Audit.Tests;

/// <summary>
/// A deployment whose admin is a contract (a multisig, here a one-owner wallet): the admin signs the network file
/// through its owner and the chain answers for it (EIP-1271), on a real anvil chain. Offline, only an admin's own key
/// can be checked, so the same file is refused there; with the chain, a signature the contract does not accept, and
/// an admin that is no contract at all, are refused.
/// </summary>
public sealed class ContractAdminTests(AnvilNode chain) : IClassFixture<AnvilNode>
{
    private const int Owner = 2;

    [Fact]
    public async Task A_network_file_signed_through_a_contract_admin_is_accepted_with_the_chain_and_refused_otherwise()
    {
        var web3 = new Web3(new Account(AnvilNode.DevPrivateKeys[0], AnvilNode.ChainId), chain.RpcUrl);
        var deployed = await web3.Eth.DeployContract.SendRequestAndWaitForReceiptAsync(OwnedWallet.Abi, OwnedWallet.Bytecode,
            AnvilNode.DevAddresses[0], new Nethereum.Hex.HexTypes.HexBigInteger(1_000_000), null, AnvilNode.DevAddresses[Owner]);
        var wallet = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(deployed.ContractAddress);

        var byOwner = WriteFile(admin: wallet, signer: Owner);
        var file = await NetworkFile.LoadAsync(byOwner, web3, CancellationToken.None);
        Assert.Equal(wallet, file.Admin, ignoreCase: true);
        // Offline the signature recovers to the owner, not to the admin: nothing there can say the wallet agrees.
        Assert.Contains("not by the admin", Assert.Throws<FormatException>(() => NetworkFile.Load(byOwner)).Message, StringComparison.Ordinal);

        // Signed by someone the wallet does not answer for: refused, naming who signed.
        var byStranger = WriteFile(admin: wallet, signer: 3);
        var refused = await Assert.ThrowsAsync<FormatException>(() => NetworkFile.LoadAsync(byStranger, web3, CancellationToken.None));
        Assert.Contains(AnvilNode.DevAddresses[3], refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("does not accept it on chain", refused.Message, StringComparison.Ordinal);

        // An admin without code cannot accept anything on chain.
        var noContract = WriteFile(admin: AnvilNode.DevAddresses[4], signer: Owner);
        Assert.Contains("does not accept it on chain",
            (await Assert.ThrowsAsync<FormatException>(() => NetworkFile.LoadAsync(noContract, web3, CancellationToken.None))).Message, StringComparison.Ordinal);

        // The auditor's command takes the same path: the stranger's file is a usage error naming it.
        var export = Path.GetTempFileName();
        try
        {
            var run = await AuditRun.RunAsync(["verify", "--export", export, "--rpc", chain.RpcUrl, "--network-file", byStranger]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("does not accept it on chain", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(export);
        }
    }

    /// <summary>The development network file with another admin, signed (EIP-191) by dev key <paramref name="signer"/>.</summary>
    private static string WriteFile(string admin, int signer)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(NetworkFileTests.NetworksDirectory, "development.json")))!.AsObject();
        root["admin"] = admin;
        root["signature"] = new EthereumMessageSigner().EncodeUTF8AndSign(NetworkFile.SignedText(root), new EthECKey(AnvilNode.DevPrivateKeys[signer]));
        var path = Path.Combine(Path.GetTempPath(), $"network-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
