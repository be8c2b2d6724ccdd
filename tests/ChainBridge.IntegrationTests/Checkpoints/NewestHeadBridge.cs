namespace ChainBridge.IntegrationTests.Checkpoints;

/// <summary>The same two witnesses, none required: <c>/checkpoint</c> is the newest head, as before witnesses could be required.</summary>
public sealed class NewestHeadBridge : WitnessedBridge
{
    protected override int Required => 0;
}
