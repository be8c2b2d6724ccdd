namespace CommunityAI.Portal.BrowserTests;

/// <summary>
/// The portal's system with the community model running too: it trains from the contributions service's dataset API
/// over TCP, signing as anvil's dev key 9 (its Testing key), which the contributions service admits as a builder here,
/// and the ledger pays a contributed champion's measured gain.
/// </summary>
public sealed class ModelSystem : PortalSystem
{
    public const int BuilderKey = 9;

    protected override IReadOnlyDictionary<string, string> ServiceSettings { get; } = new Dictionary<string, string>
    {
        ["Datasets:Builders:0"] = AnvilNode.DevAddresses[BuilderKey],
        // Every score here is a fallback; the model trains on whatever the real pipeline scored.
        ["Model:MinScore"] = "0",
        // The test contributes 16 examples: at the default 20% the salted split left none held out in about one run of
        // 36 (0.8^16), and the round was refused; at 40%, about one of 3,600.
        ["Model:HeldOutPercent"] = "40",
        // A contributed model that becomes champion is paid by its measured gain: a thousandth of a token per basis point
        // (the built-in genesis pays nothing until a vote says so).
        ["Rewards:Genesis:ModelGainRewardPerBasisPoint"] = "1000000000000000",
    };

    protected override Uri? StartCommunityModel(IReadOnlyDictionary<string, string> settings, Uri contributions) =>
        Start<CommunityAI.CommunityModel.Domain.ModelOptions>(new Dictionary<string, string>(settings)
        {
            ["Model:ContributionsUrl"] = contributions.ToString(),
        });
}
