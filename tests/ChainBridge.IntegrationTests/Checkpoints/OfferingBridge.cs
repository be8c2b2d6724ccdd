namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>The bridge requiring two witnesses, offering them one head for a minute (a test ages the offer itself).</summary>
public sealed class OfferingBridge : WitnessedBridge
{
    protected override IEnumerable<(string Key, string Value)> ExtraSettings =>
        [.. base.ExtraSettings, ("Checkpoints:WitnessCadenceSeconds", "60")];

    /// <summary>Moves the offer's time back an hour, as if the cadence had passed.</summary>
    public Task AgeOfferAsync() =>
        ScalarAsync<long>("UPDATE chainbridge.checkpoint_offer SET offered_at = offered_at - interval '1 hour' RETURNING tree_size");
}
