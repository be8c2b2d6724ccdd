using CommunityAI.RewardLedger.Infrastructure;
using CommunityAI.ServiceDefaults.Database;

namespace CommunityAI.RewardLedger.IntegrationTests;

/// <summary>
/// The revenue loop reads the payments not split yet once a second (<see cref="RevenueFacts.PendingPaymentsAsync"/>). That
/// read goes through the set-up's index on payments (<see cref="HistoryIndexes.PaymentsInOrder"/>): without it, it scanned
/// the whole history every second, which an hour's soak found busy in every look at the server. What it finds is tested
/// through the real split in <see cref="RevenueSplitTests"/>.
/// </summary>
public sealed class PendingPaymentsIndexTests(LedgerSystem system) : IClassFixture<LedgerSystem>
{
    [Fact]
    public async Task The_pending_payments_read_uses_the_payments_index_even_as_a_generic_plan_and_a_service_start_keeps_it()
    {
        await HistoryIndexChecks.CreatedAndKeptAsync(system, HistoryIndexes.PaymentsInOrder);

        var plan = await QueryPlans.GenericAsync(system.History, RevenueFacts.PendingSql,
            ("@payments", "text", $"'{RevenueFacts.PaymentStreamPrefix}'"), ("@splits", "text", $"'{RevenueSplitter.StreamFor("")}'"),
            ("@max", "int", "100"));
        Assert.Contains(plan, line => line.Contains(HistoryIndexes.PaymentsInOrder.Name, StringComparison.Ordinal));
    }
}
